"""A figure is a titled table of typed values: the page, the charts, CSV and XLSX all read it,
so that a download always holds exactly what the page shows."""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import cache
from html import escape

from babel.numbers import get_decimal_symbol, get_group_symbol
from markupsafe import Markup
from openpyxl import Workbook
from openpyxl.styles import Font

from vrijstad.money import cents_text, format_eur

DASH = "—"


class Kind(StrEnum):
    TEXT = "text"
    INT = "int"  # counts, m², days
    PCT = "pct"  # a percentage as Decimal with one decimal
    EUR = "eur"  # integer cents
    DATE = "date"
    MONTH = "month"  # the first day of a month


@dataclass(frozen=True)
class Column:
    label: str
    kind: Kind = Kind.TEXT


@dataclass
class Figure:
    """One downloadable figure: its key (in URLs), title, columns and rows of raw values."""

    key: str
    title: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    note: str = ""
    #: False for a long list that only the downloads hold (the page shows its size).
    on_page: bool = True
    size: int | None = None

    @property
    def numeric(self) -> list[bool]:
        """Per column: whether it holds numbers (right-aligned)."""
        return [c.kind != Kind.TEXT for c in self.columns]

    def cells(self, locale: str) -> list[list[str]]:
        """The rows as the page shows them in the locale, formatted in one pass."""
        formats = [formatter(c.kind, locale) for c in self.columns]
        return [[DASH if v is None else f(v) for v, f in zip(row, formats, strict=True)]
                for row in self.rows]  # fmt: skip

    def body_html(self, locale: str, links: list[str] | None = None) -> Markup:
        """The table rows as HTML, every cell escaped; links: a URL per row for its first cell.

        Built here as one string rather than in a template loop or by joining Markup objects:
        a dashboard has thousands of cells, and both are ten times slower."""
        opening = ['<td class="num">' if numeric else "<td>" for numeric in self.numeric]
        html = []
        for index, row in enumerate(self.cells(locale)):
            cells = [escape(cell, quote=False) for cell in row]
            if links:
                cells[0] = f'<a href="{escape(links[index])}">{cells[0]}</a>'
            tds = "".join(f"{o}{c}</td>" for o, c in zip(opening, cells, strict=True))
            html.append(f"<tr>{tds}</tr>")
        # Safe: every value above went through html.escape; only our own tags are added.
        return Markup("".join(html))  # nosec B704


@cache
def formatter(kind: Kind, locale: str) -> Callable[[object], str]:
    """How the page shows a kind of value in a language (built once: pages show thousands)."""
    group, decimal = get_group_symbol(locale), get_decimal_symbol(locale)

    def number(value) -> str:
        return f"{value:,}".replace(",", group)

    def pct(value) -> str:
        return f"{value:,.1f}".replace(",", "\0").replace(".", decimal).replace("\0", group) + " %"

    def eur(value) -> str:
        return format_eur(value, locale)

    def day(value) -> str:
        return value.strftime("%d-%m-%Y")

    def month(value) -> str:
        return value.strftime("%Y-%m")

    return {Kind.INT: number, Kind.PCT: pct, Kind.EUR: eur, Kind.DATE: day,
            Kind.MONTH: month}.get(kind, str)  # fmt: skip


def format_cell(value, kind: Kind, locale: str) -> str:
    """A value as the page shows it in the reader's language."""
    return DASH if value is None else formatter(kind, locale)(value)


def csv_cell(value, kind: Kind) -> str:
    """A value for a spreadsheet-friendly Dutch CSV (';' separated, decimal comma)."""
    if value is None:
        return ""
    if kind == Kind.PCT:
        return f"{value:.1f}".replace(".", ",")
    if kind == Kind.EUR:
        return cents_text(value)
    if kind == Kind.DATE:
        return value.isoformat()
    if kind == Kind.MONTH:
        return value.strftime("%Y-%m")
    return str(value)


def to_csv(figure: Figure) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([c.label for c in figure.columns])
    for row in figure.rows:
        writer.writerow([csv_cell(v, c.kind) for v, c in zip(row, figure.columns, strict=True)])
    return out.getvalue()


def _xlsx_value(value, kind: Kind):
    if value is None:
        return None
    if kind == Kind.EUR:
        return Decimal(value) / 100
    if kind == Kind.MONTH:
        return value.strftime("%Y-%m")
    return value


_XLSX_FORMATS = {Kind.EUR: "#,##0.00", Kind.PCT: "0.0", Kind.DATE: "dd-mm-yyyy", Kind.INT: "0"}


def _sheet_title(title: str, taken: set[str]) -> str:
    name = "".join(c for c in title if c not in "[]:*?/\\")[:31] or "Sheet"
    base, n = name, 2
    while name in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name)
    return name


def to_xlsx(figures: list[Figure]) -> bytes:
    """A workbook with one sheet per figure: a bold header row, then the rows as numbers."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    for figure in figures:
        sheet = workbook.create_sheet(_sheet_title(figure.title, taken))
        sheet.append([c.label for c in figure.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in figure.rows:
            sheet.append([_xlsx_value(v, c.kind)
                          for v, c in zip(row, figure.columns, strict=True)])  # fmt: skip
        for index, column in enumerate(figure.columns, start=1):
            number_format = _XLSX_FORMATS.get(column.kind)
            if number_format:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                    cell.number_format = number_format
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def chart_series(figure: Figure, label_column: int, value_columns: list[int]) -> dict:
    """A figure's columns as Chart.js data: labels and one dataset per value column."""
    kinds = [figure.columns[i].kind for i in value_columns]

    def plain(value, kind):
        if value is None:
            return None
        if kind == Kind.EUR:
            return value / 100
        return float(value) if isinstance(value, Decimal) else value

    def label(value):
        if isinstance(value, date):
            return value.strftime("%Y-%m")
        return str(value)

    return {
        "labels": [label(row[label_column]) for row in figure.rows],
        "datasets": [
            {"label": figure.columns[i].label, "data": [plain(row[i], k) for row in figure.rows]}
            for i, k in zip(value_columns, kinds, strict=True)
        ],
    }
