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
import re

from vrijstad.i18n import gettext as _
from vrijstad.payments.bankfiles.base import (
    MAX_BYTES,
    MAX_LINES,
    BankFileRefused,
    Statement,
    StatementLine,
    _decode,
    labelled_fields,
    slash_fields,
)
from vrijstad.payments.bankfiles.camt import parse_camt053
from vrijstad.payments.bankfiles.exports import (
    ING_HEADERS,
    PLAIN_HEADERS,
    RABO_HEADERS,
    _columns,
    _table,
    parse_abnamro,
    parse_ing,
    parse_plain,
    parse_rabobank,
)
from vrijstad.payments.bankfiles.swift import parse_mt940

__all__ = [
    "MAX_BYTES",
    "MAX_LINES",
    "BankFileRefused",
    "Statement",
    "StatementLine",
    "labelled_fields",
    "parse",
    "parse_abnamro",
    "parse_camt053",
    "parse_ing",
    "parse_mt940",
    "parse_plain",
    "parse_rabobank",
    "slash_fields",
]

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
