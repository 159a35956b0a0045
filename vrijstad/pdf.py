"""Simple PDF documents (agreements, invoices) with fpdf2, in a Unicode font where one exists."""

import logging
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

logging.getLogger("fontTools").setLevel(logging.WARNING)  # font subsetting logs every table

#: Debian's DejaVu or Liberation fonts (fonts-dejavu-core, installed by `make setup`).
FONT_CANDIDATES = (
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
     "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
     "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"),
)  # fmt: skip


class Document:
    """A one-column A4 document: a title, headings, paragraphs and label/value rows."""

    def __init__(self, title: str, author: str = "Vrijstad") -> None:
        self.pdf = FPDF(format="A4")
        self.pdf.set_title(title)
        self.pdf.set_author(author)
        self.pdf.set_creator("Vrijstad")
        self.pdf.set_auto_page_break(auto=True, margin=18)
        self.font = "helvetica"
        self.unicode = False
        for regular, bold in FONT_CANDIDATES:
            if Path(regular).exists() and Path(bold).exists():
                self.pdf.add_font("body", "", regular)
                self.pdf.add_font("body", "B", bold)
                self.font, self.unicode = "body", True
                break
        self.pdf.add_page()
        self.heading(title, size=16)

    def _text(self, text: str) -> str:
        if self.unicode:
            return text
        plain = text.replace("€", "EUR").replace("—", "-").replace("–", "-").replace("…", "...")
        return plain.encode("latin-1", "replace").decode("latin-1")

    def heading(self, text: str, size: int = 12) -> None:
        self.pdf.set_font(self.font, "B", size)
        self.pdf.ln(2)
        self.pdf.multi_cell(0, size * 0.55, self._text(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.pdf.ln(1)

    def paragraph(self, text: str, size: int = 10) -> None:
        self.pdf.set_font(self.font, "", size)
        self.pdf.multi_cell(0, 5, self._text(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.pdf.ln(1)

    def rows(self, rows: list[tuple[str, str]], label_width: int = 60) -> None:
        for label, value in rows:
            self.pdf.set_font(self.font, "B", 10)
            self.pdf.cell(label_width, 6, self._text(label))
            self.pdf.set_font(self.font, "", 10)
            self.pdf.multi_cell(0, 6, self._text(value or "—"), align="L", new_x=XPos.LMARGIN,
                                new_y=YPos.NEXT)  # fmt: skip
        self.pdf.ln(2)

    def output(self) -> bytes:
        return bytes(self.pdf.output())
