"""Subsidies: schemes and presets, applications, the amount and its reasoning, the procedure
with its decision clock, the budget ceiling, and every payment booked in the ledger.

Rules of the procedure (DOMAIN.md, general administrative law):

- The decision is due 8 weeks after the complete application came in. A request for more
  information suspends the clock from the day it is sent until the day the answer arrives;
  the term can be extended once, by 12 weeks, before it has run out. A late decision is
  allowed but flagged.
- The amount is min(percentage × eligible costs, maximum per activity); costs are excluding
  VAT and VAT is never eligible; the share is rounded down to the cent.
- In a first-come scheme each application reserves its amount when it is submitted, in order
  of complete submission; granted plus reserved never exceeds the ceiling. A tender reserves
  nothing until its deadline has passed and the grants are made; then granted never exceeds
  the ceiling. Every check of the ceiling holds the scheme's row locked (FOR UPDATE), so two
  staff granting (or two applicants submitting) at the same moment cannot overrun it.
- Ledger (per organisation): a grant books the scheme's grants against a payable to the
  recipient; the advance and the rest are paid from the bank; the final amount releases what
  was granted but not spent; a reclaim brings an advance above the final amount back.
"""

import io
import logging
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from vrijstad import clock
from vrijstad.areas.models import Area, AreaKind, Street, StreetGrade
from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.auth.verification import require_verified_email
from vrijstad.core import DomainError, TransitionError, check_transition
from vrijstad.extensions import db
from vrijstad.forms import normalise_kvk, valid_kvk
from vrijstad.i18n import date_filter, eur_filter, force_locale
from vrijstad.i18n import gettext as _
from vrijstad.ledger import services as ledger
from vrijstad.notifications.services import notify
from vrijstad.organisations.models import Membership, Organisation
from vrijstad.organisations.services import can_manage, staff_of
from vrijstad.starters.services import profile_of
from vrijstad.storage import delete_after_commit, put_in_transaction
from vrijstad.subsidies.models import (
    AWAITING_DECISION,
    EDITABLE,
    GRANTED_OPEN,
    SETTLED_STATES,
    SUBSIDY_TRANSITIONS,
    ApplicantKind,
    CostCategory,
    CostLine,
    DocumentKind,
    DossierSequence,
    Handling,
    Provider,
    SubsidyApplication,
    SubsidyDocument,
    SubsidyScheme,
    SubsidyStatus,
)

DECISION_WEEKS = 8
EXTENSION_WEEKS = 12
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
#: A thousand million euros: a ceiling or cost beyond it is a typo.
MAX_AMOUNT_CENTS = 1_000_000_000_00
logging.getLogger("pypdf").setLevel(logging.ERROR)  # a damaged PDF is our error message


class SubsidyError(DomainError):
    """A subsidy action was refused; field names the form field, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class DocumentTooLarge(SubsidyError):
    """An upload over the size limit (a 413 page)."""


# Labels ------------------------------------------------------------------------------------


def status_label(status: SubsidyStatus) -> str:
    s = SubsidyStatus
    return {
        s.INTAKE: _("intake"),
        s.DRAFT: _("draft"),
        s.SUBMITTED: _("submitted"),
        s.IN_REVIEW: _("in review"),
        s.INFO_REQUESTED: _("information requested"),
        s.GRANTED: _("granted"),
        s.REJECTED: _("rejected"),
        s.ADVANCE_PAID: _("advance paid"),
        s.ACCOUNTED: _("accounted for"),
        s.SETTLED: _("final amount set"),
        s.PAID: _("paid"),
        s.RECLAIMED: _("reclaimed"),
        s.WITHDRAWN: _("withdrawn"),
    }[SubsidyStatus(status)]


def applicant_kind_label(kind: ApplicantKind) -> str:
    return {
        ApplicantKind.LANDLORD: _("landlord"),
        ApplicantKind.STARTER: _("starter"),
        ApplicantKind.GROUP: _("group of entrepreneurs"),
        ApplicantKind.ORGANISATION: _("organisation or municipality"),
    }[ApplicantKind(kind)]


def category_label(category: CostCategory) -> str:
    c = CostCategory
    return {
        c.RESEARCH: _("research"),
        c.PROCESS_SUPPORT: _("process support"),
        c.ORGANISING: _("organising entrepreneurs"),
        c.SUSTAINABILITY: _("sustainability"),
        c.FACADE: _("facade and shopfront"),
        c.FIT_OUT: _("fit-out of the shop"),
        c.RENT: _("rent"),
        c.MARKETING: _("area marketing"),
    }[CostCategory(category)]


def document_label(kind: DocumentKind) -> str:
    d = DocumentKind
    return {
        d.KVK_EXTRACT: _("KvK extract"),
        d.BUDGET: _("budget"),
        d.PLAN: _("plan"),
        d.LEASE: _("lease"),
        d.QUOTE: _("quote"),
        d.ACCOUNTABILITY: _("accountability evidence"),
    }[DocumentKind(kind)]


def provider_label(provider: Provider) -> str:
    return {
        Provider.PROVINCE: _("province"),
        Provider.MUNICIPALITY: _("municipality"),
        Provider.ORGANISATION: _("city-centre organisation"),
    }[Provider(provider)]


def handling_label(handling: Handling) -> str:
    return {
        Handling.FIRST_COME: _("first come, first served until the budget is used"),
        Handling.TENDER: _("tender: applications compared after the deadline"),
    }[Handling(handling)]


def percent(basis_points: int) -> str:
    """5000 → '50 %', 1250 → '12,50 %'."""
    whole, part = divmod(basis_points, 100)
    return f"{whole},{part:02d} %" if part else f"{whole} %"


# Who may do what ---------------------------------------------------------------------------


def is_staff(user: User, scheme: SubsidyScheme) -> bool:
    """Staff of the scheme's organisation (and platform admins)."""
    return can_manage(user, scheme.organisation_id)


def can_see(user: User, application: SubsidyApplication) -> bool:
    if not user.is_authenticated:
        return False
    return application.applicant_id == user.id or is_staff(user, application.scheme)


