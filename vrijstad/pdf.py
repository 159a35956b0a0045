"""PDF documents (invoices, statements, agreements, grant letters) with fpdf2.

Every document is set in DejaVu Sans, shipped in vrijstad/fonts (licence there; a subset with
all Latin, Greek and Cyrillic letters, punctuation and currency signs, which fpdf2 reads and
subsets in a third of the time of the whole font), so a PDF looks the same on every machine
and prints every Latin letter and the euro sign. Label/value
rows and money tables are fpdf2 tables: a long text wraps inside its own cell and never runs
into the amount next to it; amounts are right-aligned.
"""

import io
import logging
from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF, FontFace
from fpdf.enums import TableBordersLayout, XPos, YPos

# Font subsetting logs every table it writes (~75 lines a document); keep warnings only.
for _name in ("fpdf", "fontTools"):
    logging.getLogger(_name).setLevel(logging.WARNING)

FONT_DIR = Path(__file__).with_name("fonts")
FONT = "DejaVuSans"
FONT_FILES = {"": FONT_DIR / "DejaVuSans.ttf", "B": FONT_DIR / "DejaVuSans-Bold.ttf"}

BOLD = FontFace(emphasis="BOLD")
MUTED = (90, 90, 90)

Align = str  # "LEFT", "RIGHT" or "CENTER"


class Document:
    """An A4 document: a title, headings, paragraphs, label/value rows, tables and images."""

    def __init__(self, title: str, author: str = "Vrijstad") -> None:
        self.pdf = FPDF(format="A4")
        self.pdf.set_title(title)
        self.pdf.set_author(author)
        self.pdf.set_creator("Vrijstad")
        self.pdf.set_margins(20, 18, 20)
        self.pdf.set_auto_page_break(auto=True, margin=18)
        for style, path in FONT_FILES.items():
            self.pdf.add_font(FONT, style, str(path))
        self.pdf.add_page()
        self.heading(title, size=16)

    @property
    def width(self) -> float:
        """The text width of a page (mm)."""
        return self.pdf.epw

    def heading(self, text: str, size: int = 12) -> None:
        self.pdf.set_font(FONT, "B", size)
        self.pdf.ln(2)
        self.pdf.multi_cell(0, size * 0.55, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.pdf.ln(1)

    def paragraph(self, text: str, size: int = 10, muted: bool = False) -> None:
        self.pdf.set_font(FONT, "", size)
        if muted:
            self.pdf.set_text_color(*MUTED)
        self.pdf.multi_cell(0, 5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.pdf.set_text_color(0, 0, 0)
        self.pdf.ln(1)

    def rows(self, rows: Sequence[tuple[str, str | None]], label_width: float = 60) -> None:
        """Label/value pairs: the label in bold on the left, the value wrapping on the right."""
        self.pdf.set_font(FONT, "", 10)
        with self.pdf.table(
            align="LEFT",
            width=self.width,
            col_widths=(label_width, self.width - label_width),
            borders_layout=TableBordersLayout.NONE,
            first_row_as_headings=False,
            line_height=5,
            padding=(0.6, 2, 0.6, 0),
            text_align=("LEFT", "LEFT"),
        ) as table:
            for label, value in rows:
                row = table.row()
                row.cell(label, style=BOLD)
                row.cell(value or "—")
        self.pdf.ln(2)

    def table(
        self,
        headings: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        align: Sequence[Align],
        totals: Sequence[Sequence[str]] = (),
        size: int = 9,
        lines: bool = True,
    ) -> None:
        """A table with a header row; totals follow in bold. Widths are relative. A totals row of
        two values is a label spanning all columns but the last, and the amount. Without lines
        only the header row is underlined."""
        self.pdf.set_font(FONT, "", size)
        with self.pdf.table(
            align="LEFT",
            width=self.width,
            col_widths=tuple(widths),
            borders_layout=TableBordersLayout.HORIZONTAL_LINES
            if lines
            else TableBordersLayout.SINGLE_TOP_LINE,
            headings_style=BOLD,
            line_height=size * 0.5,
            padding=(1, 1.5, 1, 1.5),
            text_align=tuple(align),
        ) as table:
            table.row(list(headings))
            for values in rows:
                table.row(list(values))
            for values in totals:
                row = table.row()
                if len(values) == 2 and len(widths) > 2:  # a label over the first columns
                    row.cell(values[0], style=BOLD, colspan=len(widths) - 1, align="RIGHT")
                    row.cell(values[1], style=BOLD)
                    continue
                for value in values:
                    row.cell(value, style=BOLD)
        self.pdf.ln(3)

    def side_by_side(
        self,
        text_rows: Sequence[tuple[str, str | None]],
        image: bytes,
        image_width: float = 38,
        caption: str = "",
    ) -> None:
        """Label/value rows on the left, an image (e.g. a payment QR code) on the right."""
        self.pdf.set_font(FONT, "", 10)
        top = self.pdf.get_y()
        left = self.pdf.l_margin
        text_width = self.width - image_width - 6
        if top + image_width + 10 > self.pdf.h - self.pdf.b_margin:
            self.pdf.add_page()
            top = self.pdf.get_y()
        self.pdf.set_right_margin(self.pdf.r_margin + image_width + 6)
        self.rows(text_rows, label_width=min(48, text_width * 0.45))
        self.pdf.set_right_margin(self.pdf.r_margin - image_width - 6)
        bottom = self.pdf.get_y()
        x = left + self.width - image_width
        self.pdf.image(io.BytesIO(image), x=x, y=top, w=image_width, h=image_width)
        image_bottom = top + image_width
        if caption:
            self.pdf.set_font(FONT, "", 7)
            self.pdf.set_xy(x, image_bottom)
            self.pdf.multi_cell(
                image_width, 3.5, caption, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )
            image_bottom = self.pdf.get_y()
        self.pdf.set_xy(left, max(bottom, image_bottom) + 2)

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def download(data: bytes, filename: str) -> tuple[bytes, int, dict[str, str]]:
    """A view's answer that sends a PDF as a download under its file name."""
    return (
        data,
        200,
        {
            "Content-Type": "application/pdf",
            "Content-Disposition": f'attachment; filename="{filename}"',
        },
    )
