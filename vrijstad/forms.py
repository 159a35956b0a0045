"""Form pieces shared by features: the base form every form derives from, validators for Dutch
identifiers and a button form.

What a client can send is bounded before any feature sees it. The base form refuses, in any
field, a number beyond the database column that holds it (PostgreSQL's INTEGER, or BIGINT for
a field marked BigInteger), a decimal that is not finite, and a date outside MIN_YEAR..MAX_YEAR
(date arithmetic near Python's years 1 and 9999 fails). Submissions to the site's routes must
be forms: another body (JSON, text) is answered 415 before a view runs, unless the view reads
its own body (`reads_own_body`, e.g. a webhook). An <int:…> in a URL is at most INTEGER.
"""

import math
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import TypeVar

import flask_wtf
from babel.numbers import (
    NumberFormatError,
    format_decimal,
    get_decimal_symbol,
    parse_decimal,
)
from flask import Flask, current_app, request
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError as NumberError
from stdnum.nl import btw as stdnum_btw
from stdnum.nl import postcode as stdnum_postcode
from werkzeug.routing import IntegerConverter
from wtforms import DecimalField, SelectChoice
from wtforms.validators import ValidationError
from wtforms.widgets import TextInput

from vrijstad import clock
from vrijstad.errors import refuse
from vrijstad.i18n import current_language
from vrijstad.i18n import gettext as _
from vrijstad.i18n import lazy_gettext as _l

KVK_RE = re.compile(r"^\d{8}$")
MONTH_RE = re.compile(r"^([0-9]{4})-([0-9]{2})$")


#: No listing has this many pages; a larger ?page= (a typo, a probe) asks for this one.
MAX_PAGE = 100_000


def requested_page() -> int:
    """The ?page= of the request as a page number: 1 when missing or not a number, at most
    MAX_PAGE (a huge number would overflow the database's OFFSET)."""
    page = request.args.get("page", 1, type=int)
    return min(max(page, 1), MAX_PAGE)


#: Years a person can mean in a date field; others are typos or probes.
MIN_YEAR, MAX_YEAR = 1900, 2200
#: PostgreSQL's INTEGER and BIGINT: beyond them an INSERT fails.
INTEGER_MAX, BIGINT_MAX = 2**31 - 1, 2**63 - 1
#: No decimal of this app (percentages, coordinates) comes near this.
DECIMAL_MAX = Decimal(10**6)
#: What a browser's form sends.
FORM_BODIES = {"application/x-www-form-urlencoded", "multipart/form-data"}
SUBMIT_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
View = TypeVar("View", bound=Callable)


class BigInteger:
    """Marks a field whose number is stored in a BIGINT column (a subsidy budget in cents)."""

    field_flags = {"big_integer": True}

    def __call__(self, form, field) -> None:
        pass


def out_of_range(value, big: bool = False) -> str | None:
    """Why a field's value cannot be stored or calculated with, or None when it can."""
    if isinstance(value, list | tuple):
        return next(filter(None, (out_of_range(item, big) for item in value)), None)
    if isinstance(value, dict):
        return out_of_range(list(value.values()), big)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        limit = BIGINT_MAX if big else INTEGER_MAX
        return None if -limit - 1 <= value <= limit else _("This number is out of range.")
    if isinstance(value, Decimal):
        in_range = value.is_finite() and abs(value) <= DECIMAL_MAX
        return None if in_range else _("This number is out of range.")
    if isinstance(value, float):
        in_range = math.isfinite(value) and abs(value) <= float(DECIMAL_MAX)  # 10**6 is exact
        return None if in_range else _("This number is out of range.")
    if isinstance(value, date) and not MIN_YEAR <= value.year <= MAX_YEAR:
        return _(
            "Enter a date between the years %(first)d and %(last)d.", first=MIN_YEAR, last=MAX_YEAR
        )
    return None


def within_range(form, field) -> None:
    """Validator run on every field of every form: see out_of_range."""
    problem = out_of_range(field.data, big=bool(field.flags.big_integer))
    if problem:
        raise ValidationError(problem)


