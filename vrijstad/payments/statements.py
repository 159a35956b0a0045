"""Bank-statement import: every line of a bank file kept once, credits matched to invoices.

Rules:
- Direction is always honoured: only money received (a credit) can pay an invoice. Money
  that left the account is listed as outgoing and booked nowhere.
- A credit is matched by the invoice's payment reference (``VS001-000012``: structured
  reference first, then end-to-end id, then the description); failing that by an invoice
  number in the description ("factuur 12"). A matched credit is booked against the invoice,
  also when it pays only part of it (invoices take part payments); more than is open is not
  booked but listed.
- A credit without any reference whose amount is exactly what an open invoice still asks and
  whose payer's name resembles the invoice's customer is a *suggestion*: nothing is booked
  until staff confirm it (or reject it, and it is listed as unmatched).
- Every line that is not booked keeps a reason, for staff to handle by hand.
- Each line has a fingerprint, unique per organisation: the bank's own entry reference, or
  account, date, amount, references, counterparty and the line's sequence among equal lines.
  A line seen before is skipped and counted as already imported; a file of which every line
  was seen before is refused as imported before.
- A file is imported whole or not at all: a broken line, or a file in no known format,
  refuses the file (the caller rolls the transaction back on any error).
"""

import hashlib
import re
import unicodedata
from collections import Counter, defaultdict

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from vrijstad import clock
from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.billing import services as billing
from vrijstad.billing.models import Invoice, InvoiceStatus
from vrijstad.database import insert_rows
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _
from vrijstad.organisations.models import Organisation
from vrijstad.payments.bankfiles import MAX_BYTES, BankFileRefused, StatementLine, parse
from vrijstad.payments.models import (
    BANK_LINE_FLOW,
    BankImport,
    BankLine,
    BankLineStatus,
    LineReason,
    MatchedBy,
)
from vrijstad.payments.services import PaymentsError, _staff

__all__ = ["MAX_BYTES", "StatementRefused", "import_statement", "parse_statement"]

REFERENCE = re.compile(r"VS\s*(\d{3})\s*-?\s*(\d{6})", re.IGNORECASE)
#: "factuur 12", "factuurnr. 000012", "invoice #12", "nota 12" (not "factuur 2026-118").
INVOICE_NUMBER = re.compile(
    r"\b(?:factuur|factuurnummer|factuurnr|fact|invoice|nota)\.?\s*(?:nr\.?|nummer|no\.?)?"
    r"\s*[:#]?\s*(\d{1,9})(?![\d/.-]*\d)",
    re.IGNORECASE,
)
NAME_WORDS = frozenset(
    [
        "de",
        "den",
        "der",
        "het",
        "van",
        "von",
        "ten",
        "ter",
        "te",
        "en",
        "and",
        "bv",
        "vof",
        "cv",
        "nv",
        "mw",
        "mevr",
        "dhr",
        "hr",
        "heer",
        "mevrouw",
        "stichting",
        "winkel",
        "eo",
        "fam",
    ]
)
SUGGEST_SCORE = 0.5
_CHUNK = 900


class StatementRefused(PaymentsError):
    """The file as a whole was refused; errors lists what is wrong, line by line."""

    def __init__(self, message: str, errors: list[str] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


def parse_statement(data: bytes) -> list[StatementLine]:
    """The lines of a bank file; any broken line, or an unknown format, refuses the file."""
    try:
        return parse(data).lines
    except BankFileRefused as exc:
        raise StatementRefused(str(exc), exc.errors) from exc


def fingerprints(lines: list[StatementLine]) -> list[str]:
    """A stable key per line: the same booking in a later (overlapping) file has the same key,
    two equal bookings in one file differ by their sequence."""
    seen: Counter[str] = Counter()
    keys = []
    for line in lines:
        if line.bank_reference:
            base = [line.account, "ref", line.bank_reference]
        else:
            base = [
                line.account,
                line.reference,
                line.end_to_end_id,
                line.iban,
                line.name,
                line.description,
            ]
        text = "|".join([*base, line.booked_on.isoformat(), str(line.amount_cents)])
        seen[text] += 1
        keys.append(hashlib.sha256(f"{text}|{seen[text]}".encode()).hexdigest())
    return keys


def _known(organisation_id: int, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), _CHUNK):
        found.update(
            db.session.scalars(
                sa.select(BankLine.fingerprint).where(
                    BankLine.organisation_id == organisation_id,
                    BankLine.fingerprint.in_(keys[start : start + _CHUNK]),
                )
            )
        )
    return found


