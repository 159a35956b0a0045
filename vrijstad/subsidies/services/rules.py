"""Schemes: their rules, checked and saved, and the presets to start from."""

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from vrijstad.areas.models import Area, AreaKind, Street, StreetGrade
from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.money import Cents
from vrijstad.organisations.models import Organisation
from vrijstad.organisations.services import can_manage
from vrijstad.subsidies.models import (
    ApplicantKind,
    CostCategory,
    DocumentKind,
    Handling,
    Preset,
    Provider,
    SubsidyScheme,
)
from vrijstad.subsidies.services.amounts import budget_of
from vrijstad.subsidies.services.base import (
    MAX_AMOUNT_CENTS,
    SubsidyError,
    lock_scheme,
    require_staff,
)

# Schemes -----------------------------------------------------------------------------------


@dataclass
class SchemeRules:
    """Everything staff set on a scheme."""

    name: str
    provider: Provider
    provider_name: str
    percentage_bp: int
    max_per_activity_cents: int
    budget_cents: int
    handling: Handling
    applicant_kinds: list[ApplicantKind]
    cost_categories: list[CostCategory]
    required_documents: list[DocumentKind] = field(default_factory=list)
    min_amount_cents: int = 0
    tender_deadline: date | None = None
    area_ids: list[int] = field(default_factory=list)
    street_ids: list[int] = field(default_factory=list)
    apply_before_start: bool = True
    lead_days: int = 0
    advance_bp: int = 0
    dossier_prefix: str = "SUB"
    description: str | None = None
    active: bool = True


def rules_of(scheme: SubsidyScheme) -> SchemeRules:
    return SchemeRules(
        name=scheme.name,
        provider=scheme.provider,
        provider_name=scheme.provider_name,
        percentage_bp=scheme.percentage_bp,
        max_per_activity_cents=scheme.max_per_activity_cents,
        budget_cents=scheme.budget_cents,
        handling=scheme.handling,
        applicant_kinds=[ApplicantKind(k) for k in scheme.applicant_kinds],
        cost_categories=[CostCategory(c) for c in scheme.cost_categories],
        required_documents=[DocumentKind(d) for d in scheme.required_documents],
        min_amount_cents=scheme.min_amount_cents,
        tender_deadline=scheme.tender_deadline,
        area_ids=[a.id for a in scheme.areas],
        street_ids=[s.id for s in scheme.streets],
        apply_before_start=scheme.apply_before_start,
        lead_days=scheme.lead_days,
        advance_bp=scheme.advance_bp,
        dossier_prefix=scheme.dossier_prefix,
        description=scheme.description,
        active=scheme.active,
    )


def _check_rules(organisation_id: int, rules: SchemeRules) -> tuple[list[Area], list[Street]]:
    """Shape is the form's; here the rules that make a scheme workable."""
    rules.name = (rules.name or "").strip()
    if not rules.name:
        raise SubsidyError(_("Give the scheme a name."), "name")
    if not 1 <= rules.percentage_bp <= 10000:
        raise SubsidyError(_("The percentage is above 0 and at most 100."), "percentage")
    if not 0 < rules.max_per_activity_cents <= MAX_AMOUNT_CENTS:
        raise SubsidyError(_("Enter a maximum per activity above € 0."), "max_per_activity")
    if not 0 < rules.budget_cents <= MAX_AMOUNT_CENTS:
        raise SubsidyError(_("Enter a budget ceiling above € 0."), "budget")
    if not 0 <= rules.min_amount_cents <= rules.max_per_activity_cents:
        raise SubsidyError(
            _("The minimum amount cannot be above the maximum per activity."), "min_amount"
        )
    if rules.handling == Handling.TENDER and rules.tender_deadline is None:
        raise SubsidyError(_("A tender needs a deadline for applications."), "tender_deadline")
    if rules.handling == Handling.FIRST_COME:
        rules.tender_deadline = None
    if not rules.applicant_kinds:
        raise SubsidyError(_("Choose who may apply."), "applicant_kinds")
    if not rules.cost_categories:
        raise SubsidyError(_("Choose at least one eligible cost category."), "cost_categories")
    if DocumentKind.QUOTE in rules.required_documents:
        rules.required_documents.remove(DocumentKind.QUOTE)  # quotes belong to cost lines
    if not 0 <= rules.lead_days <= 365:
        raise SubsidyError(
            _("The days between application and start of the work are 0 to 365."), "lead_days"
        )
    if not 0 <= rules.advance_bp <= 10000:
        raise SubsidyError(_("The advance is between 0 and 100 percent."), "advance")
    prefix = (rules.dossier_prefix or "").strip().upper()
    if not (2 <= len(prefix) <= 12 and prefix.isascii() and prefix.isalnum()):
        raise SubsidyError(_("The dossier prefix is 2 to 12 letters or digits."), "dossier_prefix")
    rules.dossier_prefix = prefix
    areas = list(
        db.session.scalars(
            sa.select(Area).where(
                Area.id.in_(rules.area_ids), Area.organisation_id == organisation_id
            )
        )
    )
    if len(areas) != len(set(rules.area_ids)):
        raise SubsidyError(_("Choose areas of your organisation."), "area_ids")
    streets = list(
        db.session.scalars(
            sa.select(Street)
            .join(Area)
            .where(Street.id.in_(rules.street_ids), Area.organisation_id == organisation_id)
        )
    )
    if len(streets) != len(set(rules.street_ids)):
        raise SubsidyError(_("Choose streets in your organisation's areas."), "street_ids")
    return areas, streets


