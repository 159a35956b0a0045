"""Forms of subsidies: a scheme's rules, an application, costs, documents, the procedure."""

from decimal import Decimal

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from vrijstad.forms import BigInteger, DutchDecimalField, FlaskForm, kvk_validator
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.labels import label
from vrijstad.subsidies import services
from vrijstad.subsidies.models import (
    ApplicantKind,
    CostCategory,
    DocumentKind,
    Handling,
    Provider,
    SubsidyScheme,
)
from vrijstad.units.forms import EuroField, MultiCheckboxField


def basis_points(value: Decimal | None) -> int:
    return int(((value or Decimal(0)) * 100).to_integral_value())


def _choices(values, label) -> list[SelectChoice]:
    return [SelectChoice(v.value, label(v)) for v in values]


class SchemeForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=160)])
    provider = SelectField(_l("Provider"))
    provider_name = StringField(
        _l("Provider's name"),
        validators=[Optional(), Length(max=160)],
        description=_l("E.g. Provincie Noord-Holland or Gemeente Dijkerveen."),
    )
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=10000)])
    percentage = DutchDecimalField(
        _l("Percentage of the eligible costs"),
        places=2,
        validators=[InputRequired(), NumberRange(min=Decimal("0.01"), max=100)],
    )
    max_per_activity = EuroField(
        _l("Maximum per activity"), validators=[InputRequired(), BigInteger()]
    )
    min_amount = EuroField(
        _l("Minimum amount"),
        validators=[Optional(), BigInteger()],
        description=_l("Requests below it are not taken; 0 for none."),
    )
    budget = EuroField(_l("Budget ceiling"), validators=[InputRequired(), BigInteger()])
    handling = SelectField(_l("Order of handling"))
    tender_deadline = DateField(
        _l("Tender deadline"),
        validators=[Optional()],
        description=_l("Only for a tender: the last day applications are taken."),
    )
    applicant_kinds = MultiCheckboxField(_l("Eligible applicants"))
    area_ids = MultiCheckboxField(_l("Eligible areas"), coerce=int, validators=[Optional()])
    street_ids = MultiCheckboxField(
        _l("Eligible streets (listed streets only)"), coerce=int, validators=[Optional()]
    )
    cost_categories = MultiCheckboxField(_l("Eligible cost categories"))
    required_documents = MultiCheckboxField(_l("Required documents"), validators=[Optional()])
    apply_before_start = BooleanField(_l("Apply before the work starts"), default=True)
    lead_days = IntegerField(
        _l("Days between application and start of the work, at least"),
        default=0,
        validators=[InputRequired(), NumberRange(min=0, max=365)],
    )
    advance = DutchDecimalField(
        _l("Advance after the grant, percentage of the amount granted"),
        places=2,
        default=Decimal(0),
        validators=[InputRequired(), NumberRange(min=0, max=100)],
    )
    dossier_prefix = StringField(
        _l("Dossier number prefix"), validators=[DataRequired(), Length(min=2, max=12)]
    )
    active = BooleanField(_l("Open for applications"), default=True)

    def fill(self, organisation) -> None:
        self.provider.choices = _choices(Provider, label)
        self.handling.choices = _choices(Handling, label)
        self.applicant_kinds.choices = _choices(ApplicantKind, label)
        self.cost_categories.choices = _choices(CostCategory, label)
        self.required_documents.choices = _choices(
            [d for d in DocumentKind if d not in (DocumentKind.QUOTE, DocumentKind.ACCOUNTABILITY)],
            label,
        )
        self.area_ids.choices = [SelectChoice(a.id, a.name) for a in organisation.areas]
        self.street_ids.choices = [
            SelectChoice(s.id, f"{s.name} ({a.name})")
            for a in organisation.areas
            for s in a.streets
        ]

    def load(self, rules: services.SchemeRules) -> None:
        """Show a scheme's rules in the form (when it was not posted)."""
        self.name.data = rules.name
        self.provider.data = rules.provider.value
        self.provider_name.data = rules.provider_name
        self.description.data = rules.description
        self.percentage.data = Decimal(rules.percentage_bp) / 100
        self.max_per_activity.data = rules.max_per_activity_cents
        self.min_amount.data = rules.min_amount_cents
        self.budget.data = rules.budget_cents
        self.handling.data = rules.handling.value
        self.tender_deadline.data = rules.tender_deadline
        self.applicant_kinds.data = [k.value for k in rules.applicant_kinds]
        self.area_ids.data = list(rules.area_ids)
        self.street_ids.data = list(rules.street_ids)
        self.cost_categories.data = [c.value for c in rules.cost_categories]
        self.required_documents.data = [d.value for d in rules.required_documents]
        self.apply_before_start.data = rules.apply_before_start
        self.lead_days.data = rules.lead_days
        self.advance.data = Decimal(rules.advance_bp) / 100
        self.dossier_prefix.data = rules.dossier_prefix
        self.active.data = rules.active

    def rules(self) -> services.SchemeRules:
        return services.SchemeRules(
            name=self.name.data,
            provider=Provider(self.provider.data),
            provider_name=self.provider_name.data or "",
            description=self.description.data,
            percentage_bp=basis_points(self.percentage.data),
            max_per_activity_cents=self.max_per_activity.data or 0,
            min_amount_cents=self.min_amount.data or 0,
            budget_cents=self.budget.data or 0,
            handling=Handling(self.handling.data),
            tender_deadline=self.tender_deadline.data,
            applicant_kinds=[ApplicantKind(k) for k in self.applicant_kinds.data or []],
            area_ids=list(self.area_ids.data or []),
            street_ids=list(self.street_ids.data or []),
            cost_categories=[CostCategory(c) for c in self.cost_categories.data or []],
            required_documents=[DocumentKind(d) for d in self.required_documents.data or []],
            apply_before_start=self.apply_before_start.data,
            lead_days=self.lead_days.data,
            advance_bp=basis_points(self.advance.data),
            dossier_prefix=self.dossier_prefix.data,
            active=self.active.data,
        )


