"""The CSV and TXT exports of ING, Rabobank and ABN AMRO, and the plain CSV layout."""

import csv
import io
from collections.abc import Iterator, Mapping
from datetime import date

from vrijstad.i18n import gettext as _
from vrijstad.money import AmountError
from vrijstad.payments.bankfiles.base import (
    MAX_LINES,
    BankFileRefused,
    Statement,
    StatementLine,
    _bad_amount,
    _bad_date,
    _clean,
    _day,
    _done,
    _dutch_cents,
    _from_keyed,
    _iban,
    _ref,
    labelled_fields,
)

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


def _columns(header: list[str], spec: Mapping[str, tuple[str, ...]]) -> dict[str, int]:
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
    statement, errors = Statement("rabobank"), list[str]()
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
    statement, errors = Statement("csv"), list[str]()
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
