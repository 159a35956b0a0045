"""Bank-statement import: CSV rows (date, amount, reference, counter IBAN) matched to
invoices by their payment reference. A file is booked whole or not at all."""

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from vrijstad.auth.models import User
from vrijstad.billing import services as billing
from vrijstad.billing.models import Invoice, InvoiceStatus
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _
from vrijstad.money import AmountError, parse_eur
from vrijstad.organisations.models import Organisation
from vrijstad.payments.models import BankImport
from vrijstad.payments.services import PaymentsError, _staff

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 10_000
REFERENCE = re.compile(r"VS\s*(\d{3})\s*-?\s*(\d{6})", re.IGNORECASE)
DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%Y%m%d", "%d.%m.%Y")
COLUMNS = {
    "date": ("date", "datum", "boekdatum", "transactiedatum", "rentedatum"),
    "amount": ("amount", "bedrag", "bedrag (eur)"),
    "reference": ("reference", "referentie", "omschrijving", "description", "mededelingen",
                  "betalingskenmerk", "kenmerk"),
    "iban": ("counter iban", "counter_iban", "tegenrekening", "tegenrekening iban",
             "counterparty iban", "iban"),
}  # fmt: skip


class StatementRefused(PaymentsError):
    """The file as a whole was refused; errors lists what is wrong, line by line."""

    def __init__(self, message: str, errors: list[str] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


@dataclass(frozen=True)
class Row:
    line: int
    day: date
    amount_cents: int
    reference: str
    iban: str


def _decode(data: bytes) -> str:
    if b"\x00" in data:
        raise StatementRefused(_("This is not a CSV file."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _parse_day(text: str) -> date:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _header(cells: list[str]) -> dict[str, int] | None:
    names = [c.strip().lower() for c in cells]
    found = {}
    for key, aliases in COLUMNS.items():
        for i, name in enumerate(names):
            if name in aliases and key not in found:
                found[key] = i
    if "date" in found and "amount" in found:
        return found
    return None


def parse_statement(data: bytes) -> list[Row]:
    """The rows of a statement; any broken row refuses the whole file."""
    if not data.strip():
        raise StatementRefused(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise StatementRefused(_("The file is larger than 2 MB."))
    text = _decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
    try:
        table = list(csv.reader(io.StringIO(text), dialect))
    except csv.Error as exc:
        raise StatementRefused(_("This is not a CSV file.")) from exc
    columns = _header(table[0]) if table else None
    start = 1 if columns else 0
    columns = columns or {"date": 0, "amount": 1, "reference": 2, "iban": 3}
    if len(table) - start > MAX_ROWS:
        raise StatementRefused(_("A file holds at most %(n)d rows.", n=MAX_ROWS))
    rows, errors = [], []
    for number, cells in enumerate(table[start:], start=start + 1):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) <= max(columns["date"], columns["amount"]):
            errors.append(_("Line %(n)d: too few columns.", n=number))
            continue
        try:
            day = _parse_day(cells[columns["date"]])
        except ValueError:
            errors.append(_("Line %(n)d: %(value)s is not a date.", n=number,
                            value=cells[columns["date"]][:40]))  # fmt: skip
            continue
        try:
            amount = parse_eur(cells[columns["amount"]].strip().lstrip("+"))
        except AmountError:
            errors.append(_("Line %(n)d: %(value)s is not an amount.", n=number,
                            value=cells[columns["amount"]][:40]))  # fmt: skip
            continue

        def cell(key: str, cells=cells) -> str:
            index = columns.get(key)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        rows.append(Row(number, day, amount, cell("reference")[:300], cell("iban")[:34]))
    if errors:
        raise StatementRefused(_("Nothing was imported: the file has %(n)d broken rows.",
                                 n=len(errors)), errors)  # fmt: skip
    if not rows:
        raise StatementRefused(_("The file holds no payments."))
    return rows


def _match(organisation: Organisation, row: Row) -> tuple[Invoice | None, str]:
    if row.amount_cents <= 0:
        return None, _("not a receipt")
    found = REFERENCE.search(row.reference)
    if not found:
        return None, _("no invoice reference")
    if int(found.group(1)) != organisation.id:
        return None, _("reference of another organisation")
    invoice = db.session.scalar(sa.select(Invoice).where(
        Invoice.organisation_id == organisation.id,
        Invoice.number == int(found.group(2))))  # fmt: skip
    if invoice is None:
        return None, _("unknown invoice")
    if invoice.status != InvoiceStatus.OPEN or row.amount_cents > invoice.outstanding_cents:
        return None, _("more than is open on invoice %(n)d", n=invoice.number)
    return invoice, ""


def import_statement(actor: User, organisation: Organisation, filename: str, data: bytes
                     ) -> BankImport:  # fmt: skip
    """Book every row that names an open invoice of the organisation; list the rest."""
    _staff(actor, organisation.id)
    digest = hashlib.sha256(data).hexdigest()
    seen = sa.select(BankImport.id).where(
        BankImport.organisation_id == organisation.id, BankImport.sha256 == digest
    )
    if db.session.scalar(seen):
        raise StatementRefused(_("This file has been imported before."))
    rows = parse_statement(data)
    matched, matched_cents, unmatched = 0, 0, []
    for row in rows:
        invoice, reason = _match(organisation, row)
        if invoice is not None:
            try:
                key = f"bank:{organisation.id}:{digest}:{row.line}"
                billing.record_payment(actor, invoice, row.amount_cents, row.day,
                                       reference=row.reference, method="bank", key=key)  # fmt: skip
            except billing.BillingError as exc:
                invoice, reason = None, str(exc)
            else:
                matched += 1
                matched_cents += row.amount_cents
                continue
        unmatched.append({"line": row.line, "date": row.day.isoformat(),
                          "amount_cents": row.amount_cents, "reference": row.reference,
                          "iban": row.iban, "reason": reason})  # fmt: skip
    bank_import = BankImport(organisation_id=organisation.id, filename=(filename or "")[:255],
                             sha256=digest, rows_total=len(rows), matched_count=matched,
                             matched_cents=matched_cents, unmatched=unmatched,
                             imported_by_id=actor.id)  # fmt: skip
    db.session.add(bank_import)
    db.session.flush()
    return bank_import