class FlaskForm(flask_wtf.FlaskForm):
    """The base of every form: its fields' own checks, then within_range on each field."""

    def validate(self, extra_validators: dict[str, list[Callable]] | None = None) -> bool:
        extra = {field.short_name: [within_range] for field in self}
        for name, validators in (extra_validators or {}).items():
            extra[name] = [*validators, within_range]
        return super().validate(extra_validators=extra)


def reads_own_body(view: View) -> View:
    """Mark a view that reads a body other than a form (a webhook): the form check lets it be."""
    view.reads_own_body = True  # type: ignore[attr-defined]  # a marker the form check reads
    return view


def refuse_other_bodies() -> None:
    """Answer 415 to a submission whose body is not a form, before a form misreads it (a JSON
    number where text belongs) and fails."""
    if request.method not in SUBMIT_METHODS or request.routing_exception is not None:
        return
    if not request.mimetype or request.mimetype in FORM_BODIES:
        return
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "reads_own_body", False):
        return
    refuse(
        415,
        _(
            "This address takes a form, not %(kind)s. Submit the form on the page.",
            kind=request.mimetype,
        ),
    )


class BoundedIntegerConverter(IntegerConverter):
    """<int:…> in every route: no larger than a key can be (PostgreSQL INTEGER), so a longer
    number is a 404, not a query SQLite cannot run (it overflows above 2**63)."""

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", INTEGER_MAX)
        super().__init__(map, *args, **kwargs)


def init_url_map(app: Flask) -> None:
    """Before any route is added: its <int:…> values are bounded."""
    app.url_map.converters["int"] = BoundedIntegerConverter


def init_app(app: Flask) -> None:
    app.before_request(refuse_other_bodies)
    app.jinja_env.filters["iban"] = format_iban


def month_from(text: str | None) -> date | None:
    """'2026-11' (a ?period= or ?month=) → 1 November 2026; None for anything else, also for
    a year outside MIN_YEAR..MAX_YEAR."""
    match = MONTH_RE.match((text or "").strip())
    if not match or not MIN_YEAR <= int(match[1]) <= MAX_YEAR or not 1 <= int(match[2]) <= 12:
        return None
    return date(int(match[1]), int(match[2]), 1)


def month_or_previous(text: str | None) -> date:
    """The month a ?period= names ('2026-11' → 1 November 2026), else last month (Amsterdam)."""
    return month_from(text) or clock.add_months(clock.this_month(), -1)


def month_choices(today: date | None = None, back: int = 12) -> list[SelectChoice]:
    """The last ``back`` months, this one first, as choices '2026-11' shown as '11-2026'."""
    first = clock.month_start(today or clock.today())
    months = [clock.add_months(first, -step) for step in range(back)]
    return [
        SelectChoice(f"{m.year:04d}-{m.month:02d}", f"{m.month:02d}-{m.year:04d}") for m in months
    ]


def whole_number(text: str | None, high: int = INTEGER_MAX) -> int | None:
    """A whole number typed in the digits 0-9, from 0 to high; None for anything else ("²"
    passes str.isdigit but not int())."""
    value = (text or "").strip()
    if not value.isascii() or not value.isdigit() or len(value) > 19 or int(value) > high:
        return None
    return int(value)


class ButtonForm(FlaskForm):
    """An empty form: carries the CSRF token for a POST button."""


#: Only digits, signs and separators: Babel would also take "1e5" or "NaN".
_NUMBER_CHARACTERS = re.compile(r"^[+-]?[0-9.,]*[0-9][0-9.,]*$")
#: One separator followed by other than three digits ("8.5", "1234,56"): a group of
#: thousands always has three digits, so this separator can only be the decimal sign.
_LONE_DECIMAL_SIGN = re.compile(r"^[+-]?[0-9]+[.,]([0-9]{1,2}|[0-9]{4,})$")


def parse_decimal_text(text: str, locale: str) -> Decimal:
    """A number as typed in the language of the page, or NumberFormatError.

    The rule, for Dutch: the comma is the decimal sign and the dot groups thousands, as the
    page shows numbers ("1.234,56", "1234,56", "1.234" is one thousand two hundred and
    thirty-four). A single dot or comma that is not followed by exactly three digits can only
    be a decimal sign, so "8.5" and "1234.56" are read as typed on a numeric keypad or by an
    English habit. Anything else that Babel's strict parsing in the locale refuses (grouping
    in the wrong places as in "1.23.4", English "1,234.56" on a Dutch page, letters) is
    refused; on an English page the same rules hold with the signs swapped."""
    text = (text or "").strip()
    if not _NUMBER_CHARACTERS.match(text):
        raise NumberFormatError(text)
    if _LONE_DECIMAL_SIGN.match(text):
        return Decimal(text.replace(",", "."))
    return parse_decimal(text, locale=locale, strict=True)