def _staff(actor: User, scheme: SubsidyScheme) -> None:
    if not is_staff(actor, scheme):
        raise SubsidyError(_("Only the staff of the scheme's organisation can do this."))


def _own(actor: User, application: SubsidyApplication) -> None:
    if application.applicant_id != actor.id:
        raise SubsidyError(_("Only the applicant can do this."))


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


def _apply_rules(scheme: SubsidyScheme, rules: SchemeRules, areas, streets) -> None:
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


def lock_scheme(scheme_id: int) -> SubsidyScheme:
    """The scheme row, locked until the commit (FOR UPDATE; SQLite serialises writes anyway)."""
    return db.session.scalars(
        sa.select(SubsidyScheme)
        .where(SubsidyScheme.id == scheme_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def update_scheme(actor: User, scheme: SubsidyScheme, rules: SchemeRules) -> SubsidyScheme:
    """Change a scheme's rules; the ceiling cannot drop below what is granted and reserved."""
    _staff(actor, scheme)
    areas, streets = _check_rules(scheme.organisation_id, rules)
    if _name_taken(scheme.organisation_id, rules.name, scheme.id):
        raise SubsidyError(
            _("Your organisation already has a scheme called %(name)s.", name=rules.name), "name"
        )
    scheme = lock_scheme(scheme.id)
    figures = budget_of(scheme, handling=rules.handling)
    if rules.budget_cents < figures.committed_cents + figures.reserved_cents:
        raise SubsidyError(
            _(
                "The ceiling cannot be lower than what is granted and reserved: %(amount)s.",
                amount=eur_filter(figures.committed_cents + figures.reserved_cents),
            ),
            "budget",
        )
    _apply_rules(scheme, rules, areas, streets)
    db.session.flush()
    record_event(actor, "subsidy_scheme.updated", scheme, scheme.organisation_id)
    return scheme


PRESETS = ("hirb_plus", "facade", "starter_rent")


def preset_label(key: str) -> str:
    return {
        "hirb_plus": _(
            "HIRB+ Toekomstbestendige Winkelgebieden (province, 50 %%, at most "
            "%(cap)s per activity, first come first served)",
            cap=eur_filter(25_000_00),
        ),
        "facade": _(
            "Facade scheme in the style of Werk aan de winkel (municipality, 50 %%, "
            "at most %(cap)s, listed streets only)",
            cap=eur_filter(12_500_00),
        ),
        "starter_rent": _(
            "Starter rent subsidy (municipality, 50 %% of the first year's rent, at most %(cap)s)",
            cap=eur_filter(6_000_00),
        ),
    }[key]


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


# The amount --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reasoning:
    """How an amount follows from the costs: each step shown to applicant and staff."""

    total_cents: int
    ineligible: tuple[tuple[str, int], ...]
    eligible_cents: int
    percentage_bp: int
    share_cents: int
    cap_cents: int
    #: "activity": the scheme's maximum per activity; "grant": the amount granted.
    cap_kind: str
    amount_cents: int
    min_amount_cents: int
    actual: bool

    @property
    def capped(self) -> bool:
        return self.share_cents > self.cap_cents

    @property
    def ineligible_cents(self) -> int:
        return sum(cents for _label, cents in self.ineligible)

    @property
    def below_minimum(self) -> bool:
        return self.amount_cents < self.min_amount_cents


def compute_amount(
    scheme: SubsidyScheme,
    lines: list[CostLine],
    actual: bool = False,
    granted_cents: int | None = None,
) -> Reasoning:
    """min(percentage × eligible costs, cap): the cap is the maximum per activity, and at the
    final amount also the amount granted. Costs are excl. VAT; the share is rounded down."""
    eligible_categories = set(scheme.cost_categories)
    total = eligible = 0
    ineligible = []
    for line in lines:
        cents = (line.actual_cents or 0) if actual else line.amount_cents
        total += cents
        if CostCategory(line.category).value in eligible_categories:
            eligible += cents
        elif cents:
            ineligible.append((line.description, cents))
    share = eligible * scheme.percentage_bp // 10000
    cap, cap_kind = scheme.max_per_activity_cents, "activity"
    if granted_cents is not None and granted_cents < cap:
        cap, cap_kind = granted_cents, "grant"
    return Reasoning(
        total_cents=total,
        ineligible=tuple(ineligible),
        eligible_cents=eligible,
        percentage_bp=scheme.percentage_bp,
        share_cents=share,
        cap_cents=cap,
        cap_kind=cap_kind,
        amount_cents=min(share, cap),
        min_amount_cents=scheme.min_amount_cents,
        actual=actual,
    )


def reasoning_of(application: SubsidyApplication) -> Reasoning:
    return compute_amount(application.scheme, application.cost_lines)


def final_reasoning_of(application: SubsidyApplication) -> Reasoning:
    return compute_amount(
        application.scheme,
        application.cost_lines,
        actual=True,
        granted_cents=application.granted_cents or 0,
    )


# The budget --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Budget:
    ceiling_cents: int
    #: Granted (or, once settled, the final amounts).
    committed_cents: int
    #: Reserved by first-come applications awaiting a decision (tenders reserve nothing).
    reserved_cents: int
    #: Asked by applications awaiting a decision (in a tender this may exceed the ceiling).
    requested_cents: int
    paid_cents: int

    @property
    def available_cents(self) -> int:
        return self.ceiling_cents - self.committed_cents - self.reserved_cents


def _committed_expr():
    a = SubsidyApplication
    return sa.case(
        (a.status.in_(GRANTED_OPEN), a.granted_cents),
        (a.status.in_(SETTLED_STATES), a.final_cents),
        else_=0,
    )


def budget_of(
    scheme: SubsidyScheme, exclude_id: int | None = None, handling: Handling | None = None
) -> Budget:
    """The scheme's figures from its applications, in one query."""
    a = SubsidyApplication
    awaiting = sa.case((a.status.in_(AWAITING_DECISION), a.requested_cents), else_=0)
    query = sa.select(
        sa.func.coalesce(sa.func.sum(_committed_expr()), 0),
        sa.func.coalesce(sa.func.sum(awaiting), 0),
        sa.func.coalesce(sa.func.sum(a.paid_cents), 0),
    ).where(a.scheme_id == scheme.id)
    if exclude_id is not None:
        query = query.where(a.id != exclude_id)
    committed, requested, paid = (int(v) for v in db.session.execute(query).one())
    reserves = (handling or scheme.handling) == Handling.FIRST_COME
    return Budget(scheme.budget_cents, committed, requested if reserves else 0, requested, paid)


def _check_budget(
    scheme: SubsidyScheme,
    application: SubsidyApplication,
    amount: int,
    field_name: str | None = None,
) -> None:
    """Refuse unless the amount fits next to everything else granted and reserved; the scheme
    row must be locked (lock_scheme) so that nobody else changes the figures meanwhile."""
    others = budget_of(scheme, exclude_id=application.id)
    left = others.available_cents
    if amount > left:
        raise SubsidyError(
            _(
                "The budget ceiling of %(ceiling)s would be exceeded: %(left)s is left after what "
                "is granted and reserved, and this needs %(amount)s.",
                ceiling=eur_filter(scheme.budget_cents),
                left=eur_filter(max(left, 0)),
                amount=eur_filter(amount),
            ),
            field_name,
        )


# The decision clock ------------------------------------------------------------------------


def decision_deadline(application: SubsidyApplication, on: date | None = None) -> date | None:
    """8 weeks from the complete submission, plus the days the clock stood still, plus 12
    weeks once extended. While information is awaited the date moves on day by day."""
    if application.submitted_at is None:
        return None
    due = clock.local_date(application.submitted_at) + timedelta(weeks=DECISION_WEEKS)
    due += timedelta(days=application.suspended_days)
    if application.extended_on is not None:
        due += timedelta(weeks=EXTENSION_WEEKS)
    if application.suspended_since is not None:
        running = ((on or clock.today()) - application.suspended_since).days
        due += timedelta(days=max(running, 0))
    return due


def days_late(application: SubsidyApplication) -> int:
    """Days the decision came after its deadline (0 when on time or not decided)."""
    if application.decided_on is None:
        return 0
    due = decision_deadline(application, application.decided_on)
    return max((application.decided_on - due).days, 0) if due else 0


# Notices -----------------------------------------------------------------------------------


def _notice_data(application: SubsidyApplication, **extra) -> dict:
    """What a notice needs, as raw values: the reader's language formats amount and date."""
    due = decision_deadline(application)
    return {
        "scheme": application.scheme.name,
        "applicant": application.applicant_name,
        "dossier": application.dossier_number or "—",
        "deadline_on": due.isoformat() if due else None,
    } | extra


def _notify_applicant(application: SubsidyApplication, kind: str, attachments=(), **extra) -> None:
    """An in-app notice for the applicant, mailed after the commit."""
    notify(
        [application.applicant],
        f"subsidy.{kind}",
        "subsidies.detail",
        {"application_id": application.id},
        _notice_data(application, **extra),
        attachments,
    )


def _notify_staff(
    application: SubsidyApplication, kind: str, actor: User | None = None, **extra
) -> None:
    """A notice for the staff of the scheme's organisation (not the applicant, not the actor)."""
    skip = {application.applicant_id, actor.id if actor is not None else None}
    people = [p for p in staff_of(application.scheme.organisation_id) if p.id not in skip]
    notify(
        people,
        f"subsidy.{kind}",
        "subsidies.detail",
        {"application_id": application.id},
        _notice_data(application, **extra),
    )


# Applications ------------------------------------------------------------------------------


@dataclass
class ApplicationData:
    """The project and the applicant, as the applicant enters them."""

    applicant_kind: ApplicantKind
    applicant_name: str
    applicant_kvk: str
    title: str
    description: str
    work_starts_on: date
    street_id: int | None = None
    address: str | None = None


def kinds_for(user: User) -> list[ApplicantKind]:
    """The kinds of applicant a person can apply as."""
    if not user.is_authenticated:
        return []
    kinds = []
    if user.is_landlord:
        kinds.append(ApplicantKind.LANDLORD)
    if user.is_starter:
        kinds.append(ApplicantKind.STARTER)
    if user.is_landlord or user.is_starter:
        kinds.append(ApplicantKind.GROUP)
    if _member_organisation(user) is not None:
        kinds.append(ApplicantKind.ORGANISATION)
    return kinds


def _member_organisation(user: User, prefer_id: int | None = None) -> Organisation | None:
    organisations = list(
        db.session.scalars(
            sa.select(Organisation)
            .join(Membership)
            .where(Membership.user_id == user.id)
            .order_by(Organisation.id)
        )
    )
    preferred = [o for o in organisations if o.id == prefer_id]
    return (preferred or organisations or [None])[0]


def applicant_defaults(user: User, scheme: SubsidyScheme) -> dict:
    """Name and KvK number to prefill: the starter's trade name, or the organisation."""
    kinds = [k for k in kinds_for(user) if k.value in scheme.applicant_kinds]
    values = {
        "applicant_name": user.name,
        "applicant_kvk": "",
        "applicant_kind": kinds[0].value if kinds else None,
    }
    profile = profile_of(user) if user.is_starter else None
    if profile is not None:
        values["applicant_name"] = profile.trade_name or user.name
        values["applicant_kvk"] = profile.kvk_number or ""
    if kinds and kinds[0] == ApplicantKind.ORGANISATION:
        organisation = _member_organisation(user, scheme.organisation_id)
        values["applicant_name"] = organisation.name
        values["applicant_kvk"] = organisation.kvk_number
    return values


def eligible_streets(scheme: SubsidyScheme) -> list[Street]:
    """The streets an application may be for (empty: anywhere in the organisation's areas)."""
    if scheme.streets:
        return list(scheme.streets)
    return [s for a in scheme.areas for s in a.streets]


def street_choices(scheme: SubsidyScheme) -> list[Street]:
    """Every street of the scheme's organisation, for the form."""
    return list(
        db.session.scalars(
            sa.select(Street)
            .join(Area)
            .where(Area.organisation_id == scheme.organisation_id)
            .order_by(Street.name, Street.id)
        )
    )


def location_restricted(scheme: SubsidyScheme) -> bool:
    return bool(scheme.streets or scheme.areas)


def _check_location(scheme: SubsidyScheme, street_id: int | None) -> Street | None:
    street = db.session.get(Street, street_id) if street_id else None
    if street_id and (street is None or street.area.organisation_id != scheme.organisation_id):
        raise SubsidyError(_("Choose a street from the list."), "street_id")
    if not location_restricted(scheme):
        return street
    if street is None:
        raise SubsidyError(
            _("This scheme applies only in certain streets: choose the street."), "street_id"
        )
    allowed = eligible_streets(scheme)
    if street.id not in {s.id for s in allowed}:
        names = ", ".join(sorted({s.name for s in allowed}))
        raise SubsidyError(
            _(
                "%(street)s is outside this scheme: it applies only in %(streets)s.",
                street=street.name,
                streets=names or "—",
            ),
            "street_id",
        )
    return street


def _check_start(scheme: SubsidyScheme, starts_on: date, on: date) -> None:
    """Work that started before the application is not subsidised; some schemes ask more."""
    if not scheme.apply_before_start:
        return
    if scheme.lead_days and starts_on < on + timedelta(days=scheme.lead_days):
        raise SubsidyError(
            _(
                "Apply at least %(days)d days before the work starts: with this scheme the work "
                "can start on %(date)s at the earliest.",
                days=scheme.lead_days,
                date=date_filter(on + timedelta(days=scheme.lead_days)),
            ),
            "work_starts_on",
        )
    if starts_on < on:
        raise SubsidyError(
            _(
                "Work that started before the application is not subsidised: apply "
                "before the work starts."
            ),
            "work_starts_on",
        )


def _check_open(scheme: SubsidyScheme, on: date) -> None:
    if not scheme.active:
        raise SubsidyError(_("This scheme takes no applications at the moment."))
    if (
        scheme.handling == Handling.TENDER
        and scheme.tender_deadline
        and on > scheme.tender_deadline
    ):
        raise SubsidyError(
            _(
                "The deadline of this tender, %(date)s, has passed.",
                date=date_filter(scheme.tender_deadline),
            )
        )


def _check_details(
    actor: User, scheme: SubsidyScheme, data: ApplicationData, on: date
) -> tuple[Street | None, int | None]:
    if data.applicant_kind not in kinds_for(actor):
        raise SubsidyError(
            _("You cannot apply as %(kind)s.", kind=applicant_kind_label(data.applicant_kind)),
            "applicant_kind",
        )
    if data.applicant_kind.value not in scheme.applicant_kinds:
        allowed = ", ".join(applicant_kind_label(k) for k in scheme.applicant_kinds)
        raise SubsidyError(_("This scheme is for %(kinds)s only.", kinds=allowed), "applicant_kind")
    if not (data.applicant_name or "").strip():
        raise SubsidyError(_("Enter the name of the applicant."), "applicant_name")
    if not valid_kvk(data.applicant_kvk):
        raise SubsidyError(_("A KvK number has exactly 8 digits."), "applicant_kvk")
    if not (data.title or "").strip():
        raise SubsidyError(_("Give the project a title."), "title")
    if len((data.description or "").strip()) < 20:
        raise SubsidyError(
            _("Describe the project in a few sentences (at least 20 characters)."), "description"
        )
    street = _check_location(scheme, data.street_id)
    _check_start(scheme, data.work_starts_on, on)
    organisation_id = None
    if data.applicant_kind == ApplicantKind.ORGANISATION:
        organisation_id = _member_organisation(actor, scheme.organisation_id).id
    return street, organisation_id


def _set_details(
    application: SubsidyApplication, data: ApplicationData, street, organisation_id
) -> None:
    application.applicant_kind = data.applicant_kind
    application.applicant_organisation_id = organisation_id
    application.applicant_name = data.applicant_name.strip()[:160]
    application.applicant_kvk = normalise_kvk(data.applicant_kvk)
    application.title = data.title.strip()[:160]
    application.description = data.description.strip()[:10000]
    application.street_id = street.id if street else None
    application.address = (data.address or "").strip()[:160] or None
    application.work_starts_on = data.work_starts_on


def start_application(
    actor: User, scheme: SubsidyScheme, data: ApplicationData, on: date | None = None
) -> SubsidyApplication:
    """Someone starts an application: it waits for the intake talk with the staff."""
    on = on or clock.today()
    if not actor.is_authenticated:
        raise SubsidyError(_("Log in to apply."))
    require_verified_email(actor)
    _check_open(scheme, on)
    street, organisation_id = _check_details(actor, scheme, data, on)
    application = SubsidyApplication(scheme=scheme, applicant_id=actor.id)
    _set_details(application, data, street, organisation_id)
    db.session.add(application)
    db.session.flush()
    record_event(actor, "subsidy.started", application, scheme.organisation_id, scheme=scheme.id)
    _notify_staff(application, "started", actor)
    return application


def update_details(
    actor: User, application: SubsidyApplication, data: ApplicationData, on: date | None = None
) -> SubsidyApplication:
    """The applicant corrects the project details before submitting (or when asked)."""
    _own(actor, application)
    _editable(application)
    if on is None:  # the rules on timing count from the application, once it is in
        on = (
            clock.local_date(application.submitted_at)
            if application.submitted_at
            else clock.today()
        )
    street, organisation_id = _check_details(actor, application.scheme, data, on)
    _set_details(application, data, street, organisation_id)
    db.session.flush()
    record_event(actor, "subsidy.details", application, application.scheme.organisation_id)
    return application


def _editable(application: SubsidyApplication) -> None:
    if application.status not in EDITABLE:
        raise SubsidyError(_("This application can no longer be changed."))


def _transition(
    actor: User | None, application: SubsidyApplication, target: SubsidyStatus, **data
) -> None:
    try:
        check_transition(SUBSIDY_TRANSITIONS, application.status, target)
    except TransitionError as exc:
        raise SubsidyError(
            _(
                "A subsidy application that is %(current)s cannot become %(target)s.",
                current=status_label(application.status),
                target=status_label(target),
            )
        ) from exc
    previous = application.status
    application.status = target
    application.updated_at = clock.now()
    db.session.flush()
    record_event(
        actor,
        "subsidy.status",
        application,
        application.scheme.organisation_id,
        old=previous.value,
        new=target.value,
        **data,
    )


def record_intake(actor: User, application: SubsidyApplication, note: str) -> SubsidyApplication:
    """Staff record the intake talk; the applicant then completes the application."""
    _staff(actor, application.scheme)
    note = (note or "").strip()
    if len(note) < 10:
        raise SubsidyError(
            _("Write down what was discussed in the intake (at least 10 characters)."), "note"
        )
    application.intake_note = note[:10000]
    _transition(actor, application, SubsidyStatus.DRAFT)
    _notify_applicant(application, "intake")
    return application


# Cost lines and documents ------------------------------------------------------------------


def check_pdf(data: bytes, field_name: str = "file") -> int:
    """The page count of a real PDF, read by its content (not its name or type header)."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise DocumentTooLarge(_("A document may be at most 10 MB."), field_name)
    if not data.startswith(b"%PDF-"):
        raise SubsidyError(_("Upload the document as a PDF file."), field_name)
    try:
        pages = len(PdfReader(io.BytesIO(data), strict=False).pages)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise SubsidyError(_("This PDF file is damaged or cannot be read."), field_name) from exc
    if pages < 1:
        raise SubsidyError(_("This PDF file has no pages."), field_name)
    return pages


def _safe_filename(name: str, fallback: str) -> str:
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if c.isprintable() and c not in '"<>|:*?').strip(". ")
    base = base[:150] or fallback
    return base if base.lower().endswith(".pdf") else base + ".pdf"


def _store(
    actor: User,
    application: SubsidyApplication,
    kind: DocumentKind,
    filename: str,
    data: bytes,
    field_name: str,
    cost_line: CostLine | None = None,
) -> SubsidyDocument:
    pages = check_pdf(data, field_name)
    key = f"subsidies/{application.id}/{uuid.uuid4().hex}.pdf"
    document = SubsidyDocument(
        application=application,
        kind=kind,
        filename=_safe_filename(filename, kind.value),
        storage_key=key,
        size=len(data),
        pages=pages,
        uploaded_by_id=actor.id,
        cost_line_id=cost_line.id if cost_line else None,
    )
    db.session.add(document)
    db.session.flush()
    put_in_transaction(key, data, "application/pdf")
    return document


def add_cost_line(
    actor: User,
    application: SubsidyApplication,
    description: str,
    category: CostCategory,
    amount_cents: int,
    includes_vat: bool = False,
    supplier: str | None = None,
    quote: tuple[str, bytes] | None = None,
) -> CostLine:
    """The applicant adds a cost from a quote, excluding VAT (VAT is never eligible)."""
    _own(actor, application)
    _editable(application)
    if includes_vat:
        raise SubsidyError(
            _(
                "Enter the amount excluding VAT: VAT is never eligible for a "
                "subsidy. Take the amount before VAT from the quote."
            ),
            "includes_vat",
        )
    description = (description or "").strip()
    if not description:
        raise SubsidyError(_("Describe the cost."), "description")
    if not 0 < amount_cents <= MAX_AMOUNT_CENTS:
        raise SubsidyError(_("Enter an amount above € 0."), "amount")
    line = CostLine(
        application=application,
        description=description[:200],
        supplier=(supplier or "").strip()[:160] or None,
        category=CostCategory(category),
        amount_cents=amount_cents,
    )
    db.session.add(line)
    db.session.flush()
    if quote is not None:
        _store(actor, application, DocumentKind.QUOTE, quote[0], quote[1], "quote", line)
    record_event(
        actor,
        "subsidy.cost_added",
        application,
        application.scheme.organisation_id,
        line=line.id,
        cents=amount_cents,
    )
    return line


def remove_cost_line(actor: User, application: SubsidyApplication, line: CostLine) -> None:
    """The applicant removes a cost line and its quote."""
    _own(actor, application)
    _editable(application)
    if line.application_id != application.id:
        raise SubsidyError(_("This cost line is not part of the application."))
    for document in list(application.documents):
        if document.cost_line_id == line.id:
            _drop_document(application, document)
    application.cost_lines.remove(line)
    db.session.flush()
    record_event(
        actor, "subsidy.cost_removed", application, application.scheme.organisation_id, line=line.id
    )


def add_quote(
    actor: User, application: SubsidyApplication, line: CostLine, filename: str, data: bytes
) -> SubsidyDocument:
    """Attach (or replace) the quote of a cost line."""
    _own(actor, application)
    _editable(application)
    if line.application_id != application.id:
        raise SubsidyError(_("This cost line is not part of the application."))
    old = [d for d in application.documents if d.cost_line_id == line.id]
    document = _store(actor, application, DocumentKind.QUOTE, filename, data, "quote", line)
    for previous in old:
        _drop_document(application, previous)
    return document


def add_document(
    actor: User, application: SubsidyApplication, kind: DocumentKind, filename: str, data: bytes
) -> SubsidyDocument:
    """The applicant uploads a document (a PDF, checked by its content)."""
    _own(actor, application)
    kind = DocumentKind(kind)
    if kind == DocumentKind.QUOTE:
        raise SubsidyError(_("Attach a quote to its cost line."), "kind")
    accounting = application.status in (SubsidyStatus.GRANTED, SubsidyStatus.ADVANCE_PAID)
    if kind == DocumentKind.ACCOUNTABILITY and not accounting:
        raise SubsidyError(_("Accountability evidence comes after the grant."), "kind")
    if kind != DocumentKind.ACCOUNTABILITY:
        _editable(application)
    document = _store(actor, application, kind, filename, data, "file")
    record_event(
        actor,
        "subsidy.document",
        application,
        application.scheme.organisation_id,
        kind=kind.value,
        document=document.id,
    )
    return document


def _drop_document(application: SubsidyApplication, document: SubsidyDocument) -> None:
    application.documents.remove(document)
    db.session.delete(document)
    delete_after_commit(document.storage_key)


def remove_document(
    actor: User, application: SubsidyApplication, document: SubsidyDocument
) -> None:
    _own(actor, application)
    _editable(application)
    if document.application_id != application.id:
        raise SubsidyError(_("This document is not part of the application."))
    _drop_document(application, document)
    db.session.flush()


def missing_items(application: SubsidyApplication) -> list[str]:
    """What the application still lacks before it can be submitted."""
    missing = []
    if not application.cost_lines:
        missing.append(_("at least one cost line from a quote"))
    quoted = {d.cost_line_id for d in application.documents if d.cost_line_id}
    for line in application.cost_lines:
        if line.id not in quoted:
            missing.append(_("the quote for “%(line)s”", line=line.description))
    present = {DocumentKind(d.kind).value for d in application.documents}
    for kind in application.scheme.required_documents:
        if kind not in present:
            missing.append(document_label(DocumentKind(kind)))
    reasoning = reasoning_of(application)
    if application.cost_lines and reasoning.amount_cents <= 0:
        missing.append(_("costs in a category this scheme covers"))
    elif application.cost_lines and reasoning.below_minimum:
        missing.append(
            _(
                "an amount of at least %(amount)s (the scheme's minimum)",
                amount=eur_filter(application.scheme.min_amount_cents),
            )
        )
    return missing


# Dossier numbers ---------------------------------------------------------------------------


def next_dossier_number(scheme: SubsidyScheme, year: int) -> str:
    """The scheme's next dossier number of the year, without gaps: the sequence row stays
    locked until the commit, so a rolled-back submission gives its number back."""
    sequence = db.session.scalar(
        sa.select(DossierSequence)
        .where(DossierSequence.scheme_id == scheme.id, DossierSequence.year == year)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if sequence is None:
        sequence = DossierSequence(scheme_id=scheme.id, year=year, next_number=1)
        db.session.add(sequence)
        db.session.flush()
    number = sequence.next_number
    sequence.next_number = number + 1
    return f"{scheme.dossier_prefix}-{year}-{number:04d}"


# The procedure -----------------------------------------------------------------------------


def _locked(application: SubsidyApplication) -> SubsidyScheme:
    """Lock the scheme, then read the application afresh: another request may have moved it."""
    scheme = lock_scheme(application.scheme_id)
    db.session.refresh(application)
    return scheme


def submit_application(
    actor: User, application: SubsidyApplication, now: datetime | None = None
) -> SubsidyApplication:
    """The applicant submits the complete application: it gets its dossier number, its place in
    the queue and its decision clock; a first-come scheme reserves the amount."""
    _own(actor, application)
    require_verified_email(actor)
    now = now or clock.now()
    on = clock.local_date(now)
    scheme = _locked(application)
    if application.status != SubsidyStatus.DRAFT:
        if application.status == SubsidyStatus.INTAKE:
            raise SubsidyError(_("The intake talk comes first: the staff will contact you."))
        raise SubsidyError(_("This application has already been submitted."))
    _check_open(scheme, on)
    _check_location(scheme, application.street_id)
    _check_start(scheme, application.work_starts_on, on)
    missing = missing_items(application)
    if missing:
        raise SubsidyError(
            _("The application is not complete yet. Missing: %(items)s.", items="; ".join(missing))
        )
    amount = reasoning_of(application).amount_cents
    if scheme.handling == Handling.FIRST_COME:
        _check_budget(scheme, application, amount)
    application.requested_cents = amount
    application.submitted_at = now
    application.dossier_number = next_dossier_number(scheme, on.year)
    _transition(
        actor,
        application,
        SubsidyStatus.SUBMITTED,
        dossier=application.dossier_number,
        cents=amount,
    )
    _notify_applicant(application, "submitted")
    _notify_staff(application, "submitted_staff", actor)
    return application


def start_review(actor: User, application: SubsidyApplication) -> SubsidyApplication:
    """Staff take a submitted application into review."""
    _staff(actor, application.scheme)
    _transition(actor, application, SubsidyStatus.IN_REVIEW)
    return application


def request_information(
    actor: User, application: SubsidyApplication, question: str, on: date | None = None
) -> SubsidyApplication:
    """Staff ask for more information: the decision clock stops until the answer."""
    _staff(actor, application.scheme)
    question = (question or "").strip()
    if len(question) < 10:
        raise SubsidyError(
            _("Say what information is needed (at least 10 characters)."), "question"
        )
    on = on or clock.today()
    _transition(actor, application, SubsidyStatus.INFO_REQUESTED, question=question[:2000])
    application.question = question[:5000]
    application.answer = None
    application.suspended_since = on
    db.session.flush()
    _notify_applicant(application, "info_requested")
    return application


def supply_information(
    actor: User, application: SubsidyApplication, answer: str, on: date | None = None
) -> SubsidyApplication:
    """The applicant answers (or staff record the answer that came in): the clock runs again,
    the deadline moved by the days it stood still; changed costs are re-reserved."""
    scheme = application.scheme
    if application.applicant_id != actor.id:
        _staff(actor, scheme)
    answer = (answer or "").strip()
    if not answer:
        raise SubsidyError(_("Write your answer."), "answer")
    on = on or clock.today()
    scheme = _locked(application)
    if application.status != SubsidyStatus.INFO_REQUESTED:
        raise SubsidyError(_("No information has been asked for."))
    missing = missing_items(application)
    if missing:
        raise SubsidyError(
            _("The application is not complete yet. Missing: %(items)s.", items="; ".join(missing))
        )
    amount = reasoning_of(application).amount_cents
    if scheme.handling == Handling.FIRST_COME and amount > application.requested_cents:
        _check_budget(scheme, application, amount)
    stood_still = max((on - application.suspended_since).days, 0)
    application.suspended_days += stood_still
    application.suspended_since = None
    application.answer = answer[:5000]
    application.requested_cents = amount
    _transition(actor, application, SubsidyStatus.IN_REVIEW, days=stood_still, cents=amount)
    _notify_staff(application, "info_supplied", actor)
    return application


def extend_deadline(
    actor: User, application: SubsidyApplication, reason: str, on: date | None = None
) -> SubsidyApplication:
    """Staff extend the decision term once, by 12 weeks, before it has run out."""
    _staff(actor, application.scheme)
    on = on or clock.today()
    if application.status not in AWAITING_DECISION:
        raise SubsidyError(_("Only an application awaiting its decision can get more time."))
    if application.extended_on is not None:
        raise SubsidyError(_("The decision term can be extended only once."))
    due = decision_deadline(application, on)
    if on > due:
        raise SubsidyError(
            _(
                "The decision term ended on %(date)s; it can only be extended before it ends.",
                date=date_filter(due),
            )
        )
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise SubsidyError(
            _("Give the reason for the extension (at least 10 characters)."), "reason"
        )
    application.extended_on = on
    application.extension_reason = reason[:500]
    db.session.flush()
    record_event(
        actor,
        "subsidy.extended",
        application,
        application.scheme.organisation_id,
        deadline=decision_deadline(application, on).isoformat(),
    )
    _notify_applicant(application, "extended")
    return application


def _decided(actor: User, application: SubsidyApplication, on: date) -> None:
    application.decided_on = on
    application.decided_by_id = actor.id


def grant(
    actor: User,
    application: SubsidyApplication,
    amount_cents: int | None = None,
    conditions: str | None = None,
    on: date | None = None,
) -> SubsidyApplication:
    """Staff grant the subsidy (at most the computed amount). The scheme row is locked and the
    ceiling checked, so two staff granting at once cannot both use the last of the budget. A
    decision after the deadline is allowed; days_late() tells by how much."""
    _staff(actor, application.scheme)
    on = on or clock.today()
    scheme = _locked(application)
    if application.status != SubsidyStatus.IN_REVIEW:
        if application.status in (SubsidyStatus.GRANTED, SubsidyStatus.REJECTED):
            raise SubsidyError(_("This application has just been decided by someone else."))
        raise SubsidyError(_("Take the application into review before deciding."))
    if (
        scheme.handling == Handling.TENDER
        and scheme.tender_deadline
        and on <= scheme.tender_deadline
    ):
        raise SubsidyError(
            _(
                "This is a tender: decide after its deadline of %(date)s, when all "
                "applications can be compared.",
                date=date_filter(scheme.tender_deadline),
            )
        )
    computed = reasoning_of(application).amount_cents
    amount = computed if amount_cents is None else amount_cents
    if amount <= 0:
        raise SubsidyError(_("Grant an amount above € 0, or reject the application."), "amount")
    if amount > computed:
        raise SubsidyError(
            _(
                "At most %(amount)s can be granted: the percentage of the eligible "
                "costs, up to the maximum per activity.",
                amount=eur_filter(computed),
            ),
            "amount",
        )
    _check_budget(scheme, application, amount, "amount")
    application.granted_cents = amount
    application.conditions = (conditions or "").strip()[:5000] or None
    _decided(actor, application, on)
    _transition(
        actor, application, SubsidyStatus.GRANTED, cents=amount, late_days=days_late(application)
    )
    ledger.book(
        scheme.organisation_id,
        "subsidy_grant",
        f"subsidy_grant:{application.id}",
        f"Subsidy granted {application.dossier_number} {application.applicant_name}",
        [
            (granted_account(scheme.id), amount),
            (payable_account(application.id), -amount),
        ],
        on,
    )
    from vrijstad.subsidies.documents import grant_letter_pdf

    with force_locale(application.applicant.locale or "nl"):
        letter = grant_letter_pdf(application)
    _notify_applicant(
        application,
        "granted",
        [(f"grant-{application.dossier_number}.pdf", "application/pdf", letter)],
        amount_cents=amount,
    )
    return application


def reject(
    actor: User, application: SubsidyApplication, reason: str, on: date | None = None
) -> SubsidyApplication:
    """Staff refuse the application, with the reason; a reservation is released."""
    _staff(actor, application.scheme)
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise SubsidyError(_("Give the reason for the refusal (at least 10 characters)."), "reason")
    on = on or clock.today()
    _locked(application)
    if application.status != SubsidyStatus.IN_REVIEW:
        raise SubsidyError(_("Take the application into review before deciding."))
    application.rejection_reason = reason[:5000]
    _decided(actor, application, on)
    _transition(actor, application, SubsidyStatus.REJECTED, late_days=days_late(application))
    application.closed_on = on
    _notify_applicant(application, "rejected")
    return application


def withdraw(actor: User, application: SubsidyApplication) -> SubsidyApplication:
    """The applicant withdraws before the decision; a reservation is released."""
    _own(actor, application)
    _locked(application)
    _transition(actor, application, SubsidyStatus.WITHDRAWN)
    application.closed_on = clock.today()
    application.suspended_since = None
    _notify_staff(application, "withdrawn_staff", actor)
    return application


def advance_of(application: SubsidyApplication) -> int:
    return (application.granted_cents or 0) * application.scheme.advance_bp // 10000


def pay_advance(
    actor: User, application: SubsidyApplication, on: date | None = None
) -> SubsidyApplication:
    """Staff pay the scheme's advance on the granted amount (booked from the bank)."""
    _staff(actor, application.scheme)
    _locked(application)  # a double click pays once
    amount = advance_of(application)
    if amount <= 0:
        raise SubsidyError(_("This scheme pays no advance."))
    on = on or clock.today()
    _transition(actor, application, SubsidyStatus.ADVANCE_PAID, cents=amount)
    application.advance_cents = amount
    application.paid_cents += amount
    db.session.flush()
    org = application.scheme.organisation_id
    ledger.book(
        org,
        "subsidy_advance",
        f"subsidy_advance:{application.id}",
        f"Subsidy advance {application.dossier_number}",
        [
            (payable_account(application.id), amount),
            (ledger.bank(org), -amount),
        ],
        on,
    )
    _notify_applicant(application, "advance_paid", amount_cents=amount)
    return application


def submit_accountability(
    actor: User,
    application: SubsidyApplication,
    actuals: dict[int, int],
    note: str,
    includes_vat: bool = False,
    on: date | None = None,
) -> SubsidyApplication:
    """The applicant accounts for the actual costs per line, excluding VAT."""
    _own(actor, application)
    if includes_vat:
        raise SubsidyError(
            _("Enter the actual costs excluding VAT: VAT is never eligible for a subsidy."),
            "includes_vat",
        )
    _locked(application)
    if application.status not in (SubsidyStatus.GRANTED, SubsidyStatus.ADVANCE_PAID):
        raise SubsidyError(_("Accountability follows the grant."))
    lines = {line.id: line for line in application.cost_lines}
    if set(actuals) != set(lines):
        raise SubsidyError(_("Enter the actual cost of every line (0 if it was not made)."))
    for cents in actuals.values():
        if not 0 <= cents <= MAX_AMOUNT_CENTS:
            raise SubsidyError(_("Actual costs cannot be negative."))
    note = (note or "").strip()
    if len(note) < 10:
        raise SubsidyError(_("Describe briefly what was done (at least 10 characters)."), "note")
    for line_id, cents in actuals.items():
        lines[line_id].actual_cents = cents
    application.accountability_note = note[:10000]
    application.accounted_on = on or clock.today()
    _transition(actor, application, SubsidyStatus.ACCOUNTED, cents=sum(actuals.values()))
    _notify_applicant(application, "accounted")
    _notify_staff(application, "accounted_staff", actor)
    return application


def settle(
    actor: User,
    application: SubsidyApplication,
    final_cents: int | None = None,
    on: date | None = None,
) -> SubsidyApplication:
    """Staff set the final amount on the actual costs (never above the grant); what was granted
    and not spent is released from the scheme's commitment."""
    _staff(actor, application.scheme)
    _locked(application)
    computed = final_reasoning_of(application).amount_cents
    amount = computed if final_cents is None else final_cents
    if not 0 <= amount <= computed:
        raise SubsidyError(
            _(
                "The final amount is between € 0 and %(amount)s: the percentage of "
                "the eligible actual costs, up to the amount granted.",
                amount=eur_filter(computed),
            ),
            "amount",
        )
    on = on or clock.today()
    _transition(actor, application, SubsidyStatus.SETTLED, cents=amount)
    application.final_cents = amount
    application.settled_on = on
    db.session.flush()
    released = application.granted_cents - amount
    if released:
        org = application.scheme.organisation_id
        ledger.book(
            org,
            "subsidy_settlement",
            f"subsidy_settlement:{application.id}",
            f"Subsidy final amount {application.dossier_number}",
            [
                (payable_account(application.id), released),
                (granted_account(application.scheme_id), -released),
            ],
            on,
        )
    _notify_applicant(application, "settled", amount_cents=amount)
    return application


def balance_due(application: SubsidyApplication) -> int:
    """After the final amount: positive still to pay, negative to reclaim."""
    return (application.final_cents or 0) - application.paid_cents


def pay_balance(
    actor: User, application: SubsidyApplication, on: date | None = None
) -> SubsidyApplication:
    """Staff pay what is left of the final amount (possibly nothing) and close the dossier."""
    _staff(actor, application.scheme)
    _locked(application)
    due = balance_due(application)
    if application.status == SubsidyStatus.SETTLED and due < 0:
        raise SubsidyError(
            _(
                "The advance was more than the final amount: reclaim %(amount)s instead.",
                amount=eur_filter(-due),
            )
        )
    on = on or clock.today()
    _transition(actor, application, SubsidyStatus.PAID, cents=due)
    application.paid_cents += due
    application.closed_on = on
    db.session.flush()
    if due:
        org = application.scheme.organisation_id
        ledger.book(
            org,
            "subsidy_payment",
            f"subsidy_payment:{application.id}",
            f"Subsidy payment {application.dossier_number}",
            [
                (payable_account(application.id), due),
                (ledger.bank(org), -due),
            ],
            on,
        )
    _notify_applicant(application, "paid", amount_cents=due)
    return application


def record_reclaim(
    actor: User, application: SubsidyApplication, on: date | None = None
) -> SubsidyApplication:
    """The recipient paid back the advance above the final amount; the dossier is closed."""
    _staff(actor, application.scheme)
    _locked(application)
    due = balance_due(application)
    if application.status == SubsidyStatus.SETTLED and due >= 0:
        raise SubsidyError(
            _("Nothing is to be reclaimed: the advance is not above the final amount.")
        )
    on = on or clock.today()
    _transition(actor, application, SubsidyStatus.RECLAIMED, cents=-due)
    application.paid_cents += due
    application.closed_on = on
    db.session.flush()
    org = application.scheme.organisation_id
    ledger.book(
        org,
        "subsidy_reclaim",
        f"subsidy_reclaim:{application.id}",
        f"Subsidy reclaimed {application.dossier_number}",
        [
            (ledger.bank(org), -due),
            (payable_account(application.id), due),
        ],
        on,
    )
    _notify_applicant(application, "reclaimed", amount_cents=-due)
    return application


# Ledger accounts ---------------------------------------------------------------------------


def granted_account(scheme_id: int) -> str:
    """What a scheme has granted (debit): its balance is the scheme's net commitment."""
    return ledger.account("subsidy_granted", "scheme", scheme_id)


def payable_account(application_id: int) -> str:
    """What is owed to a recipient (credit), or owed back by them (debit)."""
    return ledger.account("subsidy_payable", "application", application_id)