class ApplicationForm(FlaskForm):
    applicant_kind = SelectField(_l("I apply as"))
    applicant_name = StringField(
        _l("Name of the applicant (as registered with the KvK)"),
        validators=[DataRequired(), Length(max=160)],
    )
    applicant_kvk = StringField(
        _l("KvK number"), validators=[DataRequired(), kvk_validator, Length(max=12)]
    )
    title = StringField(_l("Project title"), validators=[DataRequired(), Length(max=160)])
    description = TextAreaField(
        _l("What do you want to do, and why?"),
        validators=[DataRequired(), Length(min=20, max=10000)],
    )
    street_id = SelectField(_l("Street"), coerce=int, validators=[Optional()])
    address = StringField(_l("House number or address"), validators=[Optional(), Length(max=160)])
    work_starts_on = DateField(_l("The work starts on"), validators=[InputRequired()])
    other_de_minimis = EuroField(
        _l("Other de-minimis aid received this year and the two previous years"),
        description=_l(
            "Aid from other bodies under the de-minimis rules, for this KvK number; € 0 if none."
        ),
        validators=[Optional(), BigInteger(), NumberRange(min=0)],
    )

    def fill(self, scheme: SubsidyScheme, kinds: list[ApplicantKind]) -> None:
        self.applicant_kind.choices = _choices(kinds, label)
        self.street_id.choices = [SelectChoice(0, _l("— no particular street —"))] + [
            SelectChoice(s.id, f"{s.name} ({s.area.name})") for s in services.street_choices(scheme)
        ]

    def data_(self) -> services.ApplicationData:
        return services.ApplicationData(
            applicant_kind=ApplicantKind(self.applicant_kind.data),
            applicant_name=self.applicant_name.data,
            applicant_kvk=self.applicant_kvk.data,
            title=self.title.data,
            description=self.description.data,
            work_starts_on=self.work_starts_on.data,
            street_id=self.street_id.data or None,
            address=self.address.data,
            other_de_minimis_cents=self.other_de_minimis.data or 0,
        )


class IntakeForm(FlaskForm):
    note = TextAreaField(
        _l("Intake note"),
        validators=[DataRequired(), Length(min=10, max=10000)],
        description=_l("What was discussed: the plan, the costs, what the applicant still needs."),
    )


class CostLineForm(FlaskForm):
    # Its own id: the page also holds the project form, whose description would take the label.
    description = StringField(
        _l("Cost item"), validators=[DataRequired(), Length(max=200)], id="cost_description"
    )
    supplier = StringField(
        _l("Supplier (from the quote)"), validators=[Optional(), Length(max=160)]
    )
    # No category is preselected: a cost silently filed as research was easy to miss.
    category = SelectField(
        _l("Category"), validators=[DataRequired(_l("Choose the category of this cost."))]
    )
    amount = EuroField(_l("Amount excl. VAT"), validators=[InputRequired(), BigInteger()])
    includes_vat = BooleanField(_l("This amount includes VAT"))
    quote = FileField(
        _l("Quote (PDF)"),
        description=_l("You can add the quote later; each cost needs one before you submit."),
    )

    def fill(self) -> None:
        self.category.choices = [
            SelectChoice("", _l("— choose —")),
            *_choices(CostCategory, label),
        ]


class QuoteForm(FlaskForm):
    quote = FileField(_l("Quote (PDF)"))


class DocumentForm(FlaskForm):
    kind = SelectField(_l("Document"))
    file = FileField(_l("File (PDF)"))

    def fill(self) -> None:
        self.kind.choices = _choices([d for d in DocumentKind if d != DocumentKind.QUOTE], label)


class QuestionForm(FlaskForm):
    question = TextAreaField(
        _l("What information is needed?"), validators=[DataRequired(), Length(min=10, max=5000)]
    )


class AnswerForm(FlaskForm):
    answer = TextAreaField(_l("Your answer"), validators=[DataRequired(), Length(max=5000)])


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(min=10, max=5000)])


class GrantForm(FlaskForm):
    amount = EuroField(_l("Amount to grant"), validators=[InputRequired(), BigInteger()])
    conditions = TextAreaField(_l("Conditions"), validators=[Optional(), Length(max=5000)])


class SettleForm(FlaskForm):
    amount = EuroField(_l("Final amount"), validators=[InputRequired(), BigInteger()])


class AccountabilityForm(FlaskForm):
    """The actual cost of each cost line (in the order of the lines) and what was done."""

    actuals = FieldList(EuroField(validators=[InputRequired()]))
    includes_vat = BooleanField(_l("These amounts include VAT"))
    note = TextAreaField(
        _l("What was done"), validators=[DataRequired(), Length(min=10, max=10000)]
    )


def accountability_form(lines, posted: bool = False) -> AccountabilityForm:
    """The posted form, or one showing the amounts of the quotes as a start."""
    if posted:
        return AccountabilityForm()
    return AccountabilityForm(formdata=None, data={"actuals": [ln.amount_cents for ln in lines]})