def name_words(text: str) -> set[str]:
    plain = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    return {w for w in re.split(r"[^a-z0-9]+", plain) if len(w) > 1 and w not in NAME_WORDS}


def customer_words(invoice: Invoice) -> set[str]:
    return name_words(invoice.customer.get("name") or "") | name_words(invoice.starter.name)


def name_score(payer: str, invoice: Invoice, known: set[str] | None = None) -> float:
    """How much of the payer's name is found in the invoice's customer or starter name (known:
    those names' words, when the caller has them already)."""
    words = name_words(payer)
    if not words:
        return 0.0
    known = customer_words(invoice) if known is None else known
    return len(words & known) / len(words)


class _Matcher:
    """Finds the invoice a credit pays, with the organisation's invoices loaded in bulk."""

    def __init__(self, organisation_id: int, lines: list[StatementLine]) -> None:
        self.organisation_id = organisation_id
        self.references: dict[int, tuple[int, int] | None] = {}
        numbers = set()
        self.unreferenced: set[int] = set()  # the amounts a suggestion may be looked for
        for index, line in enumerate(lines):
            if line.amount_cents > 0:
                found = self._reference(line)
                self.references[index] = found
                if found and found[0] in (0, organisation_id):
                    numbers.add(found[1])
                elif found is None:
                    self.unreferenced.add(line.amount_cents)
        # The quoted invoices, locked for the bookings (in id order) and read afresh.
        ids: list[int] = []
        number_list = sorted(numbers)
        for start in range(0, len(number_list), _CHUNK):
            ids += db.session.scalars(
                sa.select(Invoice.id).where(
                    Invoice.organisation_id == organisation_id,
                    Invoice.number.in_(number_list[start : start + _CHUNK]),
                )
            )
        self.invoices: dict[int, Invoice] = {
            invoice.number: invoice for invoice in billing.lock_invoices(ids).values()
        }
        self._open: dict[int, list[Invoice]] | None = None
        self._names: dict[int, set[str]] = {}
        self.suggested: set[int] = set()

    @staticmethod
    def _reference(line: StatementLine) -> tuple[int, int] | None:
        """(organisation, invoice number): by payment reference, else by invoice number in the
        description (organisation 0 meaning: ours)."""
        for text in (line.reference, line.end_to_end_id, line.description, line.name):
            found = REFERENCE.search(text or "")
            if found:
                return int(found.group(1)), int(found.group(2))
        found = INVOICE_NUMBER.search(line.description or "")
        return (0, int(found.group(1))) if found else None

    def reference_of(self, index: int) -> tuple[MatchedBy, Invoice | None] | None:
        found = self.references.get(index)
        if found is None:
            return None
        organisation, number = found
        by = MatchedBy.INVOICE_NUMBER if organisation == 0 else MatchedBy.REFERENCE
        if organisation not in (0, self.organisation_id):
            return by, None
        return by, self.invoices.get(number)

    def quoted(self, index: int) -> str:
        """The reference or invoice number the line quotes, as the line put it."""
        found = self.references.get(index)
        if found is None:
            return ""
        organisation, number = found
        return f"VS{organisation:03d}-{number:06d}" if organisation else str(number)

    def suggestion(self, line: StatementLine) -> Invoice | None:
        """The open invoice that asks exactly this amount and whose customer resembles the
        payer; the earliest due wins a tie. Never one already suggested in this file."""
        if self._open is None:
            # The open invoices asking one of the amounts of the file's unreferenced credits,
            # and those the file quotes (what they ask may have changed by its bookings).
            self._open = defaultdict(list)
            candidates: dict[int, Invoice] = {}
            amounts = sorted(self.unreferenced)
            for start in range(0, len(amounts), _CHUNK):
                candidates.update(
                    (invoice.id, invoice)
                    for invoice in db.session.scalars(
                        sa.select(Invoice)
                        .where(
                            Invoice.organisation_id == self.organisation_id,
                            Invoice.status == InvoiceStatus.OPEN,
                            (Invoice.total_cents - Invoice.paid_cents).in_(
                                amounts[start : start + _CHUNK]
                            ),
                        )
                        .options(selectinload(Invoice.starter))
                    )
                )
            for invoice in self.invoices.values():
                if invoice.status == InvoiceStatus.OPEN:
                    candidates.setdefault(invoice.id, invoice)
            for invoice in sorted(candidates.values(), key=lambda i: (i.due_on, i.number)):
                self._open[invoice.outstanding_cents].append(invoice)
        best, best_score = None, SUGGEST_SCORE
        for invoice in self._open.get(line.amount_cents, []):
            if invoice.id in self.suggested or invoice.status != InvoiceStatus.OPEN:
                continue
            if invoice.id not in self._names:
                self._names[invoice.id] = customer_words(invoice)
            score = name_score(line.name, invoice, self._names[invoice.id])
            if score > best_score or (best is None and score >= best_score):
                best, best_score = invoice, score
        if best is not None:
            self.suggested.add(best.id)
        return best


