"""Matching forms: weights, a street profile, the allocation choices, invitations."""

from flask_babel.speaklater import LazyString
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from vrijstad.forms import FlaskForm
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.matching.models import (
    COMPONENT_LABELS,
    COMPONENTS,
    DEFAULT_WEIGHTS,
    MAX_WEIGHT,
    Component,
)
from vrijstad.starters.forms import branch_choices
from vrijstad.starters.models import BRANCH_LABELS, BranchGroup
from vrijstad.units.forms import MultiCheckboxField


def _weight(name: str, description: str | LazyString = "") -> IntegerField:
    return IntegerField(
        COMPONENT_LABELS[Component(name)],
        description=description,
        default=DEFAULT_WEIGHTS[name],
        validators=[InputRequired(), NumberRange(min=0, max=MAX_WEIGHT)],
    )


class WeightsForm(FlaskForm):
    size = _weight("size")
    budget = _weight("budget")
    use = _weight("use")
    location = _weight("location")
    availability = _weight("availability")
    space_kind = _weight("space_kind")
    branch_mix = _weight("branch_mix")
    footfall = _weight(
        "footfall",
        _l(
            "For walk-in trade (daily goods, fashion, leisure goods, food and drink): the "
            "more passers-by the street's counters see, the better it fits."
        ),
    )

    def values(self) -> dict[str, int]:
        return {name: self[name].data for name in COMPONENTS}


class StreetProfileForm(FlaskForm):
    wanted = MultiCheckboxField(
        _l("Branch groups the street asks for"), choices=branch_choices(), validators=[Optional()]
    )
    excluded = MultiCheckboxField(
        _l("Branch groups the street wants no more of"),
        choices=branch_choices(),
        validators=[Optional()],
        description=_l("Starters of these groups are not matched to units in this street."),
    )
    note = StringField(
        _l("The street's profile in a few words"), validators=[Optional(), Length(max=500)]
    )

    def validate_excluded(self, field) -> None:
        if set(field.data or ()) & set(self.wanted.data or ()):
            raise ValidationError(_l("A branch group cannot be both wanted and excluded."))


#: The street profile's branch-limit fields, one per branch group: "limit_<group value>".
LIMIT_FIELDS = {group: f"limit_{group.value}" for group in BranchGroup}
for _group, _name in LIMIT_FIELDS.items():
    setattr(
        StreetProfileForm,
        _name,
        IntegerField(
            BRANCH_LABELS[_group],
            validators=[Optional(), NumberRange(min=0, max=99)],
            render_kw={"min": 0, "max": 99},
        ),
    )


def limits_of(form: StreetProfileForm) -> dict[BranchGroup, int | None]:
    return {group: form[name].data for group, name in LIMIT_FIELDS.items()}


class AllocationScopeForm(FlaskForm):
    """Which area or collective to allocate from, read from the query string."""

    class Meta:
        csrf = False

    scope = SelectField(_l("Area or collective"), validators=[Optional()])
    marked = BooleanField(
        _l("Show them marked"),
        description=_l(
            "Units with an open offer or a reservation and starters who have a place already "
            "are left out; tick this to see them marked with the reason (not chosen)."
        ),
    )


class AllocationForm(FlaskForm):
    """The allocation's choices: the units and starters of one area or collective."""

    scope = HiddenField(validators=[InputRequired(), Length(max=40)])
    #: "1" when the choices showed held units and starters (staff may have ticked some).
    marked = HiddenField(validators=[Optional(), Length(max=1)])
    units = MultiCheckboxField(_l("Units"), coerce=int, validators=[Optional()])
    starters = MultiCheckboxField(_l("Candidate starters"), coerce=int, validators=[Optional()])
    min_score = IntegerField(
        _l("Lowest score to allocate"),
        default=0,
        validators=[Optional(), NumberRange(min=0, max=100)],
        description=_l("Pairs scoring less are left out, as if excluded."),
    )


def _id(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= 18


class InvitePairsForm(FlaskForm):
    """The chosen pairs of an allocation, as 'unit id:starter id'."""

    pairs = SelectMultipleField(_l("Pairs"), validate_choice=False, validators=[Optional()])
    run = HiddenField(validators=[Optional(), Length(max=18)])

    def validate_pairs(self, field) -> None:
        for value in field.data or ():
            unit, sep, starter = value.partition(":")
            if not (sep and _id(unit) and _id(starter)):
                raise ValidationError(_l("Choose pairs from the allocation."))

    def run_id(self) -> int | None:
        """The allocation the pairs come from, to show it again after inviting."""
        value = self.run.data or ""
        return int(value) if _id(value) else None

    def chosen(self) -> list[tuple[int, int]]:
        pairs = (value.partition(":") for value in self.pairs.data or ())
        return list(dict.fromkeys((int(unit), int(starter)) for unit, _sep, starter in pairs))
