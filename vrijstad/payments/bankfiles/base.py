"""What every bank format shares: the statement line, the refusal, and the small readers of
amounts, dates and labelled or keyed description text."""

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

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


def _done(statement: Statement, errors: list[str]) -> Statement:
    if errors:
        raise BankFileRefused(
            _("Nothing was imported: the file has %(n)d broken rows.", n=len(errors)), errors
        )
    return statement