_REASONS = {"already_paid": LineReason.ALREADY_PAID, "more_than_open": LineReason.MORE_THAN_OPEN}


def _book(
    batch: billing.PaymentBatch, bank_import: BankImport, row: dict, invoice: Invoice
) -> bool:
    """Decide the booking of the line's amount on the invoice (written with the batch), or
    leave the line (a BankLine row's values) unmatched with the reason; True when booked."""
    try:
        batch.add(
            billing.PaymentRequest(
                invoice,
                row["amount_cents"],
                row["booked_on"],
                row["reference"] or row["description"] or row["end_to_end_id"],
                f"bank:{row['organisation_id']}:{row['fingerprint']}",
            )
        )
    except billing.BillingError as exc:
        reason = _REASONS.get(exc.reason) if isinstance(exc, billing.PaymentRefused) else None
        row["status"], row["reason"] = BankLineStatus.UNMATCHED, reason or LineReason.NOT_BOOKABLE
        if reason is None:
            row["detail"] = str(exc)[:300]
        return False
    row["status"], row["reason"] = BankLineStatus.BOOKED, None
    bank_import.matched_count += 1
    bank_import.matched_cents += row["amount_cents"]
    return True


def import_statement(
    actor: User, organisation: Organisation, filename: str, data: bytes
) -> BankImport:
    """Read a bank file, keep its new lines, book the credits that name an open invoice of the
    organisation, suggest the ones that only fit by amount and name, list the rest."""
    _staff(actor, organisation.id)
    # One import per organisation at a time: the second waits and then finds the lines.
    db.session.execute(
        sa.select(Organisation.id).where(Organisation.id == organisation.id).with_for_update()
    )
    digest = hashlib.sha256(data).hexdigest()
    seen = sa.select(BankImport.id).where(
        BankImport.organisation_id == organisation.id, BankImport.sha256 == digest
    )
    if db.session.scalar(seen):
        raise StatementRefused(_("This file has been imported before."))
    try:
        statement = parse(data)
    except BankFileRefused as exc:
        raise StatementRefused(str(exc), exc.errors) from exc
    keys = fingerprints(statement.lines)
    known = _known(organisation.id, keys)
    fresh = [
        (i, line, key)
        for i, (line, key) in enumerate(zip(statement.lines, keys, strict=True))
        if key not in known
    ]
    if not fresh:
        raise StatementRefused(
            _(
                "This file has been imported before: all its %(n)d lines are already imported.",
                n=len(keys),
            )
        )
    bank_import = BankImport(
        organisation_id=organisation.id,
        filename=(filename or "")[:255],
        sha256=digest,
        rows_total=len(statement.lines),
        matched_count=0,
        matched_cents=0,
        format=statement.format,
        duplicate_count=len(statement.lines) - len(fresh),
        imported_by_id=actor.id,
    )
    db.session.add(bank_import)
    db.session.flush()
    matcher = _Matcher(organisation.id, statement.lines)
    batch = billing.PaymentBatch(actor)
    booked: list[dict] = []
    rows = []  # the lines' values, inserted in batches once their payments exist
    for index, line, key in fresh:
        outgoing = line.amount_cents < 0
        row = {
            "import_id": bank_import.id,
            "organisation_id": organisation.id,
            "fingerprint": key,
            "line": line.line,
            "booked_on": line.booked_on,
            "amount_cents": line.amount_cents,
            "currency": line.currency[:3],
            "name": line.name,
            "iban": line.iban,
            "description": line.description,
            "reference": line.reference,
            "end_to_end_id": line.end_to_end_id,
            "bank_reference": line.bank_reference,
            "status": BankLineStatus.OUTGOING if outgoing else BankLineStatus.UNMATCHED,
            "reason": LineReason.DEBIT if outgoing else None,
            "detail": None,
            "matched_by": None,
            "invoice_id": None,
            "payment_id": None,
        }
        rows.append(row)
        if outgoing:
            continue  # outgoing: listed, never booked
        if line.currency.upper() != "EUR":
            row["reason"] = LineReason.FOREIGN_CURRENCY
        elif line.reversal:
            row["reason"] = LineReason.REVERSAL
        elif line.amount_cents == 0:
            row["reason"] = LineReason.NO_REFERENCE
        elif (found := matcher.reference_of(index)) is not None:
            how, invoice = found
            if invoice is None:
                row["reason"], row["detail"] = LineReason.UNKNOWN_INVOICE, matcher.quoted(index)
            else:
                row["matched_by"], row["invoice_id"] = how, invoice.id
                if _book(batch, bank_import, row, invoice):
                    booked.append(row)
        elif (invoice := matcher.suggestion(line)) is not None:
            row["status"], row["reason"], row["invoice_id"] = (
                BankLineStatus.SUGGESTED,
                LineReason.NO_REFERENCE,
                invoice.id,
            )
        else:
            row["reason"] = LineReason.NO_REFERENCE
    for row, payment_id in zip(booked, batch.write(), strict=True):
        row["payment_id"] = payment_id
    insert_rows(BankLine.__table__, rows)
    db.session.expire(bank_import, ["lines"])
    db.session.flush()
    record_event(
        actor,
        "bank.imported",
        bank_import,
        organisation.id,
        format=statement.format,
        lines=len(rows),
        booked=bank_import.matched_count,
    )
    return bank_import