def _apply_rules(
    scheme: SubsidyScheme, rules: SchemeRules, areas: list[Area], streets: list[Street]
) -> None:
    for name in (
        "name",
        "provider",
        "provider_name",
        "percentage_bp",
        "max_per_activity_cents",
        "budget_cents",
        "handling",
        "min_amount_cents",
        "tender_deadline",
        "apply_before_start",
        "lead_days",
        "advance_bp",
        "dossier_prefix",
        "active",
    ):
        setattr(scheme, name, getattr(rules, name))
    scheme.description = (rules.description or "").strip() or None
    scheme.provider_name = (rules.provider_name or "").strip()[:160] or scheme.organisation.name
    scheme.applicant_kinds = [ApplicantKind(k).value for k in rules.applicant_kinds]
    scheme.cost_categories = [CostCategory(c).value for c in rules.cost_categories]
    scheme.required_documents = [DocumentKind(d).value for d in rules.required_documents]
    scheme.areas = areas
    scheme.streets = streets


def _name_taken(organisation_id: int, name: str, scheme_id: int | None = None) -> bool:
    query = sa.select(SubsidyScheme.id).where(
        SubsidyScheme.organisation_id == organisation_id, SubsidyScheme.name == name
    )
    if scheme_id is not None:
        query = query.where(SubsidyScheme.id != scheme_id)
    return db.session.scalar(query) is not None


def create_scheme(
    actor: User, organisation: Organisation, rules: SchemeRules, preset: str | None = None
) -> SubsidyScheme:
    """Staff add a scheme with its rules to their organisation."""
    if not can_manage(actor, organisation.id):
        raise SubsidyError(_("Only the organisation's staff can do this."))
    areas, streets = _check_rules(organisation.id, rules)
    if _name_taken(organisation.id, rules.name):
        raise SubsidyError(
            _("Your organisation already has a scheme called %(name)s.", name=rules.name), "name"
        )
    scheme = SubsidyScheme(organisation=organisation, preset=preset)
    _apply_rules(scheme, rules, areas, streets)
    db.session.add(scheme)
    db.session.flush()
    record_event(actor, "subsidy_scheme.created", scheme, organisation.id, preset=preset)
    return scheme


def update_scheme(actor: User, scheme: SubsidyScheme, rules: SchemeRules) -> SubsidyScheme:
    """Change a scheme's rules; the ceiling cannot drop below what is granted and reserved."""
    require_staff(actor, scheme)
    areas, streets = _check_rules(scheme.organisation_id, rules)
    if _name_taken(scheme.organisation_id, rules.name, scheme.id):
        raise SubsidyError(
            _("Your organisation already has a scheme called %(name)s.", name=rules.name), "name"
        )
    scheme = lock_scheme(scheme.id)
    figures = budget_of(scheme, handling=rules.handling)
    if rules.budget_cents < figures.committed_cents + figures.reserved_cents:
        raise SubsidyError(
            _l("The ceiling cannot be lower than what is granted and reserved: %(amount)s."),
            "budget",
            amount=Cents(figures.committed_cents + figures.reserved_cents),
        )
    _apply_rules(scheme, rules, areas, streets)
    db.session.flush()
    record_event(actor, "subsidy_scheme.updated", scheme, scheme.organisation_id)
    return scheme


#: The ready-made schemes, in the order offered.
PRESETS = tuple(Preset)


