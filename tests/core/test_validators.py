"""Dutch identifiers checked by python-stdnum, and decimals typed the way the page's language
writes them (Babel)."""

import re
from decimal import Decimal

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import StringField
from wtforms.validators import InputRequired, Optional

from vrijstad.forms import (
    DutchDecimalField,
    FlaskForm,
    btw_validator,
    format_iban,
    iban_validator,
    normalise_btw,
    normalise_iban,
    normalise_postcode,
    postcode_validator,
    valid_btw,
    valid_iban,
    valid_postcode,
)
from vrijstad.i18n import force_locale

#: What the hand-written checks accepted: a BTW-id pattern, and any IBAN shape with mod 97.
OLD_BTW = re.compile(r"^NL\d{9}B\d{2}$")
OLD_IBAN = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$")


def old_mod97(iban: str) -> bool:
    digits = "".join(str(int(c, 36)) for c in iban[4:] + iban[:4])
    return int(digits) % 97 == 1


@pytest.mark.parametrize(
    "iban",
    [
        "NL91ABNA0417164300",
        "nl91 abna 0417 1643 00",
        "NL20INGB0001234567",
        "DE89370400440532013000",
        "GB82 WEST 1234 5698 7654 32",
    ],
)
def test_valid_ibans(iban):
    assert valid_iban(iban)


@pytest.mark.parametrize("iban", ["NL91ABNA0417164301", "NL91ABNA04171643", "NL", "", "1234"])
def test_invalid_ibans(iban):
    assert not valid_iban(iban)


@pytest.mark.parametrize(
    "iban",
    [
        "NL761234567890ABCD",  # a Dutch IBAN is 4 letters (the bank) and 10 digits
        "DE22370400440532",  # a German IBAN has 22 characters
        "XX0812345678901",  # no such country
    ],
)
def test_ibans_the_old_check_let_through_are_refused(iban):
    assert OLD_IBAN.match(iban) and old_mod97(iban)  # the hand-written check accepted them
    assert not valid_iban(iban)


def test_ibans_are_stored_compact_and_shown_in_groups_of_four():
    assert normalise_iban(" nl91 abna 0417 1643 00 ") == "NL91ABNA0417164300"
    assert format_iban("NL91ABNA0417164300") == "NL91 ABNA 0417 1643 00"
    assert format_iban(None) == ""


@pytest.mark.parametrize(
    "btw", ["NL004495445B01", "nl000099998b57", "NL 0044.95.445 B01", "NL002455799B11"]
)
def test_valid_btw_ids(btw):
    assert valid_btw(btw)


@pytest.mark.parametrize("btw", ["NL123456789B01", "NL999999999B99", "NL004495446B01"])
def test_btw_ids_the_old_pattern_let_through_fail_the_official_check(btw):
    assert OLD_BTW.match(btw)
    assert not valid_btw(btw)


@pytest.mark.parametrize("btw", ["NL12345678B01", "004495445B0", "BE0123456789", "", "NLxB01"])
def test_malformed_btw_ids(btw):
    assert not valid_btw(btw)


def test_btw_ids_are_stored_as_nl_digits_b_digits():
    assert normalise_btw("nl 0044.95.445 b01") == "NL004495445B01"


@pytest.mark.parametrize(
    ("text", "ok", "stored"),
    [
        ("1234 AB", True, "1234 AB"),
        ("1234ab", True, "1234 AB"),
        (" 7411kb ", True, "7411 KB"),
        ("0123 AB", False, None),
        ("1234 SS", False, None),
        ("1234 A", False, None),
    ],
)
def test_postcodes(text, ok, stored):
    assert valid_postcode(text) is ok
    if ok:
        assert normalise_postcode(text) == stored


class IdentifiersForm(FlaskForm):
    class Meta:
        csrf = False

    iban = StringField(validators=[Optional(), iban_validator])
    btw = StringField(validators=[Optional(), btw_validator])
    postcode = StringField(validators=[Optional(), postcode_validator])


def test_form_validators_store_the_normal_form_and_explain_in_dutch(app):
    with app.test_request_context(), force_locale("nl"):
        data = {"iban": "nl91 abna 0417 1643 00", "btw": "nl004495445b01", "postcode": "7411kb"}
        good = IdentifiersForm(MultiDict(data))
        assert good.validate(), good.errors
        assert (good.iban.data, good.btw.data, good.postcode.data) == (
            "NL91ABNA0417164300",
            "NL004495445B01",
            "7411 KB",
        )
        bad = IdentifiersForm(
            MultiDict(
                {"iban": "NL91ABNA0417164301", "btw": "NL123456789B01", "postcode": "0123 AB"}
            )
        )
        assert not bad.validate()
        assert "IBAN is niet geldig" in bad.errors["iban"][0]
        assert "NL123456789B01" in bad.errors["btw"][0] and "klopt niet" in bad.errors["btw"][0]
        assert "postcode" in bad.errors["postcode"][0]


class AmountForm(FlaskForm):
    class Meta:
        csrf = False

    amount = DutchDecimalField(places=2, validators=[InputRequired()])


def read(app, text: str, locale: str = "nl") -> tuple[Decimal | None, list[str]]:
    with app.test_request_context(), force_locale(locale):
        form = AmountForm(MultiDict({"amount": text}))
        form.validate()
        return form.amount.data, [str(e) for e in form.amount.errors]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1.234,56", "1234.56"),
        ("1234,56", "1234.56"),
        ("1.234", "1234"),  # Dutch grouping
        ("123.456,7", "123456.7"),
        ("8,5", "8.5"),
        ("0,75", "0.75"),
        ("-3,25", "-3.25"),
        ("8.5", "8.5"),
        ("1234.56", "1234.56"),  # one dot without three digits: a decimal sign
        (" 42 ", "42"),
        ("100", "100"),
    ],
)
def test_dutch_decimals(app, text, value):
    assert read(app, text) == (Decimal(value), [])


@pytest.mark.parametrize(
    "text",
    [
        "1,234.56",  # English grouping on a Dutch page: which is meant?
        "1.23.4",
        "1.2345,6",
        "12,34,56",
        "1,,5",
        "abc",
        "1e5",
        "NaN",
        "Infinity",
        "€ 12",
        "--1",
        ",",
        ".",
        "",
    ],
)
def test_ambiguous_or_garbage_decimals_are_refused_in_dutch(app, text):
    value, errors = read(app, text)
    assert value is None
    assert errors and ("Vul een getal in, bijvoorbeeld 1.234,56." in errors or text == "")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1,234.56", "1234.56"),
        ("1.234", "1.234"),
        ("8,5", "8.5"),
        ("1234.56", "1234.56"),
    ],
)
def test_an_english_page_reads_english_numbers(app, text, value):
    assert read(app, text, "en") == (Decimal(value), [])


def test_the_field_shows_its_value_in_the_pages_language(app):
    with app.test_request_context(), force_locale("nl"):
        html = str(AmountForm(amount=Decimal("8.5")).amount())
        # A text input: a number input would show nothing for "8,50" and take no "1.234,56".
        assert 'type="text"' in html and 'inputmode="decimal"' in html and 'value="8,50"' in html
    with app.test_request_context(), force_locale("en"):
        assert AmountForm(amount=Decimal("8.5")).amount._value() == "8.50"
