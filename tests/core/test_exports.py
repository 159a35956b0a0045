"""The export module: Dutch CSV (';', BOM, decimal comma, euros, DD-MM-YYYY), typed XLSX cells
with number formats, and formula neutralisation of text in both."""

import csv
import io
from datetime import date
from decimal import Decimal
from operator import itemgetter

import pytest
from openpyxl import load_workbook

from vrijstad import exports
from vrijstad.exports import Column, Kind, Table
from vrijstad.i18n import force_locale
from vrijstad.i18n import lazy_gettext as _l

HOSTILE = ['=HYPERLINK("http://evil.example","klik")', "+1", "-2", "@SUM(A1:A9)", "\tx", "\rx"]


def table(rows) -> Table:
    return Table(
        "Proef",
        [
            Column(_l("Unit"), itemgetter(0)),
            Column(_l("Total"), itemgetter(1), Kind.EUR),
            Column(_l("Due"), itemgetter(2), Kind.DATE),
            Column(_l("Days overdue"), itemgetter(3), Kind.INT),
            Column("procent", itemgetter(4), Kind.PERCENT),
            Column(_l("Month"), itemgetter(5), Kind.MONTH),
        ],
        rows,
    )


ROWS = [
    ("Hoogstraat 1", 123_456, date(2026, 11, 28), 5, Decimal("36.5"), date(2026, 11, 1)),
    ("Café Ünal", -1_205, None, 0, None, date(2026, 10, 1)),
]


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel reads the accents right
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_csv_is_dutch_excel_csv(app):
    with app.test_request_context(), force_locale("nl"):
        data = exports.to_csv(table(ROWS))
    assert b"\r\n" in data
    assert read_csv(data) == [
        ["Pand", "Totaal", "Vervaldatum", "Dagen achterstallig", "procent", "Maand"],
        ["Hoogstraat 1", "1234,56", "28-11-2026", "5", "36,5", "2026-11"],
        ["Café Ünal", "-12,05", "", "0", "", "2026-10"],
    ]


def test_headers_follow_the_language(app):
    with app.test_request_context(), force_locale("en"):
        assert read_csv(exports.to_csv(table([])))[0][:2] == ["Unit", "Total"]


def test_xlsx_cells_are_typed_with_formats(app):
    with app.test_request_context(), force_locale("nl"):
        data = exports.to_xlsx([table(ROWS), Table("Proef", [Column("a", str)], ["x"])])
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["Proef", "Proef (2)"]  # unique sheet names
    sheet = workbook["Proef"]
    assert [c.value for c in sheet[1]] == [
        "Pand",
        "Totaal",
        "Vervaldatum",
        "Dagen achterstallig",
        "procent",
        "Maand",
    ]
    assert all(c.font.bold for c in sheet[1]) and sheet.freeze_panes == "A2"
    unit, total, due, days, percent, month = sheet[2]
    assert total.value == pytest.approx(1234.56) and total.data_type == "n"
    assert "€" in total.number_format and "0.00" in total.number_format
    assert sheet["B3"].value == pytest.approx(-12.05)
    assert due.is_date and due.value.date() == date(2026, 11, 28)
    assert due.number_format == "dd-mm-yyyy"
    assert days.value == 5
    assert percent.value == pytest.approx(0.365) and percent.number_format == "0.0%"
    assert month.value == "2026-11"
    assert sheet["C3"].value is None
    assert sheet.column_dimensions["A"].width >= len("Hoogstraat 1")


@pytest.mark.parametrize("text", HOSTILE)
def test_text_that_a_spreadsheet_would_run_is_neutralised(app, text):
    rows = [(text, -500, None, None, None, None)]
    with app.test_request_context():
        csv_rows = read_csv(exports.to_csv(table(rows)))
        sheet = load_workbook(io.BytesIO(exports.to_xlsx([table(rows)]))).active
    assert csv_rows[1][0] == "'" + text
    assert csv_rows[1][1] == "-5,00"  # a negative amount is a number, not text to quote
    cell = sheet["A2"]
    assert cell.data_type == "s" and cell.quotePrefix
    assert cell.value == text.replace("\r", "\n")  # XML reads a carriage return as a newline
    assert sheet["B2"].data_type == "n"


def test_harmless_text_is_left_alone(app):
    with app.test_request_context():
        rows = read_csv(exports.to_csv(table([("a=b; c", 0, None, None, None, None)])))
    assert rows[1][0] == "a=b; c"


def test_control_characters_that_xlsx_cannot_hold_are_dropped(app):
    with app.test_request_context():
        data = exports.to_xlsx([table([("bel\x07l", 0, None, None, None, None)])])
    assert load_workbook(io.BytesIO(data)).active["A2"].value == "bell"


@pytest.mark.clock("2026-12-31T23:30+00:00")  # already 1 January in Amsterdam
def test_file_names_carry_the_date_of_the_clock(app):
    assert exports.filename("receivables-open", "csv") == "receivables-open-2027-01-01.csv"
    with app.test_request_context():
        response = exports.download(table([]), "xlsx", "proef")
    assert response.headers["Content-Disposition"] == ("attachment; filename=proef-2027-01-01.xlsx")
    assert response.mimetype == exports.CONTENT_TYPES["xlsx"]
    assert "no-store" in response.headers["Cache-Control"]
