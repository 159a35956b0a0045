"""The enrolment QR code, drawn as inline SVG (no image request, nothing for the CSP to allow)."""

import segno
from markupsafe import Markup

from vrijstad.i18n import gettext as _


def qr_svg(text: str) -> Markup:
    """An SVG QR code of the text, dark on white so it also scans in a dark theme."""
    code = segno.make(text, error="m")
    # segno writes the markup itself and escapes the title; the text only becomes QR modules.
    return Markup(  # noqa: S704 # nosec B704
        code.svg_inline(
            scale=4,
            border=4,
            dark="#000",
            light="#fff",
            title=_("QR code for your authenticator app"),
        )
    )