def _locked_line(line_id: int) -> BankLine:
    return db.session.scalars(
        sa.select(BankLine)
        .where(BankLine.id == line_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def confirm_suggestion(actor: User, line: BankLine) -> BankLine:
    """Staff agree that a suggested line pays its invoice: it is booked now."""
    _staff(actor, line.organisation_id)
    line = _locked_line(line.id)
    if line.status != BankLineStatus.SUGGESTED or line.invoice is None:
        raise PaymentsError(_("This line has been dealt with already."))
    invoice = line.invoice
    try:
        payment = billing.record_payment(
            actor,
            invoice,
            line.amount_cents,
            line.booked_on,
            reference=line.reference or line.description or line.name,
            method="bank",
            key=f"bank:{line.organisation_id}:{line.fingerprint}",
        )
    except billing.BillingError as exc:
        raise PaymentsError(str(exc)) from exc
    BANK_LINE_FLOW.move(line, BankLineStatus.BOOKED)
    line.reason, line.matched_by = None, MatchedBy.CONFIRMED
    line.payment_id, line.decided_by_id, line.decided_at = payment.id, actor.id, clock.now()
    line.bank_import.matched_count += 1
    line.bank_import.matched_cents += line.amount_cents
    db.session.flush()
    record_event(
        actor,
        "bank.suggestion_confirmed",
        line,
        line.organisation_id,
        invoice=invoice.id,
        cents=line.amount_cents,
    )
    return line


def reject_suggestion(actor: User, line: BankLine) -> BankLine:
    """Staff say a suggested line does not pay that invoice: it is listed as unmatched."""
    _staff(actor, line.organisation_id)
    line = _locked_line(line.id)
    if line.status != BankLineStatus.SUGGESTED:
        raise PaymentsError(_("This line has been dealt with already."))
    BANK_LINE_FLOW.move(line, BankLineStatus.UNMATCHED)
    line.reason, line.invoice_id = LineReason.SUGGESTION_REJECTED, None
    line.decided_by_id, line.decided_at = actor.id, clock.now()
    db.session.flush()
    record_event(actor, "bank.suggestion_rejected", line, line.organisation_id)
    return line
