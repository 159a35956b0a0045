"""The open-data API's arguments and answers as marshmallow schemas (they make its OpenAPI)."""

import re

import marshmallow as ma
from marshmallow import fields, validate

from vrijstad.areas.models import AreaKind, StreetGrade
from vrijstad.units.models import EnergyLabel, PermittedUse, UnitStatus, VacancyClass

MAX_PER_PAGE = 100
MAX_PAGE = 100_000
#: Free text in a query: no control characters (a database cannot store some of them).
PRINTABLE = r"^[^\x00-\x1f\x7f]*$"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _printable(value: str) -> None:
    """The pattern's check in full: Python's $ would let a final newline through."""
    if _CONTROL.search(value):
        raise ma.ValidationError("Control characters are not allowed.")


def _text(description: str) -> fields.Str:
    return fields.Str(
        validate=[
            validate.Length(min=1, max=120),
            validate.Regexp(PRINTABLE, error="Control characters are not allowed."),
            _printable,
        ],
        metadata={"description": description},
    )


def _month(description: str, data_key: str) -> fields.Str:
    return fields.Str(
        data_key=data_key,
        validate=[
            validate.Regexp(
                r"^(20\d\d|2100)-(0[1-9]|1[0-2])$",
                error="Give a month as YYYY-MM (2000-01 to 2100-12).",
            ),
            _printable,
        ],
        metadata={"description": description, "example": "2026-11"},
    )


# Arguments ----------------------------------------------------------------------------------


class PageArgs(ma.Schema):
    page = fields.Int(
        load_default=1,
        validate=validate.Range(min=1, max=MAX_PAGE),
        metadata={"description": "The page, from 1."},
    )
    per_page = fields.Int(
        load_default=50,
        validate=validate.Range(min=1, max=MAX_PER_PAGE),
        metadata={"description": f"Items per page (at most {MAX_PER_PAGE})."},
    )


class AreaArgs(PageArgs):
    city = _text("Only areas in this city (case is ignored).")


class UnitArgs(PageArgs):
    area_id = fields.Int(
        validate=validate.Range(min=1, max=2**31 - 1),
        metadata={"description": "Only units in this area."},
    )
    city = _text("Only units in this city (case is ignored).")
    street = _text("Only units in this street (case is ignored).")


class VacancyArgs(PageArgs):
    first = _month("The first month (default: the earliest recorded).", "from")
    last = _month("The last month (default: the latest recorded).", "to")
    street = _text("One street's figures instead of the whole area's.")


# Answers ------------------------------------------------------------------------------------


class ErrorSchema(ma.Schema):
    """Every error: the HTTP status, its name, why, and per argument what was wrong."""

    status = fields.Int(required=True, metadata={"description": "The HTTP status code."})
    error = fields.Str(required=True, metadata={"description": "The status's name."})
    message = fields.Str(required=True, metadata={"description": "Why the request failed."})
    errors = fields.Dict(metadata={"description": "Per location and argument: what is wrong."})


class PageSchema(ma.Schema):
    page = fields.Int(required=True)
    per_page = fields.Int(required=True)
    total = fields.Int(required=True, metadata={"description": "Items on all pages."})
    pages = fields.Int(required=True)
    next = fields.Str(required=True, allow_none=True, metadata={"description": "The next page."})
    prev = fields.Str(required=True, allow_none=True, metadata={"description": "The previous."})


class OrganisationRefSchema(ma.Schema):
    id = fields.Int(required=True)
    name = fields.Str(required=True)


class StreetSchema(ma.Schema):
    id = fields.Int(required=True)
    name = fields.Str(required=True)
    grade = fields.Str(required=True, validate=validate.OneOf([g.value for g in StreetGrade]))
    page = fields.Str(
        required=True, allow_none=True, metadata={"description": "The public street page."}
    )


class AreaSchema(ma.Schema):
    id = fields.Int(required=True)
    name = fields.Str(required=True)
    city = fields.Str(required=True)
    kind = fields.Str(required=True, validate=validate.OneOf([k.value for k in AreaKind]))
    organisation = fields.Nested(OrganisationRefSchema, required=True)
    streets = fields.List(fields.Nested(StreetSchema), required=True)
    units = fields.Str(required=True, metadata={"description": "Its listed units."})
    vacancy = fields.Str(required=True, metadata={"description": "Its monthly vacancy figures."})


class AreaPageSchema(PageSchema):
    items = fields.List(fields.Nested(AreaSchema), required=True)


