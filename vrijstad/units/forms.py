"""Unit forms: the listing form (shape checks) and the public search filters."""

import re
from datetime import date
from decimal import Decimal

from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    Field,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from vrijstad import clock
from vrijstad.forms import FlaskForm, normalise_postcode, postcode_validator
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.money import AmountError, parse_eur
from vrijstad.units.addresses import Address
from vrijstad.units.models import EnergyLabel, PermittedUse

MAX_RENT_CENTS_PER_YEAR = 5_000_000_00  # five million euros a year: beyond that, a typo


def use_choices():
    labels = {
        PermittedUse.DETAILHANDEL: _l("Retail"),
        PermittedUse.DIENSTVERLENING: _l("Services"),
        PermittedUse.HORECA_1: _l("Horeca category 1 (light)"),
        PermittedUse.HORECA_2: _l("Horeca category 2 (medium)"),
        PermittedUse.HORECA_3: _l("Horeca category 3 (heavy)"),
        PermittedUse.OTHER: _l("Other"),
    }
    return [SelectChoice(use.value, labels[use]) for use in PermittedUse]


def label_choices(blank):
    return [SelectChoice("", blank)] + [SelectChoice(lbl.value, lbl.value) for lbl in EnergyLabel]


class EuroField(Field):
    """An amount in euros typed the Dutch way ('1.250,00'); data is integer cents."""

    widget = widgets.TextInput()

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        euros, cents = divmod(self.data, 100)
        return f"{euros},{cents:02d}" if cents else str(euros)

    def process_formdata(self, valuelist) -> None:
        self.data = None
        if valuelist and valuelist[0].strip():
            try:
                self.data = parse_eur(valuelist[0])
            except AmountError as exc:
                self.data = None
                raise ValueError(str(_l("Enter an amount in euros, e.g. 1.250,00."))) from exc


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def bag_check(form, field) -> None:
    if field.data and not re.fullmatch(r"\d{16}", field.data.strip()):
        raise ValidationError(_l("A BAG id has exactly 16 digits."))


def amount_range(form, field) -> None:
    if field.data is not None and not 0 <= field.data <= MAX_RENT_CENTS_PER_YEAR:
        raise ValidationError(_l("Enter an amount between € 0 and € 5.000.000 per year."))


def not_in_future(form, field) -> None:
    if field.data and field.data > clock.today():
        raise ValidationError(_l("This date cannot be in the future."))


#: Dutch street and place names (BAG) are written in the Latin script: letters with their
#: accents, digits, spaces and the punctuation of names like "'s-Hertogenbosch" or "St.-Jansstraat".
ADDRESS_NAME = re.compile(r"[0-9A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u017f\s'\u2019.,()/&-]*")


def address_name(form, field) -> None:
    """Letters of the Latin script and a name's punctuation only (the wizard keeps the address
    in the session cookie until the facts step, so it stays small too)."""
    if field.data and not ADDRESS_NAME.fullmatch(field.data):
        raise ValidationError(_l("Use letters, digits and the usual punctuation of an address."))


