"""Reading the files banks hand a finance officer, into one kind of statement line.

Formats, told apart by their content (never by the file name):

- CAMT.053 (ISO 20022 bank-to-customer statement), versions camt.053.001.02 and later. Parsed
  by the standard library behind defusedxml, with document type declarations refused outright:
  no entities, no external references (XXE), no entity expansion. A batch entry whose
  transactions carry their own amounts becomes one line per transaction.
- MT940 (SWIFT), parsed by the `mt-940` package; the ``:86:`` text in the ING and Rabobank
  style (``/EREF/…/CNTP/…/REMI/…`` and ``/ORDP//NAME/…``) is read for name, IBAN and reference.
- The CSV exports of ING (``;`` and ``,`` variants, ``Af Bij`` column, amounts like 1149,50),
  Rabobank (signed ``Bedrag``, ``Omschrijving-1..3``, ``Betalingskenmerk``) and the ABN AMRO
  TXT/TAB export (no header, signed amount, a description with labelled fields).
- The plain CSV this application always read (a header naming at least date and a signed
  amount, plus reference and counter IBAN).

Every line keeps its direction: the amount is signed integer cents, positive for money in
(credit), negative for money out (debit). A file with any broken line is refused as a whole,
with an error per line; a file in no known format is refused as a whole."""

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element  # noqa: S405 - the type only; parsing is defusedxml's

import mt940
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError
from defusedxml.ElementTree import fromstring as xml_fromstring

from vrijstad.i18n import gettext as _
from vrijstad.money import AmountError, parse_eur

MAX_BYTES = 16 * 1024 * 1024  # a busy month in CAMT.053 (XML is wordy); a request is 32 MB
MAX_LINES = 20_000

CAMT_NAMESPACE = re.compile(r"^urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.(\d{2})$")
#: Values banks put where no reference was given.
NO_VALUE = frozenset({"", "NOTPROVIDED", "NONREF", "NOT PROVIDED", "EREF"})


