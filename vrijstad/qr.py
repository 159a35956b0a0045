"""QR codes drawn as inline SVG: no image request, nothing for the CSP to allow."""

import segno
from markupsafe import Markup


def inline_svg(code: segno.QRCode, title: str, scale: int = 4, css_class: str = "segno") -> Markup:
    """The QR code as SVG markup, dark on white so it also scans in a dark theme."""
    # segno writes the markup itself and escapes the title; the data only becomes QR modules.
    svg = code.svg_inline(
        scale=scale, border=4, dark="#000", light="#fff", title=title, svgclass=css_class
    )
    return Markup(svg)  # noqa: S704 # nosec B704


def qr_svg(text: str, title: str) -> Markup:
    """An SVG QR code of a text (an authenticator app's enrolment URI, say)."""
    return inline_svg(segno.make(text, error="m"), title)