class AddressForm(FlaskForm):
    """The address and the pin: the wizard's first step, and the top of the one-page form."""

    street = StringField(_l("Street"), validators=[DataRequired(), Length(max=120), address_name])
    house_number = IntegerField(
        _l("House number"), validators=[InputRequired(), NumberRange(min=1, max=99999)]
    )
    house_letter = StringField(
        _l("Letter"), validators=[Optional(), Length(max=1)], filters=[lambda v: v or None]
    )
    house_number_addition = StringField(
        _l("Addition"),
        validators=[Optional(), Length(max=4), address_name],
        filters=[lambda v: v or None],
    )
    postcode = StringField(_l("Postcode"), validators=[DataRequired(), postcode_validator])
    city = StringField(_l("City"), validators=[DataRequired(), Length(max=80), address_name])
    area_id = SelectField(_l("Area"), coerce=int, validators=[Optional()])
    bag_id = StringField(
        _l("BAG id"),
        validators=[Optional(), bag_check],
        filters=[lambda v: v.strip() if v else None],
        description=_l("16 digits, optional (from the BAG register)."),
    )
    latitude = DecimalField(
        _l("Latitude"), places=6, validators=[Optional(), NumberRange(min=50.7, max=53.6)]
    )
    longitude = DecimalField(
        _l("Longitude"), places=6, validators=[Optional(), NumberRange(min=3.3, max=7.3)]
    )
    pin_confirmed = BooleanField(_l("Yes, the pin is where the unit is"))

    def address_query(self) -> tuple[str, int, str | None] | None:
        """Postcode, house number and addition (letter and addition as typed) for the address
        service, once postcode and number are valid; their field errors say what is wrong."""
        valid = self.postcode.validate(self) & self.house_number.validate(self)
        if not valid or not self.postcode.data:
            return None
        addition = f"{self.house_letter.data or ''}{self.house_number_addition.data or ''}"
        return self.postcode.data, self.house_number.data, addition or None

    def fill(self, address: Address) -> None:
        """Fill the address fields and the pin from the address service's answer."""
        self.street.data = address.street
        self.house_letter.data = address.house_letter
        self.house_number_addition.data = address.house_number_addition
        self.postcode.data = address.postcode
        self.city.data = address.city
        self.bag_id.data = address.bag_id
        self.latitude.data = Decimal(str(address.latitude))
        self.longitude.data = Decimal(str(address.longitude))
        for field in (
            self.street,
            self.house_letter,
            self.house_number_addition,
            self.postcode,
            self.city,
            self.bag_id,
            self.latitude,
            self.longitude,
        ):
            field.raw_data = None  # show the filled value, not the one typed


class FactsForm(FlaskForm):
    """Floor areas, use, energy label and description: the wizard's second step."""

    floor_area_vvo = IntegerField(
        _l("Lettable floor area (vvo, m²)"),
        validators=[InputRequired(), NumberRange(min=1, max=100_000)],
    )
    floor_area_wvo = IntegerField(
        _l("Sales floor area (wvo, m²)"), validators=[Optional(), NumberRange(min=1, max=100_000)]
    )
    floor_area_bvo = IntegerField(
        _l("Gross floor area (bvo, m²)"), validators=[Optional(), NumberRange(min=1, max=100_000)]
    )
    permitted_uses = MultiCheckboxField(_l("Permitted use"), choices=use_choices)
    energy_label = SelectField(_l("Energy label"), choices=lambda: label_choices(_l("unknown")))
    energy_label_valid_until = DateField(_l("Energy label valid until"), validators=[Optional()])
    is_monument = BooleanField(_l("Listed monument"))
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])

    def validate_floor_area_wvo(self, field) -> None:
        if field.data and self.floor_area_vvo.data and field.data > self.floor_area_vvo.data:
            raise ValidationError(_l("The sales floor cannot be larger than the lettable area."))

    def validate_floor_area_bvo(self, field) -> None:
        if field.data and self.floor_area_vvo.data and field.data < self.floor_area_vvo.data:
            raise ValidationError(_l("The gross area cannot be smaller than the lettable area."))


class TermsForm(FlaskForm):
    """Rent, charges, VAT and availability: the wizard's price and terms step."""

    rent_cents_per_year = EuroField(
        _l("Rent per year excl. VAT (€)"), validators=[InputRequired(), amount_range]
    )
    service_charges_cents_per_year = EuroField(
        _l("Service charges per year (€)"), validators=[Optional(), amount_range]
    )
    vat_opted = BooleanField(_l("Rent is subject to VAT (option for taxed letting)"), default=True)
    available_from = DateField(_l("Available from"), validators=[Optional()])
    vacant_since = DateField(_l("Vacant since"), validators=[Optional(), not_in_future])


