"""A figure is a titled table of typed values: the page, the charts, CSV and XLSX all read it,
so that a download always holds exactly what the page shows."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from html import escape
from operator import itemgetter

from babel.dates import format_date
from babel.numbers import get_decimal_symbol, get_group_symbol
from markupsafe import Markup

from vrijstad import exports
from vrijstad.exports import Kind
from vrijstad.money import format_eur

DASH = "—"


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
        return [
            [DASH if v is None else f(v) for v, f in zip(row, formats, strict=True)]
            for row in self.rows
        ]

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

    return {
        Kind.INT: number,
        Kind.PERCENT: pct,
        Kind.EUR: eur,
        Kind.DATE: day,
        Kind.MONTH: month,
    }.get(kind, str)


def format_cell(value, kind: Kind, locale: str) -> str:
    """A value as the page shows it in the reader's language."""
    return DASH if value is None else formatter(kind, locale)(value)


def table(figure: Figure) -> exports.Table:
    """A figure as a table of the export module (its downloads)."""
    columns = [exports.Column(c.label, itemgetter(i), c.kind) for i, c in enumerate(figure.columns)]
    return exports.Table(figure.title, columns, figure.rows)


def chart_series(
    figure: Figure, label_column: int, value_columns: list[int], locale: str = "nl"
) -> dict:
    """A figure's columns as Chart.js data: labels (months named in the reader's language) and
    one dataset per value column; ``count`` when every value is a count, so the axis shows
    whole numbers only."""
    kinds = [figure.columns[i].kind for i in value_columns]

    def plain(value, kind):
        if value is None:
            return None
        if kind == Kind.EUR:
            return value / 100
        return float(value) if isinstance(value, Decimal) else value

    def label(value):
        if isinstance(value, date):
            return format_date(value, "LLL yyyy", locale=locale)
        return str(value)

    return {
        "count": all(kind == Kind.INT for kind in kinds),
        "labels": [label(row[label_column]) for row in figure.rows],
        "datasets": [
            {"label": figure.columns[i].label, "data": [plain(row[i], k) for row in figure.rows]}
            for i, k in zip(value_columns, kinds, strict=True)
        ],
    }
