"""Subsidy schemes with their rules as data, and applications through the whole procedure.

A scheme belongs to an organisation (which handles or tracks it); its rules are columns, so a
preset is only a set of values. An application runs intake → draft → submitted (dossier number,
the decision clock starts) → in review ⇄ information requested (the clock is suspended) →
granted | rejected → advance paid → accounted → settled → paid | reclaimed.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel.speaklater import LazyString
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vrijstad import clock, labels
from vrijstad.core import enum_type
from vrijstad.extensions import db
from vrijstad.i18n import eur_filter
from vrijstad.i18n import gettext as _
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.subsidies import notice_texts  # noqa: F401 - registers the notices' sentences
from vrijstad.workflow import Workflow

if TYPE_CHECKING:
    from vrijstad.areas.models import Area, Street
    from vrijstad.auth.models import User
    from vrijstad.extensions import Base as Model
    from vrijstad.organisations.models import Organisation
else:
    Model = db.Model


class Provider(StrEnum):
    PROVINCE = "province"
    MUNICIPALITY = "municipality"
    ORGANISATION = "organisation"


class Handling(StrEnum):
    FIRST_COME = "first_come"  # in order of complete submission, until the ceiling
    TENDER = "tender"  # collected until a deadline, then compared and decided


class ApplicantKind(StrEnum):
    LANDLORD = "landlord"
    STARTER = "starter"
    GROUP = "group"  # a group of entrepreneurs (association, street committee)
    ORGANISATION = "organisation"  # a city-centre organisation or municipality


class CostCategory(StrEnum):
    RESEARCH = "research"
    PROCESS_SUPPORT = "process_support"
    ORGANISING = "organising"  # organising entrepreneurs
    SUSTAINABILITY = "sustainability"
    FACADE = "facade"
    FIT_OUT = "fit_out"
    RENT = "rent"
    MARKETING = "marketing"


class DocumentKind(StrEnum):
    KVK_EXTRACT = "kvk_extract"
    BUDGET = "budget"
    PLAN = "plan"
    LEASE = "lease"
    QUOTE = "quote"  # attached to a cost line
    ACCOUNTABILITY = "accountability"  # invoices, photos, report at the end


class Preset(StrEnum):
    """The ready-made schemes an organisation can start from."""

    HIRB_PLUS = "hirb_plus"
    FACADE = "facade"
    STARTER_RENT = "starter_rent"


class SubsidyStatus(StrEnum):
    INTAKE = "intake"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    INFO_REQUESTED = "info_requested"
    GRANTED = "granted"
    REJECTED = "rejected"
    ADVANCE_PAID = "advance_paid"
    ACCOUNTED = "accounted"
    SETTLED = "settled"
    PAID = "paid"
    RECLAIMED = "reclaimed"
    WITHDRAWN = "withdrawn"


S = SubsidyStatus
#: The subsidy procedure; every status change goes through this table.
SUBSIDY_TRANSITIONS: dict[SubsidyStatus, frozenset[SubsidyStatus]] = {
    S.INTAKE: frozenset({S.DRAFT, S.WITHDRAWN}),
    S.DRAFT: frozenset({S.SUBMITTED, S.WITHDRAWN}),
    S.SUBMITTED: frozenset({S.IN_REVIEW, S.INFO_REQUESTED, S.WITHDRAWN}),
    S.IN_REVIEW: frozenset({S.INFO_REQUESTED, S.GRANTED, S.REJECTED, S.WITHDRAWN}),
    S.INFO_REQUESTED: frozenset({S.IN_REVIEW, S.WITHDRAWN}),
    S.GRANTED: frozenset({S.ADVANCE_PAID, S.ACCOUNTED}),
    S.ADVANCE_PAID: frozenset({S.ACCOUNTED}),
    S.ACCOUNTED: frozenset({S.SETTLED}),
    S.SETTLED: frozenset({S.PAID, S.RECLAIMED}),
    S.PAID: frozenset(),
    S.RECLAIMED: frozenset(),
    S.REJECTED: frozenset(),
    S.WITHDRAWN: frozenset(),
}
SUBSIDY_FLOW = Workflow("subsidy", SUBSIDY_TRANSITIONS)
#: Waiting for a decision: the decision clock runs (or is suspended).
AWAITING_DECISION = (S.SUBMITTED, S.IN_REVIEW, S.INFO_REQUESTED)
#: Granted and not yet settled: the granted amount is committed.
GRANTED_OPEN = (S.GRANTED, S.ADVANCE_PAID, S.ACCOUNTED)
#: Settled: the final amount is committed.
SETTLED_STATES = (S.SETTLED, S.PAID, S.RECLAIMED)
#: The applicant may still change cost lines and documents.
EDITABLE = (S.INTAKE, S.DRAFT, S.INFO_REQUESTED)

STATUS_LABELS = labels.register(
    SubsidyStatus,
    {
        S.INTAKE: _l("intake"),
        S.DRAFT: _l("draft"),
        S.SUBMITTED: _l("submitted"),
        S.IN_REVIEW: _l("in review"),
        S.INFO_REQUESTED: _l("information requested"),
        S.GRANTED: _l("granted"),
        S.REJECTED: _l("rejected"),
        S.ADVANCE_PAID: _l("advance paid"),
        S.ACCOUNTED: _l("accounted for"),
        S.SETTLED: _l("final amount set"),
        S.PAID: _l("paid"),
        S.RECLAIMED: _l("reclaimed"),
        S.WITHDRAWN: _l("withdrawn"),
    },
)
labels.register(
    ApplicantKind,
    {
        ApplicantKind.LANDLORD: _l("landlord"),
        ApplicantKind.STARTER: _l("starter"),
        ApplicantKind.GROUP: _l("group of entrepreneurs"),
        ApplicantKind.ORGANISATION: _l("organisation or municipality"),
    },
)
labels.register(
    CostCategory,
    {
        CostCategory.RESEARCH: _l("research"),
        CostCategory.PROCESS_SUPPORT: _l("process support"),
        CostCategory.ORGANISING: _l("organising entrepreneurs"),
        CostCategory.SUSTAINABILITY: _l("sustainability"),
        CostCategory.FACADE: _l("facade and shopfront"),
        CostCategory.FIT_OUT: _l("fit-out of the shop"),
        CostCategory.RENT: _l("rent"),
        CostCategory.MARKETING: _l("area marketing"),
    },
)
labels.register(
    DocumentKind,
    {
        DocumentKind.KVK_EXTRACT: _l("KvK extract"),
        DocumentKind.BUDGET: _l("budget"),
        DocumentKind.PLAN: _l("plan"),
        DocumentKind.LEASE: _l("lease"),
        DocumentKind.QUOTE: _l("quote"),
        DocumentKind.ACCOUNTABILITY: _l("accountability evidence"),
    },
)
labels.register(
    Provider,
    {
        Provider.PROVINCE: _l("province"),
        Provider.MUNICIPALITY: _l("municipality"),
        Provider.ORGANISATION: _l("city-centre organisation"),
    },
)
labels.register(
    Handling,
    {
        Handling.FIRST_COME: _l("first come, first served until the budget is used"),
        Handling.TENDER: _l("tender: applications compared after the deadline"),
    },
)
# The presets name their cap in euros, formatted in the reader's language when shown.
labels.register(
    Preset,
    {
        Preset.HIRB_PLUS: LazyString(
            lambda: _(
                "HIRB+ Toekomstbestendige Winkelgebieden (province, 50 %%, at most "
                "%(cap)s per activity, first come first served)",
                cap=eur_filter(25_000_00),
            )
        ),
        Preset.FACADE: LazyString(
            lambda: _(
                "Facade scheme in the style of Werk aan de winkel (municipality, 50 %%, "
                "at most %(cap)s, listed streets only)",
                cap=eur_filter(12_500_00),
            )
        ),
        Preset.STARTER_RENT: LazyString(
            lambda: _(
                "Starter rent subsidy (municipality, 50 %% of the first year's rent, at most "
                "%(cap)s)",
                cap=eur_filter(6_000_00),
            )
        ),
    },
)


scheme_areas = sa.Table(
    "subsidy_scheme_areas",
    db.metadata,
    sa.Column(
        "scheme_id", sa.ForeignKey("subsidy_schemes.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("area_id", sa.ForeignKey("areas.id", ondelete="CASCADE"), primary_key=True),
)

scheme_streets = sa.Table(
    "subsidy_scheme_streets",
    db.metadata,
    sa.Column(
        "scheme_id", sa.ForeignKey("subsidy_schemes.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("street_id", sa.ForeignKey("streets.id", ondelete="CASCADE"), primary_key=True),
)


class SubsidyScheme(Model):
    """A subsidy scheme and its rules: percentage, caps, ceiling, who and what is eligible."""

    __tablename__ = "subsidy_schemes"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(160))
    #: Which preset it was made from ("hirb_plus", "facade", "starter_rent"), if any.
    preset: Mapped[str | None] = mapped_column(sa.String(40))
    provider: Mapped[Provider] = mapped_column(enum_type(Provider))
    provider_name: Mapped[str] = mapped_column(sa.String(160))
    description: Mapped[str | None] = mapped_column(sa.Text)
    #: Share of the eligible costs, in basis points (5000 = 50 %).
    percentage_bp: Mapped[int]
    max_per_activity_cents: Mapped[int] = mapped_column(sa.BigInteger)
    min_amount_cents: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    budget_cents: Mapped[int] = mapped_column(sa.BigInteger)
    handling: Mapped[Handling] = mapped_column(enum_type(Handling))
    #: A tender takes applications up to and including this day.
    tender_deadline: Mapped[date | None]
    applicant_kinds: Mapped[list] = mapped_column(sa.JSON, default=list)
    cost_categories: Mapped[list] = mapped_column(sa.JSON, default=list)
    required_documents: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: Work may not start before the application; lead_days is the minimum time in between.
    apply_before_start: Mapped[bool] = mapped_column(default=True)
    lead_days: Mapped[int] = mapped_column(default=0)
    #: The advance paid after the grant, in basis points of the granted amount (0: none).
    advance_bp: Mapped[int] = mapped_column(default=0)
    dossier_prefix: Mapped[str] = mapped_column(sa.String(12))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=clock.now, onupdate=clock.now
    )

    organisation: Mapped[Organisation] = relationship()
    areas: Mapped[list[Area]] = relationship(secondary=scheme_areas, order_by="Area.name")
    streets: Mapped[list[Street]] = relationship(secondary=scheme_streets, order_by="Street.name")

    @property
    def kinds(self) -> list[ApplicantKind]:
        """Who may apply, as members of the enum (the column keeps their values)."""
        return [ApplicantKind(k) for k in self.applicant_kinds]

    @property
    def categories(self) -> list[CostCategory]:
        return [CostCategory(c) for c in self.cost_categories]

    @property
    def documents_required(self) -> list[DocumentKind]:
        return [DocumentKind(d) for d in self.required_documents]

    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "name", name="scheme_name_per_org"),
        sa.CheckConstraint("percentage_bp BETWEEN 1 AND 10000", name="scheme_pct_range"),
        sa.CheckConstraint("max_per_activity_cents > 0", name="scheme_cap_positive"),
        sa.CheckConstraint("min_amount_cents >= 0", name="scheme_min_not_negative"),
        sa.CheckConstraint("budget_cents > 0", name="scheme_budget_positive"),
        sa.CheckConstraint("advance_bp BETWEEN 0 AND 10000", name="scheme_advance_range"),
        sa.CheckConstraint("lead_days BETWEEN 0 AND 365", name="scheme_lead_days_range"),
    )


class DossierSequence(Model):
    """The next dossier number of a scheme in a year; locked while an application is numbered."""

    __tablename__ = "subsidy_dossier_sequences"

    scheme_id: Mapped[int] = mapped_column(
        sa.ForeignKey("subsidy_schemes.id", ondelete="CASCADE"), primary_key=True
    )
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    next_number: Mapped[int] = mapped_column(default=1)


class SubsidyApplication(Model):
    """An application for a scheme: the project, its costs and documents, and the procedure."""

    __tablename__ = "subsidy_applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(
        sa.ForeignKey("subsidy_schemes.id", ondelete="CASCADE"), index=True
    )
    applicant_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    applicant_kind: Mapped[ApplicantKind] = mapped_column(enum_type(ApplicantKind))
    applicant_organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="SET NULL")
    )
    #: The legal applicant and its KvK number (grants are recorded against it: de-minimis).
    applicant_name: Mapped[str] = mapped_column(sa.String(160))
    applicant_kvk: Mapped[str] = mapped_column(sa.String(8))
    title: Mapped[str] = mapped_column(sa.String(160))
    description: Mapped[str] = mapped_column(sa.Text)
    street_id: Mapped[int | None] = mapped_column(sa.ForeignKey("streets.id", ondelete="SET NULL"))
    address: Mapped[str | None] = mapped_column(sa.String(160))
    work_starts_on: Mapped[date]
    status: Mapped[SubsidyStatus] = mapped_column(
        enum_type(SubsidyStatus), default=SubsidyStatus.INTAKE
    )
    intake_note: Mapped[str | None] = mapped_column(sa.Text)
    dossier_number: Mapped[str | None] = mapped_column(sa.String(40))
    #: The moment the complete application came in: first come, first served; the clock starts.
    submitted_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: The amount computed at submission (reserved against the ceiling in first-come schemes).
    requested_cents: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    #: Days the decision clock stood still for information requests, and the running one.
    suspended_days: Mapped[int] = mapped_column(default=0)
    suspended_since: Mapped[date | None]
    question: Mapped[str | None] = mapped_column(sa.Text)
    answer: Mapped[str | None] = mapped_column(sa.Text)
    extended_on: Mapped[date | None]
    extension_reason: Mapped[str | None] = mapped_column(sa.String(500))
    decided_on: Mapped[date | None]
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    granted_cents: Mapped[int | None] = mapped_column(sa.BigInteger)
    #: Other de-minimis aid the applicant declares for this and the two previous years.
    other_de_minimis_cents: Mapped[int] = mapped_column(
        sa.BigInteger, default=0, server_default="0"
    )
    conditions: Mapped[str | None] = mapped_column(sa.Text)
    rejection_reason: Mapped[str | None] = mapped_column(sa.Text)
    advance_cents: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    accountability_note: Mapped[str | None] = mapped_column(sa.Text)
    accounted_on: Mapped[date | None]
    final_cents: Mapped[int | None] = mapped_column(sa.BigInteger)
    settled_on: Mapped[date | None]
    #: What the recipient has received on balance: the advance, the rest, less a reclaim.
    paid_cents: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    closed_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=clock.now, onupdate=clock.now
    )

    scheme: Mapped[SubsidyScheme] = relationship()
    applicant: Mapped[User] = relationship(foreign_keys=[applicant_id])
    street: Mapped[Street | None] = relationship()
    cost_lines: Mapped[list[CostLine]] = relationship(
        back_populates="application", order_by="CostLine.id", cascade="all, delete-orphan"
    )
    documents: Mapped[list[SubsidyDocument]] = relationship(
        back_populates="application", order_by="SubsidyDocument.id", cascade="all, delete-orphan"
    )

    @property
    def location(self) -> str:
        """The address and the street, the street only when the address does not name it
        ("Kerkstraat 4", not "Kerkstraat 4 Kerkstraat")."""
        street = self.street.name if self.street else None
        if self.address and street and street.casefold() in self.address.casefold():
            street = None
        return ", ".join(part for part in (self.address, street) if part)

    __table_args__ = (
        sa.UniqueConstraint("scheme_id", "dossier_number", name="dossier_number_per_scheme"),
        sa.CheckConstraint("requested_cents >= 0", name="requested_not_negative"),
        sa.CheckConstraint("granted_cents IS NULL OR granted_cents >= 0", name="granted_positive"),
        sa.CheckConstraint(
            "final_cents IS NULL OR (final_cents >= 0 AND final_cents <= granted_cents)",
            name="final_within_grant",
        ),
        sa.CheckConstraint("advance_cents >= 0", name="advance_not_negative"),
        sa.CheckConstraint("paid_cents >= 0", name="paid_not_negative"),
        sa.CheckConstraint("suspended_days >= 0", name="suspended_days_not_negative"),
        sa.CheckConstraint("other_de_minimis_cents >= 0", name="other_de_minimis_not_negative"),
        sa.Index("ix_subsidy_applications_queue", "scheme_id", "submitted_at"),
    )


class CostLine(Model):
    """One cost item from a quote, excluding VAT; the actual cost is added at accountability."""

    __tablename__ = "subsidy_cost_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("subsidy_applications.id", ondelete="CASCADE"), index=True
    )
    description: Mapped[str] = mapped_column(sa.String(200))
    supplier: Mapped[str | None] = mapped_column(sa.String(160))
    category: Mapped[CostCategory] = mapped_column(enum_type(CostCategory))
    amount_cents: Mapped[int] = mapped_column(sa.BigInteger)
    actual_cents: Mapped[int | None] = mapped_column(sa.BigInteger)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)

    application: Mapped[SubsidyApplication] = relationship(back_populates="cost_lines")
    quote: Mapped[SubsidyDocument | None] = relationship(viewonly=True, uselist=False)

    __table_args__ = (
        sa.CheckConstraint("amount_cents > 0", name="cost_positive"),
        sa.CheckConstraint("actual_cents IS NULL OR actual_cents >= 0", name="actual_not_negative"),
    )


class SubsidyDocument(Model):
    """A PDF belonging to an application: KvK extract, budget, plan, lease, a line's quote."""

    __tablename__ = "subsidy_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("subsidy_applications.id", ondelete="CASCADE"), index=True
    )
    cost_line_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("subsidy_cost_lines.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[DocumentKind] = mapped_column(enum_type(DocumentKind))
    filename: Mapped[str] = mapped_column(sa.String(200))
    storage_key: Mapped[str] = mapped_column(sa.String(200))
    size: Mapped[int]
    pages: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)

    application: Mapped[SubsidyApplication] = relationship(back_populates="documents")