class DutchDecimalField(DecimalField):
    """A decimal typed as the page's language writes it (see parse_decimal_text); shown back
    with that language's decimal sign. A text input (a phone shows its number pad): a number
    input would take only "8.5" and send an empty value for "1.234,56"."""

    widget = TextInput()
    data: Decimal | None

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist:
            return
        locale = current_language()
        try:
            self.data = parse_decimal_text(valuelist[0], locale)
        except NumberFormatError:
            self.data = None
            example = format_decimal(Decimal("1234.56"), locale=locale)
            raise ValueError(_("Enter a number, e.g. %(example)s.", example=example)) from None

    def __call__(self, **kwargs):
        kwargs.setdefault("inputmode", "decimal")
        return super().__call__(**kwargs)

    def _value(self) -> str:
        value = super()._value()
        if self.data is None or self.raw_data:
            return value
        return value.replace(".", get_decimal_symbol(current_language()))


def normalise_kvk(value: str) -> str:
    return re.sub(r"[\s.]", "", value or "")


def valid_kvk(value: str) -> bool:
    """KvK number: exactly 8 digits, no check digit (the KvK publishes no check)."""
    return bool(KVK_RE.match(normalise_kvk(value)))


def normalise_postcode(value: str) -> str:
    """'1234ab' → '1234 AB' (anything that is no postcode comes back compacted)."""
    try:
        return stdnum_postcode.validate(value or "")
    except NumberError:
        return re.sub(r"\s", "", (value or "").upper())


def valid_postcode(value: str) -> bool:
    """Dutch postcode by python-stdnum: 4 digits (not starting with 0), 2 letters, never SA,
    SD or SS."""
    return stdnum_postcode.is_valid(value or "")


def normalise_iban(value: str) -> str:
    """An IBAN as stored: compact, upper case ('NL91ABNA0417164300')."""
    return stdnum_iban.compact(value or "")


def format_iban(value: str | None) -> str:
    """An IBAN as shown: in groups of four ('NL91 ABNA 0417 1643 00')."""
    return stdnum_iban.format(value) if value else ""


def valid_iban(value: str) -> bool:
    """An IBAN by python-stdnum: the country's length and format, and the mod-97 check."""
    return stdnum_iban.is_valid(value or "")


def normalise_btw(value: str) -> str:
    """A Dutch BTW-id as stored: 'NL' + 9 digits + 'B' + 2 digits, upper case."""
    return "NL" + stdnum_btw.compact(value or "")


def valid_btw(value: str) -> bool:
    """A Dutch BTW-id (omzetbelastingnummer or btw-identificatienummer) by python-stdnum: the
    form NL…B.. and the official check (mod 11 of the RSIN, or mod 97 of the new number)."""
    return stdnum_btw.is_valid(value or "")


def kvk_validator(form, field) -> None:
    if field.data and not valid_kvk(field.data):
        raise ValidationError(_l("A KvK number has exactly 8 digits."))


def postcode_validator(form, field) -> None:
    """Checks a Dutch postcode and stores it as '1234 AB'."""
    if field.data:
        if not valid_postcode(field.data):
            raise ValidationError(_l("Enter a Dutch postcode like 1234 AB."))
        field.data = normalise_postcode(field.data)


def iban_validator(form, field) -> None:
    """Checks an IBAN and stores it compact and upper case."""
    if field.data:
        if not valid_iban(field.data):
            raise ValidationError(_l("This IBAN is not valid; check the digits."))
        field.data = normalise_iban(field.data)


def btw_validator(form, field) -> None:
    """Checks a Dutch BTW-id and stores it as NL123456789B01."""
    if field.data:
        if not valid_btw(field.data):
            raise ValidationError(_l("This BTW-id is not valid; it looks like NL123456789B01."))
        field.data = normalise_btw(field.data)