class UnitSchema(ma.Schema):
    """A listed unit. The fields marked private come only with a token of the area's
    organisation."""

    id = fields.Int(required=True)
    url = fields.Str(required=True, metadata={"description": "The unit's public page."})
    area_id = fields.Int(required=True, allow_none=True)
    status = fields.Str(required=True, validate=validate.OneOf([s.value for s in UnitStatus]))
    street = fields.Str(required=True)
    house_number = fields.Int(required=True)
    house_letter = fields.Str(required=True, allow_none=True)
    house_number_addition = fields.Str(required=True, allow_none=True)
    postcode = fields.Str(required=True)
    city = fields.Str(required=True)
    latitude = fields.Float(required=True, allow_none=True)
    longitude = fields.Float(required=True, allow_none=True)
    floor_area_vvo = fields.Int(required=True, metadata={"description": "Lettable m² (NEN 2580)."})
    floor_area_wvo = fields.Int(required=True, allow_none=True)
    floor_area_bvo = fields.Int(required=True, allow_none=True)
    permitted_uses = fields.List(
        fields.Str(validate=validate.OneOf([u.value for u in PermittedUse])), required=True
    )
    energy_label = fields.Str(
        required=True, allow_none=True, validate=validate.OneOf([e.value for e in EnergyLabel])
    )
    rent_cents_per_year = fields.Int(required=True, metadata={"description": "Excl. VAT."})
    service_charges_cents_per_year = fields.Int(required=True)
    vat_opted = fields.Bool(required=True)
    available_from = fields.Date(required=True, allow_none=True)
    listed_at = fields.DateTime(required=True, allow_none=True)
    vacant_since = fields.Date(allow_none=True, metadata={"description": "Private."})
    days_vacant = fields.Int(allow_none=True, metadata={"description": "Private."})
    vacancy_class = fields.Str(
        allow_none=True,
        validate=validate.OneOf([c.value for c in VacancyClass]),
        metadata={"description": "Private: frictional < 1 year, long-term 1–3, structural > 3."},
    )
    bag_id = fields.Str(allow_none=True, metadata={"description": "Private."})
    owner_name = fields.Str(metadata={"description": "Private."})


class UnitPageSchema(PageSchema):
    items = fields.List(fields.Nested(UnitSchema), required=True)


class VacancyStatSchema(ma.Schema):
    """An area's (street null) or a street's vacancy as recorded for a month."""

    period = fields.Str(required=True, metadata={"example": "2026-11"})
    street = fields.Str(required=True, allow_none=True)
    reference_date = fields.Date(required=True, metadata={"description": "Durations up to."})
    units_total = fields.Int(required=True)
    units_vacant = fields.Int(required=True)
    vacancy_rate_count = fields.Float(
        required=True, allow_none=True, metadata={"description": "Percent of units vacant."}
    )
    floor_area_total_m2 = fields.Int(required=True)
    floor_area_vacant_m2 = fields.Int(required=True)
    vacancy_rate_area = fields.Float(
        required=True, allow_none=True, metadata={"description": "Percent of floor area."}
    )
    frictional_units = fields.Int(required=True)
    long_term_units = fields.Int(required=True)
    structural_units = fields.Int(required=True)
    frictional_m2 = fields.Int(required=True)
    long_term_m2 = fields.Int(required=True)
    structural_m2 = fields.Int(required=True)
    source = fields.Str(
        required=True,
        validate=validate.OneOf(["recorded", "imported"]),
        metadata={
            "description": "recorded: counted by Vrijstad from its units; imported: from the "
            "organisation's historic vacancy file (months before it used Vrijstad)."
        },
    )


class VacancyPageSchema(PageSchema):
    items = fields.List(fields.Nested(VacancyStatSchema), required=True)


# Footfall -----------------------------------------------------------------------------------


class FootfallArgs(ma.Schema):
    weeks = fields.Int(
        load_default=12,
        validate=validate.Range(min=1, max=260),
        metadata={"description": "The number of full weeks back from the last one (1–260)."},
    )


class FootfallWeekSchema(ma.Schema):
    """A street's passers-by in a week, as one counting point saw them (the average of the
    street's counters that reported)."""

    street_id = fields.Int(required=True)
    street = fields.Str(required=True)
    week = fields.Date(required=True, metadata={"description": "The week's Monday."})
    passers_by = fields.Int(required=True)
    counters = fields.Int(required=True, metadata={"description": "Counters that reported."})


class FootfallSchema(ma.Schema):
    area_id = fields.Int(required=True)
    first_week = fields.Date(required=True)
    last_week = fields.Date(required=True)
    items = fields.List(fields.Nested(FootfallWeekSchema), required=True)


class FootfallCountSchema(ma.Schema):
    """One count pushed by an organisation's counting system."""

    counter = fields.Str(
        required=True,
        validate=[
            validate.Length(min=1, max=40),
            validate.Regexp(PRINTABLE, error="Control characters are not allowed."),
            _printable,
        ],
    )
    start = fields.Str(
        required=True,
        validate=validate.Length(min=10, max=40),
        metadata={"description": "ISO 8601, with an offset or in Amsterdam time; on the hour."},
    )
    count = fields.Int(required=True, strict=True, validate=validate.Range(min=0, max=10_000_000))
    interval = fields.Str(load_default="hour", validate=validate.OneOf(["hour", "day"]))


class FootfallImportedSchema(ma.Schema):
    counts = fields.Int(required=True)
    counters = fields.Int(required=True)
    first = fields.Date(required=True, allow_none=True)
    last = fields.Date(required=True, allow_none=True)
