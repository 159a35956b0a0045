"""Form pieces shared by features: validators for Dutch identifiers and a button form."""

import re

from flask import request
from flask_wtf import FlaskForm
from wtforms import DecimalField
from wtforms.validators import ValidationError

from vrijstad.i18n import lazy_gettext as _l

KVK_RE = re.compile(r"^\d{8}$")
POSTCODE_RE = re.compile(r"^[1-9]\d{3} ?(?!SA|SD|SS)[A-Z]{2}$")
BTW_RE = re.compile(r"^NL\d{9}B\d{2}$")


#: No listing has this many pages; a larger ?page= (a typo, a probe) asks for this one.
MAX_PAGE = 100_000


def requested_page() -> int:
    """The ?page= of the request as a page number: 1 when missing or not a number, at most
    MAX_PAGE (a huge number would overflow the database's OFFSET)."""
    page = request.args.get("page", 1, type=int)
    return min(max(page, 1), MAX_PAGE)


class ButtonForm(FlaskForm):
    """An empty form: carries the CSRF token for a POST button."""


class DutchDecimalField(DecimalField):
    """A decimal typed the Dutch way ('8,5') or the English way ('8.5')."""

    def process_formdata(self, valuelist) -> None:
        if valuelist:
            valuelist = [valuelist[0].strip().replace(",", ".")]
        super().process_formdata(valuelist)


def normalise_kvk(value: str) -> str:
    return re.sub(r"[\s.]", "", value or "")


def valid_kvk(value: str) -> bool:
    """KvK number: exactly 8 digits, no check digit."""
    return bool(KVK_RE.match(normalise_kvk(value)))


def normalise_postcode(value: str) -> str:
    compact = re.sub(r"\s", "", (value or "").upper())
    return f"{compact[:4]} {compact[4:]}" if len(compact) == 6 else compact


def valid_postcode(value: str) -> bool:
    """Dutch postcode: 4 digits (not starting with 0), 2 letters, never SA, SD or SS."""
    return bool(POSTCODE_RE.match(normalise_postcode(value)))


def valid_iban(value: str) -> bool:
    """An IBAN passing the mod-97 check (Dutch IBANs are 18 characters)."""
    iban = re.sub(r"\s", "", (value or "").upper())
    if not re.match(r"^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$", iban):
        return False
    if iban.startswith("NL") and len(iban) != 18:
        return False
    digits = "".join(str(int(c, 36)) for c in iban[4:] + iban[:4])
    return int(digits) % 97 == 1


def valid_btw(value: str) -> bool:
    return bool(BTW_RE.match(re.sub(r"[\s.]", "", (value or "").upper())))


def kvk_validator(form, field) -> None:
    if field.data and not valid_kvk(field.data):
        raise ValidationError(_l("A KvK number has exactly 8 digits."))
