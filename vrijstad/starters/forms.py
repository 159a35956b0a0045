"""The starter profile form (shape checks; the rules live in the services)."""

from flask_babel import LazyString
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from vrijstad import labels
from vrijstad.forms import (
    FlaskForm,
    btw_validator,
    iban_validator,
    kvk_validator,
    normalise_kvk,
)
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.starters.models import BRANCH_LABELS, SPACE_LABELS, BranchGroup, SpaceKind
from vrijstad.units.forms import EuroField, MultiCheckboxField, use_choices

MAX_BUDGET_CENTS = 100_000_00  # € 100.000 a month: beyond that, a typo


def branch_choices(blank: str | LazyString | None = None) -> list[SelectChoice]:
    head = [SelectChoice("", blank)] if blank else []
    return head + [SelectChoice(group.value, BRANCH_LABELS[group]) for group in BranchGroup]


def branch_label(group: BranchGroup | str) -> str:
    return labels.label(BranchGroup(group))


def space_choices(blank: str | LazyString | None = None) -> list[SelectChoice]:
    head = [SelectChoice("", blank)] if blank else []
    return head + [SelectChoice(kind.value, SPACE_LABELS[kind]) for kind in SpaceKind]


def _none_if_blank(value):
    return value or None


def _budget(form, field) -> None:
    if field.data is not None and not 0 < field.data <= MAX_BUDGET_CENTS:
        raise ValidationError(_l("Enter a monthly budget between € 1 and € 100.000."))


class ProfileForm(FlaskForm):
    trade_name = StringField(
        _l("Trade name"), validators=[Optional(), Length(max=120)], filters=[_none_if_blank]
    )
    concept = TextAreaField(
        _l("Your concept"),
        validators=[Optional(), Length(max=4000)],
        filters=[_none_if_blank],
        description=_l("What you sell or offer, for whom, and what makes it different."),
    )
    branch_group = SelectField(
        _l("Branch group"), choices=branch_choices(_l("— choose —")), validators=[Optional()]
    )
    required_use = SelectField(
        _l("Use your concept needs"),
        choices=[SelectChoice("", _l("— choose —")), *use_choices()],
        validators=[Optional()],
        description=_l("Horeca needs a unit where horeca is permitted."),
    )
    city = StringField(
        _l("Where your business is based"),
        validators=[Optional(), Length(max=80)],
        filters=[_none_if_blank],
    )
    kvk_number = StringField(
        _l("KvK number"),
        validators=[Optional(), kvk_validator],
        filters=[lambda v: normalise_kvk(v) or None],
        description=_l("8 digits; leave empty if you have not registered yet."),
    )
    btw_id = StringField(
        _l("BTW-id"), validators=[Optional(), btw_validator], filters=[_none_if_blank]
    )
    iban = StringField(
        _l("IBAN"), validators=[Optional(), iban_validator], filters=[_none_if_blank]
    )
    min_area_m2 = IntegerField(
        _l("Smallest floor area (m²)"), validators=[Optional(), NumberRange(min=1, max=100_000)]
    )
    max_area_m2 = IntegerField(
        _l("Largest floor area (m²)"), validators=[Optional(), NumberRange(min=1, max=100_000)]
    )
    budget = EuroField(_l("Monthly budget for rent (excl. VAT)"), validators=[Optional(), _budget])
    area_ids = MultiCheckboxField(_l("Preferred areas"), coerce=int, validators=[Optional()])
    street_ids = MultiCheckboxField(_l("Preferred streets"), coerce=int, validators=[Optional()])
    earliest_start = DateField(_l("Earliest start date"), validators=[Optional()])
    space_kind = SelectField(
        _l("Kind of space"), choices=space_choices(_l("— choose —")), validators=[Optional()]
    )
    invitations_opt_out = BooleanField(
        _l("Do not invite me to apply for units"),
        description=_l(
            "Landlords and city-centre staff then cannot invite you; you still see the units "
            "that fit you and can apply yourself."
        ),
    )

    plan = FileField(
        _l("Upload your plan (PDF, at most 10 MB)"),
        id="plan-file",
        render_kw={"accept": "application/pdf"},
    )

    def validate_max_area_m2(self, field) -> None:
        low = self.min_area_m2.data
        if field.data is not None and low is not None and field.data < low:
            raise ValidationError(_l("The largest floor area must be at least the smallest."))

    def profile_data(self) -> dict:
        return {
            "trade_name": self.trade_name.data,
            "concept": self.concept.data,
            "branch_group": BranchGroup(self.branch_group.data) if self.branch_group.data else None,
            "required_use": self.required_use.data or None,
            "city": self.city.data,
            "kvk_number": self.kvk_number.data,
            "btw_id": self.btw_id.data,
            "iban": self.iban.data,
            "min_area_m2": self.min_area_m2.data,
            "max_area_m2": self.max_area_m2.data,
            "budget_cents_per_month": self.budget.data,
            "earliest_start": self.earliest_start.data,
            "space_kind": SpaceKind(self.space_kind.data) if self.space_kind.data else None,
            "invitations_opt_out": bool(self.invitations_opt_out.data),
        }