def preset_rules(key: str, organisation: Organisation) -> SchemeRules:
    """The rules of a preset, for this organisation's areas and streets."""
    if key == "hirb_plus":
        return SchemeRules(
            name="HIRB+ Toekomstbestendige Winkelgebieden",
            provider=Provider.PROVINCE,
            provider_name="Provincie Noord-Holland",
            percentage_bp=5000,
            max_per_activity_cents=25_000_00,
            min_amount_cents=5_000_00,
            budget_cents=425_000_00,
            handling=Handling.FIRST_COME,
            applicant_kinds=[
                ApplicantKind.LANDLORD,
                ApplicantKind.STARTER,
                ApplicantKind.GROUP,
                ApplicantKind.ORGANISATION,
            ],
            cost_categories=[
                CostCategory.RESEARCH,
                CostCategory.PROCESS_SUPPORT,
                CostCategory.ORGANISING,
                CostCategory.SUSTAINABILITY,
            ],
            required_documents=[DocumentKind.KVK_EXTRACT, DocumentKind.BUDGET, DocumentKind.PLAN],
            apply_before_start=True,
            lead_days=0,
            advance_bp=8000,
            dossier_prefix="HIRB",
            description="Onderzoek of procesbegeleiding voor minder leegstand of transformatie, "
            "het organiseren van ondernemers, of verduurzaming. 50 % van de subsidiabele kosten, "
            "ten hoogste € 25.000 per activiteit; aanvragen op volgorde van binnenkomst tot het "
            "subsidieplafond. Niet terugvorderbare btw alleen; terugvorderbare btw nooit.",
        )
    if key == "facade":
        streets = _facade_streets(organisation)
        return SchemeRules(
            name="Werk aan de winkel — gevels",
            provider=Provider.MUNICIPALITY,
            provider_name=f"Gemeente {organisation.city}",
            percentage_bp=5000,
            max_per_activity_cents=12_500_00,
            min_amount_cents=1_000_00,
            budget_cents=150_000_00,
            handling=Handling.FIRST_COME,
            applicant_kinds=[ApplicantKind.LANDLORD, ApplicantKind.STARTER],
            cost_categories=[CostCategory.FACADE],
            required_documents=[DocumentKind.KVK_EXTRACT, DocumentKind.PLAN, DocumentKind.LEASE],
            street_ids=[s.id for s in streets],
            apply_before_start=True,
            lead_days=42,
            advance_bp=0,
            dossier_prefix="GEVEL",
            description="Opknappen van gevel en etalage in de aangewezen straten: 50 % van de "
            "investering exclusief btw, ten hoogste € 12.500. Aanvragen minstens zes weken "
            "voordat het werk begint; één keer per activiteit.",
        )
    if key == "starter_rent":
        return SchemeRules(
            name="Startersubsidie huur",
            provider=Provider.MUNICIPALITY,
            provider_name=f"Gemeente {organisation.city}",
            percentage_bp=5000,
            max_per_activity_cents=6_000_00,
            min_amount_cents=0,
            budget_cents=60_000_00,
            handling=Handling.FIRST_COME,
            applicant_kinds=[ApplicantKind.STARTER],
            cost_categories=[CostCategory.RENT],
            required_documents=[DocumentKind.KVK_EXTRACT, DocumentKind.PLAN, DocumentKind.LEASE],
            area_ids=[a.id for a in organisation.areas],
            apply_before_start=False,
            lead_days=0,
            advance_bp=5000,
            dossier_prefix="HUUR",
            description="Een bijdrage in de huur van het eerste jaar voor starters die een leeg "
            "pand in het centrum betrekken: 50 % van de kale huur exclusief btw, ten hoogste "
            "€ 6.000.",
        )
    raise SubsidyError(_("Unknown preset."))


def _facade_streets(organisation: Organisation) -> list[Street]:
    """The approach streets, where facade schemes usually apply; else the weaker streets."""
    streets = [
        s for a in organisation.areas if a.kind == AreaKind.APPROACH_STREETS for s in a.streets
    ]
    if not streets:
        weak = (StreetGrade.B1, StreetGrade.B2, StreetGrade.C)
        streets = [s for a in organisation.areas for s in a.streets if s.grade in weak]
    return streets


def create_preset(actor: User, organisation: Organisation, key: str) -> SubsidyScheme:
    """One click: a preset scheme for the organisation, to edit afterwards."""
    if key not in PRESETS:
        raise SubsidyError(_("Unknown preset."))
    return create_scheme(actor, organisation, preset_rules(key, organisation), preset=key)
