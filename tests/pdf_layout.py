"""Read a generated PDF back: its text, its text runs with their boxes, its images.

pypdf's visitor_text reports every text run with its text matrix (position) and font size;
the run's width is measured with the same font files the documents are set in (fpdf2's
get_string_width), so a box is the run as printed: from the baseline minus the descent to
the ascent, from x to x + width.
"""

import io
from dataclasses import dataclass
from itertools import combinations

from fpdf import FPDF
from pypdf import PdfReader

from vrijstad.pdf import FONT, FONT_FILES

DESCENT, ASCENT = 0.24, 0.93  # DejaVu Sans, as a share of the font size


@dataclass(frozen=True)
class Box:
    page: int
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: "Box", slack: float = 0.3) -> bool:
        return (
            self.page == other.page
            and self.x0 < other.x1 - slack
            and other.x0 < self.x1 - slack
            and self.y0 < other.y1 - slack
            and other.y0 < self.y1 - slack
        )


def _measure() -> FPDF:
    pdf = FPDF(unit="pt")
    for style, path in FONT_FILES.items():
        pdf.add_font(FONT, style, str(path))
    return pdf


def reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def text_of(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in reader(data).pages)


def text_boxes(data: bytes) -> list[Box]:
    """Every non-empty text run of every page with the box it is printed in (points)."""
    measure = _measure()
    boxes: list[Box] = []
    for number, page in enumerate(reader(data).pages, start=1):

        def visit(text, cm, tm, font, size, number=number):
            run = text.strip()
            if not run or font is None:
                return
            bold = "Bold" in str(font.get("/BaseFont", ""))
            scale = (tm[0] * cm[0]) or 1
            measure.set_font(FONT, "B" if bold else "", size * scale)
            x = tm[4] * cm[0] + cm[4]
            y = tm[5] * cm[3] + cm[5]
            width = measure.get_string_width(run)
            height = size * scale
            boxes.append(Box(number, run, x, y - DESCENT * height, x + width, y + ASCENT * height))

        page.extract_text(visitor_text=visit)
    for font in measure.fonts.values():  # fpdf2 keeps the font files open until output()
        font.close()
    return boxes


def overlapping(boxes: list[Box]) -> list[tuple[str, str]]:
    """Pairs of text runs printed over each other (none in a readable document)."""
    return [(a.text, b.text) for a, b in combinations(boxes, 2) if a.overlaps(b)]


def image_count(data: bytes) -> int:
    return sum(len(page.images) for page in reader(data).pages)


def assert_readable(data: bytes) -> list[Box]:
    """Text runs were found and none overlaps another; returns the boxes."""
    boxes = text_boxes(data)
    assert boxes
    assert overlapping(boxes) == []
    return boxes