class BankFileRefused(ValueError):
    """The file as a whole was refused; errors lists what is wrong, line by line."""

    def __init__(self, message: str, errors: list[str] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


@dataclass(frozen=True)
class StatementLine:
    """One booking on the account, the same whatever the bank's format."""

    line: int  #: where it is in the file: a line number, or the entry's number in XML
    booked_on: date
    amount_cents: int  #: signed: positive is money received (credit), negative money out
    name: str = ""  #: the counterparty
    iban: str = ""  #: the counterparty's account
    description: str = ""  #: unstructured remittance text
    reference: str = ""  #: structured (creditor) reference, e.g. a payment reference
    end_to_end_id: str = ""
    bank_reference: str = ""  #: the bank's own reference of the entry
    account: str = ""  #: our account the statement is of
    currency: str = "EUR"
    reversal: bool = False  #: the bank reversed an earlier booking

    @property
    def is_credit(self) -> bool:
        return self.amount_cents > 0


@dataclass
class Statement:
    format: str  #: camt053, mt940, ing, rabobank, abnamro, csv
    lines: list[StatementLine] = field(default_factory=list)


# Small helpers -----------------------------------------------------------------------------


def _clean(text: str | None, limit: int) -> str:
    return " ".join((text or "").split())[:limit]


def _ref(text: str | None) -> str:
    value = _clean(text, 140)
    return "" if value.upper() in NO_VALUE else value


def _iban(text: str | None) -> str:
    return "".join((text or "").split()).upper()[:34]


def _decimal_cents(text: str | None) -> int:
    """'1149.50' -> 114950; more than whole cents or no number at all is refused."""
    try:
        value = Decimal((text or "").strip())
    except InvalidOperation as exc:
        raise AmountError(text) from exc
    cents = value * 100
    if not value.is_finite() or cents != cents.to_integral_value() or value < 0:
        raise AmountError(text)
    return int(cents)


def _dutch_cents(text: str) -> int:
    """'1149,50', '+1.149,50', '-12,00' -> signed cents."""
    text = text.strip()
    sign = -1 if text.startswith("-") else 1
    return sign * parse_eur(text.lstrip("+-").strip())


def _day(text: str, formats: tuple[str, ...]) -> date:
    for fmt in formats:
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _bad_amount(number: int, value: str) -> str:
    return _("Line %(n)d: %(value)s is not an amount.", n=number, value=value[:40])


def _bad_date(number: int, value: str) -> str:
    return _("Line %(n)d: %(value)s is not a date.", n=number, value=value[:40])


# Labelled and keyed description text -------------------------------------------------------

#: The keys of SEPA fields in MT940 :86: text and ABN AMRO's newer descriptions.
_SLASH_KEYS = re.compile(
    r"/(TRTP|EREF|MARF|CSID|CNTP|REMI|ORDP|BENM|NAME|ADDR|IBAN|BIC|PURP|RTRN|ISDT|ULTC|ULTD|"
    r"ULTB|SVCL|TRCD|CDTRREFTP|CDTRREF|ID)/"
)
#: "Naam: … Omschrijving: … IBAN: … Kenmerk: …" in ING's Mededelingen and ABN AMRO's text.
_LABELS = re.compile(
    r"\b(Naam|Omschrijving|IBAN|BIC|Kenmerk|Betalingskenm\.|Machtiging|Incassant ID|"
    r"Valutadatum|Transactie|Datum/Tijd):\s*"
)


def slash_fields(text: str) -> dict[str, str]:
    """'/EREF/x//CNTP/NL..//name///REMI/USTD//text/' -> {'EREF': 'x', 'CNTP': ..., ...}."""
    parts = _SLASH_KEYS.split(text)
    found: dict[str, str] = {}
    for key, value in zip(parts[1::2], parts[2::2], strict=False):
        found.setdefault(key, value.strip("/ ").strip())
    return found


def labelled_fields(text: str) -> dict[str, str]:
    parts = _LABELS.split(text)
    found: dict[str, str] = {}
    for key, value in zip(parts[1::2], parts[2::2], strict=False):
        found.setdefault(key.rstrip("."), _clean(value, 500))
    return found


def _from_keyed(text: str) -> dict[str, str]:
    """Name, IBAN, description and references from a :86: or ABN AMRO description."""
    text = text.strip()
    if _SLASH_KEYS.search(text):
        found = slash_fields(text)
        name, iban = "", found.get("IBAN", "")
        if "CNTP" in found:  # ING: account/BIC/name/city
            bits = found["CNTP"].split("/")
            iban = iban or bits[0]
            name = bits[2] if len(bits) > 2 else ""
        for party in ("ORDP", "BENM"):  # Rabobank: /ORDP//NAME/…/ADDR/…
            if party in found and not name:
                name = found.get("NAME", "")
        name = name or found.get("NAME", "")
        remi = found.get("REMI", "")
        reference, description = "", remi
        if remi.startswith("STRD/"):  # /REMI/STRD/CUR/<ref>/
            reference = remi.split("/")[-1]
            description = ""
        elif remi.startswith("USTD/"):
            description = remi[5:].lstrip("/")
        reference = reference or found.get("CDTRREF", "")
        return {
            "name": name,
            "iban": iban,
            "description": description,
            "reference": reference,
            "end_to_end": found.get("EREF", ""),
        }
    found = labelled_fields(text)
    if found:
        return {
            "name": found.get("Naam", ""),
            "iban": found.get("IBAN", ""),
            "description": found.get("Omschrijving", ""),
            "reference": found.get("Betalingskenm", ""),
            "end_to_end": found.get("Kenmerk", ""),
        }
    return {"name": "", "iban": "", "description": text, "reference": "", "end_to_end": ""}


# CAMT.053 ----------------------------------------------------------------------------------


def _local(element: Element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def _find(element: Element | None, path: str) -> Element | None:
    if element is None:
        return None
    return element.find("/".join(f"{{*}}{step}" for step in path.split("/")))


#: An element's descendants by their path of local names ("RltdPties/Dbtr/Nm"), each path's
#: elements in document order.
Index = dict[str, list[Element]]


def _index(element: Element | None, stop: str = "") -> Index:
    """One walk over an element instead of a namespace-wildcard search per field (what made
    reading a big statement slow). Below the path `stop` nothing is indexed."""
    found: Index = {}

    def walk(parent: Element, prefix: str) -> None:
        for child in parent:
            tag = child.tag
            if not isinstance(tag, str):
                continue  # a comment or processing instruction
            path = prefix + tag[tag.rfind("}") + 1 :]
            found.setdefault(path, []).append(child)
            if path != stop:
                walk(child, path + "/")

    if element is not None:
        walk(element, "")
    return found


def _text(index: Index, path: str) -> str:
    found = index.get(path)
    return (found[0].text or "").strip() if found else ""


def _camt_amount(index: Index) -> tuple[int, str] | None:
    for path in ("Amt", "AmtDtls/TxAmt/Amt", "AmtDtls/InstdAmt/Amt"):
        found = index.get(path)
        if found:
            return _decimal_cents(found[0].text), found[0].get("Ccy", "EUR")
    return None


def _camt_party(tx: Index, role: str) -> tuple[str, str]:
    """Name and IBAN of the debtor or creditor (Dbtr/Nm up to v.07, Dbtr/Pty/Nm from v.08)."""
    name = _text(tx, f"RltdPties/{role}/Nm") or _text(tx, f"RltdPties/{role}/Pty/Nm")
    iban = _text(tx, f"RltdPties/{role}Acct/Id/IBAN")
    return name, iban


def parse_camt053(data: bytes) -> Statement:
    try:
        root = xml_fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise BankFileRefused(
            _("The file declares a document type or entities; it is refused for safety.")
        ) from exc
    except ParseError as exc:
        raise BankFileRefused(_("The file is not well-formed XML.")) from exc
    match = CAMT_NAMESPACE.match(root.tag[1:].split("}")[0]) if root.tag.startswith("{") else None
    if _local(root) != "Document" or match is None:
        raise BankFileRefused(_("This XML file is not a CAMT.053 bank statement."))
    if int(match.group(1)) < 2:
        raise BankFileRefused(
            _("CAMT.053 version %(v)s is not supported (version 02 or later is).", v=match.group(1))
        )
    statement, errors, number = Statement("camt053"), [], 0
    for stmt in root.iterfind("{*}BkToCstmrStmt/{*}Stmt"):
        found = _find(stmt, "Acct/Id/IBAN")
        if found is None:
            found = _find(stmt, "Acct/Id/Othr/Id")
        account = _iban((found.text or "").strip() if found is not None else "")
        for element in stmt.iterfind("{*}Ntry"):
            number += 1
            entry = _index(element, stop=_DETAILS)
            status = _text(entry, "Sts") or _text(entry, "Sts/Cd")
            if status and status != "BOOK":
                continue  # pending or for information only: not (yet) on the account
            try:
                statement.lines.extend(_camt_entry(entry, number, account))
            except (AmountError, ValueError) as exc:
                errors.append(_("Entry %(n)d: %(value)s.", n=number, value=str(exc)[:60]))
            if len(statement.lines) > MAX_LINES:
                raise BankFileRefused(_("A file holds at most %(n)d lines.", n=MAX_LINES))
    if errors:
        raise BankFileRefused(
            _("Nothing was imported: the file has %(n)d broken rows.", n=len(errors)), errors
        )
    return statement


_DETAILS = "NtryDtls/TxDtls"


def _camt_entry(entry: Index, number: int, account: str) -> Iterator[StatementLine]:
    amount = _camt_amount(entry)
    indicator = _text(entry, "CdtDbtInd")
    if amount is None or indicator not in ("CRDT", "DBIT"):
        raise ValueError(_("no amount or no credit/debit indicator"))
    day_text = _text(entry, "BookgDt/Dt") or _text(entry, "BookgDt/DtTm")[:10]
    day_text = day_text or _text(entry, "ValDt/Dt") or _text(entry, "ValDt/DtTm")[:10]
    try:
        day = date.fromisoformat(day_text)
    except ValueError as exc:
        raise ValueError(_("%(value)s is not a date", value=day_text or "-")) from exc
    entry_ref = _ref(_text(entry, "AcctSvcrRef")) or _ref(_text(entry, "NtryRef"))
    reversal = _text(entry, "RvslInd").lower() == "true"
    details = [_index(tx) for tx in entry.get(_DETAILS, [])]
    amounts = [_camt_amount(tx) for tx in details]
    if len(details) > 1 and all(a is not None for a in amounts):
        parts = list(zip(details, amounts, strict=True))  # a batch, transaction by transaction
    else:
        parts = [(details[0] if details else {}, amount)]  # one transaction, or undetailed
    for index, (tx, (cents, currency)) in enumerate(parts, 1):
        tx_indicator = _text(tx, "CdtDbtInd") or indicator
        credit = tx_indicator == "CRDT"
        name, iban = _camt_party(tx, "Dbtr" if credit else "Cdtr")
        unstructured = " ".join((u.text or "").strip() for u in tx.get("RmtInf/Ustrd", []))
        references = [r.text or "" for r in tx.get("RmtInf/Strd/CdtrRefInf/Ref", [])]
        tx_ref = _ref(_text(tx, "Refs/AcctSvcrRef"))
        if len(parts) > 1:
            bank_ref = f"{entry_ref}/{tx_ref or index}" if entry_ref else tx_ref
        else:
            bank_ref = entry_ref or tx_ref
        yield StatementLine(
            line=number,
            booked_on=day,
            amount_cents=cents if credit else -cents,
            name=_clean(name, 140),
            iban=_iban(iban),
            description=_clean(unstructured or _text(entry, "AddtlNtryInf"), 500),
            reference=_ref(next((r for r in references if _ref(r)), "")),
            end_to_end_id=_ref(_text(tx, "Refs/EndToEndId")),
            bank_reference=bank_ref[:140],
            account=account,
            currency=currency,
            reversal=reversal,
        )


# MT940 -------------------------------------------------------------------------------------


def parse_mt940(text: str) -> Statement:
    try:
        transactions = mt940.models.Transactions()
        transactions.parse(text)
    except Exception as exc:  # noqa: BLE001 - the library raises what its parsing met
        raise BankFileRefused(
            _("The MT940 file could not be read: %(error)s", error=str(exc)[:120])
        ) from exc
    account = _iban((transactions.data.get("account_identification") or "").split(" ")[0])
    account = account[:-3] if account.endswith("EUR") else account
    statement, errors = Statement("mt940"), []
    for number, transaction in enumerate(transactions, 1):
        data = transaction.data
        amount, status = data.get("amount"), (data.get("status") or "").upper()
        if amount is None or status not in ("C", "D", "RC", "RD"):
            errors.append(_("Entry %(n)d: no amount or no credit/debit mark.", n=number))
            continue
        cents = int(abs(amount.amount) * 100)
        credit = status in ("C", "RD")
        details = "".join((data.get("transaction_details") or "").splitlines())
        fields = _from_keyed(details)
        extra = (data.get("extra_details") or "").strip()
        iban = fields["iban"] or (extra.split(" ")[0] if re.match(r"^[A-Z]{2}\d\d", extra) else "")
        bank_ref = _ref(data.get("bank_reference"))
        day = data.get("entry_date") or data["date"]
        statement.lines.append(
            StatementLine(
                line=number,
                booked_on=date(day.year, day.month, day.day),
                amount_cents=cents if credit else -cents,
                name=_clean(fields["name"], 140),
                iban=_iban(iban),
                description=_clean(fields["description"], 500),
                reference=_ref(fields["reference"]),
                end_to_end_id=_ref(fields["end_to_end"]),
                bank_reference=bank_ref,
                account=account,
                currency=(data.get("currency") or amount.currency or "EUR"),
                reversal=status.startswith("R"),
            )
        )
    if errors:
        raise BankFileRefused(
            _("Nothing was imported: the file has %(n)d broken rows.", n=len(errors)), errors
        )
    return statement


# CSV and TXT exports -----------------------------------------------------------------------

ING_HEADERS = {
    "date": ("datum", "date"),
    "name": ("naam / omschrijving", "name / description"),
    "account": ("rekening", "account"),
    "iban": ("tegenrekening", "counterparty"),
    "direction": ("af bij", "debit/credit"),
    "amount": ("bedrag (eur)", "amount (eur)"),
    "notes": ("mededelingen", "notifications"),
}
RABO_HEADERS = {
    "account": ("iban/bban",),
    "currency": ("munt",),
    "sequence": ("volgnr",),
    "date": ("datum",),
    "amount": ("bedrag",),
    "iban": ("tegenrekening iban/bban",),
    "name": ("naam tegenpartij",),
    "reference": ("betalingskenmerk",),
    "end_to_end": ("transactiereferentie",),
    "text1": ("omschrijving-1",),
    "text2": ("omschrijving-2",),
    "text3": ("omschrijving-3",),
}
PLAIN_HEADERS = {
    "date": ("date", "datum", "boekdatum", "transactiedatum"),
    "amount": ("amount", "bedrag"),
    "reference": ("reference", "referentie", "omschrijving", "description", "kenmerk"),
    "iban": (
        "counter iban",
        "counter_iban",
        "tegenrekening",
        "tegenrekening iban",
        "counterparty iban",
        "iban",
    ),
    "name": ("name", "naam", "counterparty", "naam tegenpartij"),
}


def _columns(header: list[str], spec: dict[str, tuple[str, ...]]) -> dict[str, int]:
    names = [c.strip().strip('"').lower() for c in header]
    return {
        key: names.index(alias)
        for key, aliases in spec.items()
        for alias in aliases
        if alias in names
    }


def _table(text: str, delimiter: str) -> list[list[str]]:
    try:
        return list(csv.reader(io.StringIO(text), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        raise BankFileRefused(_("This is not a CSV file.")) from exc


def _rows(table: list[list[str]], width: int) -> Iterator[tuple[int, list[str]]]:
    if len(table) - 1 > MAX_LINES:
        raise BankFileRefused(_("A file holds at most %(n)d lines.", n=MAX_LINES))
    for number, cells in enumerate(table[1:], 2):
        if any(c.strip() for c in cells):
            yield number, cells + [""] * (width - len(cells))


def _day_and_cents(
    number: int, date_text: str, formats: tuple[str, ...], amount_text: str, errors: list[str]
) -> tuple[date, int] | None:
    """A row's booking date and signed amount, or None with the row's problem in `errors`."""
    try:
        day = _day(date_text, formats)
    except ValueError:
        errors.append(_bad_date(number, date_text))
        return None
    try:
        return day, _dutch_cents(amount_text)
    except AmountError:
        errors.append(_bad_amount(number, amount_text))
        return None


def parse_ing(table: list[list[str]], columns: dict[str, int]) -> Statement:
    statement, errors = Statement("ing"), []
    for number, cells in _rows(table, len(table[0])):
        direction = cells[columns["direction"]].strip().lower()
        if direction not in ("af", "bij", "debit", "credit"):
            errors.append(
                _(
                    "Line %(n)d: %(value)s is neither Af nor Bij.",
                    n=number,
                    value=direction[:20] or "-",
                )
            )
            continue
        formats = ("%Y%m%d", "%d-%m-%Y", "%Y-%m-%d")
        parsed = _day_and_cents(
            number, cells[columns["date"]], formats, cells[columns["amount"]], errors
        )
        if parsed is None:
            continue
        day, cents = parsed
        cents = abs(cents) if direction in ("bij", "credit") else -abs(cents)
        notes = cells[columns["notes"]] if "notes" in columns else ""
        labelled = labelled_fields(notes)
        statement.lines.append(
            StatementLine(
                line=number,
                booked_on=day,
                amount_cents=cents,
                name=_clean(cells[columns["name"]], 140),
                iban=_iban(cells[columns["iban"]]),
                description=_clean(labelled.get("Omschrijving") or notes, 500),
                reference=_ref(labelled.get("Betalingskenm")),
                end_to_end_id=_ref(labelled.get("Kenmerk")),
                account=_iban(cells[columns["account"]]) if "account" in columns else "",
            )
        )
    return _done(statement, errors)


def parse_rabobank(table: list[list[str]], columns: dict[str, int]) -> Statement:
    statement, errors = Statement("rabobank"), []
    for number, cells in _rows(table, len(table[0])):
        formats = ("%Y-%m-%d", "%d-%m-%Y")
        parsed = _day_and_cents(
            number, cells[columns["date"]], formats, cells[columns["amount"]], errors
        )
        if parsed is None:
            continue
        day, cents = parsed

        def cell(key: str, cells=cells) -> str:
            return cells[columns[key]].strip() if key in columns else ""

        text = " ".join(cell(k) for k in ("text1", "text2", "text3") if cell(k))
        statement.lines.append(
            StatementLine(
                line=number,
                booked_on=day,
                amount_cents=cents,
                name=_clean(cell("name"), 140),
                iban=_iban(cell("iban")),
                description=_clean(text, 500),
                reference=_ref(cell("reference")),
                end_to_end_id=_ref(cell("end_to_end")),
                bank_reference=_ref(cell("sequence").lstrip("0")),
                account=_iban(cell("account")),
                currency=cell("currency") or "EUR",
            )
        )
    return _done(statement, errors)


def parse_abnamro(text: str) -> Statement:
    """ABN AMRO's TXT export: account, currency, date, start balance, end balance, value
    date, signed amount, description; tab separated, no header."""
    statement, errors = Statement("abnamro"), []
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) > MAX_LINES:
        raise BankFileRefused(_("A file holds at most %(n)d lines.", n=MAX_LINES))
    for number, line in enumerate(lines, 1):
        cells = line.split("\t")
        if len(cells) < 8:
            errors.append(_("Line %(n)d: too few columns.", n=number))
            continue
        parsed = _day_and_cents(number, cells[2], ("%Y%m%d",), cells[6], errors)
        if parsed is None:
            continue
        day, cents = parsed
        fields = _from_keyed("\t".join(cells[7:]))
        statement.lines.append(
            StatementLine(
                line=number,
                booked_on=day,
                amount_cents=cents,
                name=_clean(fields["name"], 140),
                iban=_iban(fields["iban"]),
                description=_clean(fields["description"], 500),
                reference=_ref(fields["reference"]),
                end_to_end_id=_ref(fields["end_to_end"]),
                account=_iban(cells[0]),
                currency=cells[1].strip() or "EUR",
            )
        )
    return _done(statement, errors)


def parse_plain(table: list[list[str]], columns: dict[str, int]) -> Statement:
    statement, errors = Statement("csv"), []
    for number, cells in _rows(table, max(len(table[0]), max(columns.values()) + 1)):
        formats = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%Y%m%d", "%d.%m.%Y")
        parsed = _day_and_cents(
            number, cells[columns["date"]], formats, cells[columns["amount"]], errors
        )
        if parsed is None:
            continue
        day, cents = parsed

        def cell(key: str, cells=cells) -> str:
            return cells[columns[key]].strip() if key in columns else ""

        statement.lines.append(
            StatementLine(
                line=number,
                booked_on=day,
                amount_cents=cents,
                name=_clean(cell("name"), 140),
                iban=_iban(cell("iban")),
                description=_clean(cell("reference"), 500),
            )
        )
    return _done(statement, errors)


def _done(statement: Statement, errors: list[str]) -> Statement:
    if errors:
        raise BankFileRefused(
            _("Nothing was imported: the file has %(n)d broken rows.", n=len(errors)), errors
        )
    return statement


# Telling the format from the content -------------------------------------------------------

_MT940_MARKS = re.compile(r"^:(20|25|28C?|60[FM]|61|62[FM]):", re.MULTILINE)
_ABN_LINE = re.compile(r"^[A-Z0-9]{6,34}\t[A-Z]{3}\t\d{8}\t")


def parse(data: bytes) -> Statement:
    """The statement in a bank file; refused as a whole when the format is unknown or any line
    is broken."""
    if not data.strip():
        raise BankFileRefused(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise BankFileRefused(_("The file is larger than %(n)d MB.", n=MAX_BYTES // 2**20))
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:512]
    if head.startswith(b"<"):
        statement = parse_camt053(data)
    elif b"\x00" in data:
        raise BankFileRefused(_("This is not a bank statement we can read."))
    else:
        statement = _parse_text(_decode(data))
    if not statement.lines:
        raise BankFileRefused(_("The file holds no payments."))
    return statement


def _parse_text(text: str) -> Statement:
    if _MT940_MARKS.search(text) and re.search(r"^:61:", text, re.MULTILINE):
        return parse_mt940(text)
    first = text.lstrip().split("\n", 1)[0]
    if _ABN_LINE.match(first):
        return parse_abnamro(text)
    for delimiter in (";", ",", "\t"):
        if delimiter not in first:
            continue
        header = next(csv.reader([first], delimiter=delimiter), [])
        ing = _columns(header, ING_HEADERS)
        if {"date", "name", "iban", "direction", "amount"} <= ing.keys():
            return parse_ing(_table(text, delimiter), ing)
        rabo = _columns(header, RABO_HEADERS)
        if {"account", "sequence", "date", "amount", "text1"} <= rabo.keys():
            return parse_rabobank(_table(text, delimiter), rabo)
        plain = _columns(header, PLAIN_HEADERS)
        if {"date", "amount"} <= plain.keys():
            return parse_plain(_table(text, delimiter), plain)
    raise BankFileRefused(
        _(
            "This is not a bank statement we can read: CAMT.053, MT940 and the "
            "CSV exports of ING, Rabobank and ABN AMRO are."
        )
    )