def unit_data(form: FlaskForm) -> dict:
    """A unit form's (or step form's) validated values as keyword data for the services."""
    data = {field.name: field.data for field in form if field.name != "csrf_token"}
    if "energy_label" in data:
        data["energy_label"] = EnergyLabel(data["energy_label"]) if data["energy_label"] else None
    if "area_id" in data:
        data["area_id"] = data["area_id"] or None
    for key in ("latitude", "longitude"):
        if key in data:
            data[key] = float(data[key]) if data[key] is not None else None
    if "service_charges_cents_per_year" in data:
        data["service_charges_cents_per_year"] = data["service_charges_cents_per_year"] or 0
    if "postcode" in data:
        data["postcode"] = normalise_postcode(data["postcode"])
    return data


class UnitForm(AddressForm, FactsForm, TermsForm):
    """Every field of a unit on one page."""

    def unit_data(self) -> dict:
        """The validated values as keyword data for the unit services."""
        return unit_data(self)


class WithdrawForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for withdrawing"), validators=[DataRequired(), Length(max=500)]
    )


SORTS = ("newest", "rent", "rent_desc", "size", "rent_m2")


def sort_choices():
    return [
        SelectChoice("newest", _l("Newest first")),
        SelectChoice("rent", _l("Rent, low to high")),
        SelectChoice("rent_desc", _l("Rent, high to low")),
        SelectChoice("size", _l("Floor area, large to small")),
        SelectChoice("rent_m2", _l("Rent per m², low to high")),
    ]


#: The largest floor area or area id a search takes: PostgreSQL's integer, the columns' type;
#: beyond it the database refuses the value instead of comparing it.
MAX_SEARCH_NUMBER = 2**31 - 1
#: The highest rent a search asks for, per month: beyond any unit's (see amount_range).
MAX_SEARCH_RENT_MONTH = 500_000
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def printable(form, field) -> None:
    """Text without control characters: a database cannot compare some of them (NUL)."""
    if field.data and _CONTROL.search(field.data):
        raise ValidationError(_l("Enter text without control characters."))


def before_the_last_day(form, field) -> None:
    """A day the search can count on from: its free days end the day after the last one."""
    if field.data is not None and field.data >= date.max:
        raise ValidationError(_l("Enter a date before 31 December 9999."))


class SearchForm(FlaskForm):
    """Public search filters; every value lives in the query string."""

    class Meta:
        csrf = False

    city = StringField(_l("City"), validators=[Optional(), Length(max=80), printable])
    area = IntegerField(
        _l("Area"), validators=[Optional(), NumberRange(min=1, max=MAX_SEARCH_NUMBER)]
    )
    street = StringField(_l("Street"), validators=[Optional(), Length(max=120), printable])
    min_area = IntegerField(
        _l("Min. m²"), validators=[Optional(), NumberRange(min=0, max=MAX_SEARCH_NUMBER)]
    )
    max_area = IntegerField(
        _l("Max. m²"), validators=[Optional(), NumberRange(min=0, max=MAX_SEARCH_NUMBER)]
    )
    max_rent = IntegerField(
        _l("Max. rent per month (€)"),
        validators=[
            Optional(),
            NumberRange(
                min=0,
                max=MAX_SEARCH_RENT_MONTH,
                message=_l("Enter a monthly rent between € 0 and € 500.000."),
            ),
        ],
    )
    use = SelectField(
        _l("Use"),
        choices=lambda: [SelectChoice("", _l("any"))] + use_choices(),
        validators=[Optional()],
    )
    available_by = DateField(_l("Available by"), validators=[Optional()])
    label = SelectField(
        _l("Energy label at least"),
        choices=lambda: label_choices(_l("any")),
        validators=[Optional()],
    )
    sort = SelectField(_l("Sort"), choices=sort_choices, default="newest", validators=[Optional()])
    free_from = DateField(_l("Pop-up: free from"), validators=[Optional(), before_the_last_day])
    free_until = DateField(_l("Pop-up: free until"), validators=[Optional(), before_the_last_day])

    def validate_free_until(self, field) -> None:
        if field.data and self.free_from.data and field.data < self.free_from.data:
            raise ValidationError(_l("The last day cannot be before the first day."))
