"""Labels live beside their enums and reach templates through one filter."""

from enum import StrEnum

import pytest
from flask import render_template_string

from vrijstad import labels
from vrijstad.i18n import force_locale
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.units.models import UnitStatus


class Colour(StrEnum):
    RED = "red"
    BLUE = "blue"


def test_a_registered_enum_is_named_in_the_readers_language(app):
    labels.register(Colour, {Colour.RED: _l("draft"), Colour.BLUE: _l("blue")})
    with app.test_request_context():
        with force_locale("nl"):
            assert labels.label(Colour.RED) == "concept"
            assert render_template_string("{{ c|label }}", c=Colour.BLUE) == "blue"
        with force_locale("en"):
            assert labels.labels_of(Colour) == {Colour.RED: "draft", Colour.BLUE: "blue"}


def test_registering_refuses_a_member_without_a_label():
    with pytest.raises(ValueError, match="BLUE"):
        labels.register(Colour, {Colour.RED: _l("draft")})


def test_unregistered_values_are_shown_as_they_are():
    assert labels.label(None) == ""
    assert labels.label(7) == "7"
    assert labels.label(UnitStatus.DRAFT) in ("draft", "concept")
