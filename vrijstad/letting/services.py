"""Collective letting: schemes, head leases, spaces, placements and turnover reports; the draft
agreement of a placement."""

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa

from vrijstad import clock
from vrijstad.applications.services import is_landlord_side
from vrijstad.areas.models import Area
from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.billing.models import VAT_STANDARD_BP
from vrijstad.clock import add_months, month_start, next_month
from vrijstad.core import DomainError, TransitionError, check_transition
from vrijstad.extensions import db
from vrijstad.i18n import date_filter, eur_filter
from vrijstad.i18n import gettext as _
from vrijstad.letting.models import (
    HEAD_LEASE_TRANSITIONS,
    Collective,
    HeadLease,
    HeadLeaseKind,
    HeadLeaseStatus,
    LandlordRule,
    Placement,
    PlacementStatus,
    Space,
    SpaceUnit,
    TurnoverReminder,
    TurnoverReport,
    TurnoverStatus,
)
from vrijstad.organisations.models import MemberRole, Organisation
from vrijstad.organisations.services import can_manage, staff_of
from vrijstad.pdf import Document
from vrijstad.starters.models import SpaceKind
from vrijstad.storage import get_storage
from vrijstad.units.models import PermittedUse, Unit, UnitStatus

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
EVIDENCE_TYPES = {
    b"%PDF-": ("application/pdf", "pdf"),
    b"\x89PNG": ("image/png", "png"),
    b"\xff\xd8\xff": ("image/jpeg", "jpg"),
}
MAX_TURNOVER_CENTS = 100_000_000_00  # a hundred million euros a month: a typo beyond that


class LettingError(DomainError):
    """A collective-letting action was refused; field names the form field, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def can_see_placement(user: User, placement: Placement) -> bool:
    """The starter, and the landlord's side of the unit (owner, area staff, admins)."""
    if not user.is_authenticated:
        return False
    return placement.starter_id == user.id or is_landlord_side(user, placement.unit)


def kind_label(kind: SpaceKind) -> str:
    return {
        SpaceKind.WHOLE_UNIT: _("whole unit"),
        SpaceKind.SHOP_IN_SHOP: _("shop-in-shop share"),
        SpaceKind.POPUP: _("pop-up (at most two years)"),
    }[SpaceKind(kind)]


def percent(basis_points: int) -> str:
    whole, part = divmod(basis_points, 100)
    return f"{whole},{part:02d} %" if part else f"{whole} %"


def use_labels() -> dict[PermittedUse, str]:
    return {
        PermittedUse.DETAILHANDEL: _("Retail"),
        PermittedUse.DIENSTVERLENING: _("Services"),
        PermittedUse.HORECA_1: _("Horeca category 1 (light)"),
        PermittedUse.HORECA_2: _("Horeca category 2 (medium)"),
        PermittedUse.HORECA_3: _("Horeca category 3 (heavy)"),
        PermittedUse.OTHER: _("Other"),
    }


def discount_rows(placement: Placement) -> list[tuple[str, str]]:
    """The discount schedule in words: 'Months 1-6': 'rent-free', 'Months 7-8': '75 % discount'."""
    rows = []
    for step in sorted(placement.discount_schedule or (), key=lambda s: int(s["from"])):
        first, last, pct = int(step["from"]), int(step["to"]), int(step["pct_bp"])
        months = (
            _("Month %(n)d", n=first)
            if first == last
            else _("Months %(first)d–%(last)d", first=first, last=last)
        )
        rows.append(
            (
                months,
                _("rent-free")
                if pct >= 10000
                else _("%(pct)s discount on the rent", pct=percent(pct)),
            )
        )
    return rows


def agreement_pdf(placement: Placement) -> bytes:
    """The draft agreement with every term agreed: parties with KvK, unit and permitted use,
    period and notice, fee and VAT, turnover clause, indexation, discounts (months free),
    deposit and what else the offer said."""
    from vrijstad.applications.models import Offer  # applications builds on letting's models
    from vrijstad.billing.services import PAYMENT_TERM_DAYS  # billing builds on letting

    unit = placement.unit
    organisation = placement.organisation
    offer = db.session.get(Offer, placement.offer_id) if placement.offer_id else None
    doc = Document(
        _("Draft agreement — placement %(n)d", n=placement.id),
        author=organisation.name if organisation else "Vrijstad",
    )
    doc.paragraph(
        _(
            "This is a draft of the terms agreed on Vrijstad. It becomes binding only "
            "when both parties have signed the final agreement."
        )
    )
    doc.heading(_("Parties"))
    rows = [
        (_("Starter"), placement.starter_trade_name),
        (_("KvK number starter"), placement.starter_kvk or _("not yet registered")),
    ]
    rows.append((_("Landlord"), unit.owner.name))
    if organisation is not None:
        rows += [
            (_("Intermediary"), organisation.name),
            (_("KvK number intermediary"), organisation.kvk_number),
        ]
    doc.rows(rows)
    doc.heading(_("Unit"))
    rows = [
        (_("Address"), f"{unit.address}, {unit.postcode} {unit.city}"),
        (_("BAG id"), unit.bag_id or ""),
        (_("Lettable floor area"), f"{unit.floor_area_vvo} m²"),
        (_("Kind of let"), kind_label(placement.kind)),
    ]
    if placement.space is not None:
        rows.append((_("Part of the unit"), placement.space.name))
    labels = use_labels()
    rows.append(
        (
            _("Permitted use"),
            ", ".join(labels[use] for use in unit.permitted_uses)
            or _("as agreed with the landlord"),
        )
    )
    doc.rows(rows)
    doc.heading(_("Period"))
    doc.rows(
        [
            (_("Start date"), date_filter(placement.start_date)),
            (_("End date"), date_filter(placement.end_date)),
            (_("Notice"), _("none agreed: the let ends on the end date")),
        ]
    )
    doc.heading(_("Payment"))
    vat = (
        _("plus %(pct)s VAT (let with VAT)", pct=percent(VAT_STANDARD_BP))
        if placement.vat_opted
        else _("no VAT charged")
    )
    rows = [
        (
            _("Base fee per month"),
            _("%(amount)s excl. VAT", amount=eur_filter(placement.base_fee_cents_per_month)),
        ),
        (_("VAT"), vat),
    ]
    if placement.turnover_basis_points:
        pct = percent(placement.turnover_basis_points)
        rows.append(
            (
                _("Turnover clause"),
                _(
                    "%(pct)s of the gross turnover excl. VAT per month, "
                    "with the base fee as the minimum; "
                    "turnover is reported monthly with evidence.",
                    pct=pct,
                ),
            )
        )
    else:
        rows.append((_("Turnover clause"), _("none (fixed fee)")))
    rows.append((_("Indexation"), _("none: the base fee stays the same for the whole period")))
    rows.append(
        (
            _("Payment term"),
            _("monthly invoice, to be paid within %(days)d days", days=PAYMENT_TERM_DAYS),
        )
    )
    rows.append(
        (
            _("Deposit"),
            eur_filter(placement.deposit_cents) if placement.deposit_cents else _("none"),
        )
    )
    doc.rows(rows)
    discounts = discount_rows(placement)
    doc.heading(_("Discounts and months free"))
    if discounts:
        doc.paragraph(_("Counted from the first month of the placement:"))
        doc.rows(discounts)
    else:
        doc.paragraph(_("None: the full fee is due from the first month."))
    if offer is not None and offer.note:
        doc.heading(_("Further agreements"))
        doc.paragraph(offer.note)
    if placement.kind == SpaceKind.POPUP:
        doc.paragraph(
            _(
                "This is a temporary let of at most two years; it does not fall under the "
                "protection of art. 7:290 BW."
            )
        )
    doc.heading(_("Signatures"))
    doc.paragraph(_("Starter: ______________________    Date: ____________"))
    doc.paragraph(_("Landlord / intermediary: ______________________    Date: ____________"))
    return doc.output()


# Collectives and head leases ---------------------------------------------------------------


def _staff(actor: User, organisation_id: int, role: MemberRole = MemberRole.STAFF) -> None:
    if not can_manage(actor, organisation_id, role):
        raise LettingError(_("Only the organisation's staff can do this."))


def check_shares(organisation_fee_bp: int, fund_bp: int) -> None:
    if organisation_fee_bp < 0 or fund_bp < 0:
        raise LettingError(_("Percentages cannot be negative."), "organisation_fee")
    if organisation_fee_bp + fund_bp > 10000:
        raise LettingError(
            _("The organisation fee and the fund contribution together exceed 100 %."), "fund"
        )


def create_collective(
    actor: User,
    organisation: Organisation,
    area: Area,
    name: str,
    organisation_fee_bp: int,
    fund_bp: int,
    landlord_rule: LandlordRule,
) -> Collective:
    """Start a collective letting scheme in one of the organisation's areas."""
    _staff(actor, organisation.id, MemberRole.ADMIN)
    if area.organisation_id != organisation.id:
        raise LettingError(_("Choose one of your own areas."), "area_id")
    check_shares(organisation_fee_bp, fund_bp)
    name = name.strip()
    if db.session.scalar(
        sa.select(Collective.id).where(
            Collective.organisation_id == organisation.id, Collective.name == name
        )
    ):
        raise LettingError(_("A collective with this name already exists."), "name")
    collective = Collective(
        organisation_id=organisation.id,
        area_id=area.id,
        name=name,
        organisation_fee_bp=organisation_fee_bp,
        fund_bp=fund_bp,
        landlord_rule=landlord_rule,
    )
    db.session.add(collective)
    db.session.flush()
    record_event(actor, "collective.created", collective, organisation.id)
    return collective


@dataclass
class LeaseTerms:
    kind: HeadLeaseKind
    rent_cents_per_month: int
    start_date: date
    end_date: date | None = None
    landlord_share_bp: int = 0
    indexation_bp: int = 0


def add_head_lease(actor: User, collective: Collective, unit: Unit, terms: LeaseTerms) -> HeadLease:
    """The organisation takes a unit of the collective's area on a head lease (a draft)."""
    _staff(actor, collective.organisation_id)
    if unit.area_id != collective.area_id:
        raise LettingError(_("The unit must lie in the collective's area."), "unit_id")
    if terms.rent_cents_per_month < 0 or terms.rent_cents_per_month > 50_000_000:
        raise LettingError(_("Enter a monthly rent between € 0 and € 500.000."), "rent")
    if not 0 <= terms.landlord_share_bp <= 10000:
        raise LettingError(_("The landlord's share is between 0 and 100 %."), "landlord_share")
    if not 0 <= terms.indexation_bp <= 2000:
        raise LettingError(_("Indexation is between 0 and 20 % a year."), "indexation")
    if terms.end_date is not None and terms.end_date <= terms.start_date:
        raise LettingError(_("The end date must be after the start date."), "end_date")
    current = db.session.scalar(
        sa.select(HeadLease.id).where(
            HeadLease.unit_id == unit.id, HeadLease.status != HeadLeaseStatus.ENDED
        )
    )
    if current:
        raise LettingError(_("This unit already has a head lease; end it first."), "unit_id")
    lease = HeadLease(
        collective_id=collective.id,
        unit_id=unit.id,
        landlord_id=unit.owner_id,
        kind=terms.kind,
        rent_cents_per_month=terms.rent_cents_per_month,
        landlord_share_bp=terms.landlord_share_bp if terms.kind == HeadLeaseKind.TURNOVER else 0,
        indexation_bp=terms.indexation_bp,
        start_date=terms.start_date,
        end_date=terms.end_date,
    )
    db.session.add(lease)
    db.session.flush()
    record_event(actor, "head_lease.created", lease, collective.organisation_id, unit=unit.id)
    return lease


def head_lease_label(status: HeadLeaseStatus) -> str:
    return {
        HeadLeaseStatus.DRAFT: _("draft"),
        HeadLeaseStatus.SIGNED: _("signed"),
        HeadLeaseStatus.ACTIVE: _("active"),
        HeadLeaseStatus.ENDED: _("ended"),
    }[HeadLeaseStatus(status)]


def change_head_lease(actor: User, lease: HeadLease, target: HeadLeaseStatus) -> HeadLease:
    """Move a head lease along draft → signed → active → ended."""
    _staff(actor, lease.collective.organisation_id)
    try:
        check_transition(HEAD_LEASE_TRANSITIONS, lease.status, target)
    except TransitionError as exc:
        raise LettingError(
            _(
                "A head lease that is %(current)s cannot become %(target)s.",
                current=head_lease_label(lease.status),
                target=head_lease_label(target),
            )
        ) from exc
    previous = lease.status
    lease.status = target
    db.session.flush()
    record_event(
        actor,
        "head_lease.status",
        lease,
        lease.collective.organisation_id,
        old=previous.value,
        new=target.value,
    )
    return lease


def collective_of(unit_id: int) -> Collective | None:
    """The collective that lets a unit now (through a signed or active head lease)."""
    return db.session.scalar(
        sa.select(Collective)
        .join(HeadLease)
        .where(
            HeadLease.unit_id == unit_id,
            HeadLease.status.in_((HeadLeaseStatus.SIGNED, HeadLeaseStatus.ACTIVE)),
        )
    )


# Spaces and placements ---------------------------------------------------------------------


def add_space(actor: User, unit: Unit, name: str, measure: SpaceUnit, size: int) -> Space:
    """Divide a unit into a space let on its own (shop-in-shop)."""
    if unit.area is None:
        raise LettingError(_("Only units in an organisation's area can be divided."))
    _staff(actor, unit.area.organisation_id)
    if size < 1:
        raise LettingError(_("A space has a size of at least 1."), "size")
    if measure == SpaceUnit.M2:
        taken = db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(Space.size), 0)).where(
                Space.unit_id == unit.id, Space.measure == SpaceUnit.M2
            )
        )
        if size + taken > unit.floor_area_vvo:
            raise LettingError(
                _("The spaces would be larger than the unit (%(n)d m²).", n=unit.floor_area_vvo),
                "size",
            )
    name = name.strip()
    if not name or db.session.scalar(
        sa.select(Space.id).where(Space.unit_id == unit.id, Space.name == name)
    ):
        raise LettingError(_("Give the space a name of its own."), "name")
    space = Space(unit_id=unit.id, name=name[:80], measure=measure, size=size)
    db.session.add(space)
    db.session.flush()
    record_event(actor, "space.created", space, unit.area.organisation_id, unit=unit.id)
    return space


def overlapping_placement(
    unit_id: int, space_id: int | None, start: date, end: date, ignore_id: int | None = None
) -> Placement | None:
    """A current placement that shares days with the period on the same unit or space.

    A whole-unit placement clashes with any other; a space clashes with the whole unit and
    with the same space."""
    query = sa.select(Placement).where(
        Placement.unit_id == unit_id,
        Placement.status != PlacementStatus.ENDED,
        Placement.start_date < end,
        Placement.end_date > start,
    )
    if space_id is not None:
        query = query.where(sa.or_(Placement.space_id.is_(None), Placement.space_id == space_id))
    if ignore_id is not None:
        query = query.where(Placement.id != ignore_id)
    return db.session.scalars(query.limit(1)).first()


@dataclass
class PlacementTerms:
    start_date: date
    end_date: date
    base_fee_cents_per_month: int
    turnover_basis_points: int = 0
    deposit_cents: int = 0
    kind: SpaceKind = SpaceKind.POPUP
    discount_schedule: list = field(default_factory=list)


def check_discount_schedule(schedule: list) -> list:
    """Steps {from, to, pct_bp}: months from 1, not overlapping, 0–100 %."""
    months: set[int] = set()
    clean = []
    for step in schedule:
        start, end, pct = int(step["from"]), int(step["to"]), int(step["pct_bp"])
        if start < 1 or end < start or not 0 <= pct <= 10000:
            raise LettingError(
                _(
                    "Each discount step runs from month 1 or later, ends after it "
                    "starts, and is between 0 and 100 %."
                ),
                "discount",
            )
        span = set(range(start, end + 1))
        if months & span:
            raise LettingError(_("Discount steps may not overlap."), "discount")
        months |= span
        clean.append({"from": start, "to": end, "pct_bp": pct})
    return clean


def place_starter(
    actor: User, unit: Unit, starter: User, terms: PlacementTerms, space: Space | None = None
) -> Placement:
    """Staff place a starter in a collective's unit or space directly (e.g. a contest winner)."""
    if unit.area is None:
        raise LettingError(_("Only units in an organisation's area take direct placements."))
    _staff(actor, unit.area.organisation_id)
    if not starter.is_starter:
        raise LettingError(_("Choose a starter account."), "starter")
    if space is not None and space.unit_id != unit.id:
        raise LettingError(_("Choose a space of this unit."), "space_id")
    if terms.end_date <= terms.start_date:
        raise LettingError(_("The end date must be after the start date."), "end_date")
    if terms.base_fee_cents_per_month < 0 or not 0 <= terms.turnover_basis_points <= 10000:
        raise LettingError(
            _("Enter a fee of at least € 0 and a turnover share of 0–100 %."), "base_fee"
        )
    schedule = check_discount_schedule(terms.discount_schedule)
    clash = overlapping_placement(
        unit.id, space.id if space else None, terms.start_date, terms.end_date
    )
    if clash is not None:
        raise LettingError(
            _(
                "This overlaps with the placement of %(name)s (%(start)s – %(end)s).",
                name=clash.starter_trade_name,
                start=date_filter(clash.start_date),
                end=date_filter(clash.end_date),
            ),
            "start_date",
        )
    from vrijstad.starters.services import profile_of

    profile = profile_of(starter)
    placement = Placement(
        unit_id=unit.id,
        starter_id=starter.id,
        organisation_id=unit.area.organisation_id,
        space_id=space.id if space else None,
        kind=SpaceKind.SHOP_IN_SHOP if space else terms.kind,
        start_date=terms.start_date,
        end_date=terms.end_date,
        base_fee_cents_per_month=terms.base_fee_cents_per_month,
        turnover_basis_points=terms.turnover_basis_points,
        deposit_cents=terms.deposit_cents,
        discount_schedule=schedule,
        vat_opted=unit.vat_opted,
        starter_trade_name=(profile.trade_name if profile and profile.trade_name else starter.name),
        starter_kvk=profile.kvk_number if profile else None,
    )
    db.session.add(placement)
    if space is None and unit.status in (
        UnitStatus.LISTED,
        UnitStatus.IN_TALKS,
        UnitStatus.RESERVED,
    ):
        unit.status = UnitStatus.LET
        unit.vacant_since = None
    db.session.flush()
    record_event(
        actor,
        "placement.created",
        placement,
        placement.organisation_id,
        unit=unit.id,
        space=space.id if space else None,
    )
    return placement


# Turnover reports --------------------------------------------------------------------------


def report_deadline(period: date) -> date:
    """Reports are due on the 10th of the following month."""
    return next_month(period).replace(day=10)


def period_is_closed(placement: Placement, period: date) -> bool:
    """A month is closed for reporting once its invoice has been issued."""
    from vrijstad.billing.models import Invoice

    return bool(
        db.session.scalar(
            sa.select(Invoice.id).where(
                Invoice.placement_id == placement.id, Invoice.period == period
            )
        )
    )


def _evidence_type(data: bytes) -> tuple[str, str]:
    for magic, kind in EVIDENCE_TYPES.items():
        if data.startswith(magic):
            return kind
    raise LettingError(_("Evidence must be a PDF, PNG or JPEG file."), "evidence")


def reportable_months(placement: Placement, today: date) -> list[date]:
    """The months of a placement whose turnover can be reported on `today`, latest first: the
    finished months from the placement's first to its last."""
    first = month_start(placement.start_date)
    month = min(add_months(month_start(today), -1), month_start(placement.end_date))
    months = []
    while month >= first:
        months.append(month)
        month = add_months(month, -1)
    return months


def submit_turnover(
    starter: User,
    placement: Placement,
    period: date,
    turnover_cents: int,
    evidence: tuple[str, bytes] | None = None,
) -> TurnoverReport:
    """A starter reports a month's gross turnover excl. VAT, with evidence."""
    if placement.starter_id != starter.id:
        raise LettingError(_("This is not your placement."))
    if not placement.turnover_basis_points:
        raise LettingError(_("This placement has a fixed rent; no turnover report is needed."))
    period = month_start(period)
    if not month_start(placement.start_date) <= period <= month_start(placement.end_date):
        raise LettingError(_("Report a month within your placement."), "period")
    if period >= month_start(clock.today()):
        raise LettingError(_("A month can be reported once it is over."), "period")
    if turnover_cents < 0:
        raise LettingError(_("Turnover cannot be negative."), "turnover")
    if turnover_cents > MAX_TURNOVER_CENTS:
        raise LettingError(_("That turnover is implausibly high; check the amount."), "turnover")
    if period_is_closed(placement, period):
        raise LettingError(_("This month is closed: its invoice has been issued."), "period")
    report = db.session.scalar(
        sa.select(TurnoverReport).where(
            TurnoverReport.placement_id == placement.id, TurnoverReport.period == period
        )
    )
    if report is not None and report.status == TurnoverStatus.CHECKED:
        raise LettingError(
            _("This month's report has been checked and can no longer change."), "period"
        )
    if evidence is None and (report is None or not report.evidence_key):
        raise LettingError(
            _("Add evidence: a till report or bank statement (PDF or image)."), "evidence"
        )
    if report is None:
        report = TurnoverReport(placement_id=placement.id, period=period, turnover_cents=0)
        db.session.add(report)
    report.turnover_cents = turnover_cents
    report.status = TurnoverStatus.SUBMITTED
    report.submitted_at = clock.now()
    report.question = None
    if evidence is not None:
        filename, data = evidence
        if len(data) > MAX_EVIDENCE_BYTES:
            raise LettingError(_("Evidence may be at most 10 MB."), "evidence")
        content_type, ext = _evidence_type(data)
        key = f"turnover/{placement.id}/{uuid.uuid4().hex}.{ext}"
        get_storage().put(key, data, content_type)
        report.evidence_key = key
        report.evidence_filename = (
            (filename or f"evidence.{ext}").replace("\\", "/").rsplit("/", 1)[-1][:200]
        )
    db.session.flush()
    record_event(
        starter,
        "turnover.submitted",
        report,
        placement.organisation_id,
        period=period.isoformat(),
        cents=turnover_cents,
    )
    return report


def review_turnover(
    actor: User, report: TurnoverReport, question: str | None = None
) -> TurnoverReport:
    """Staff accept a report as checked, or question it (the starter then resubmits)."""
    placement = report.placement
    if placement.organisation_id is None:
        raise LettingError(_("Only the organisation's staff can do this."))
    _staff(actor, placement.organisation_id)
    if report.status == TurnoverStatus.CHECKED:
        raise LettingError(_("This report has already been checked."))
    if question and question.strip():
        report.status = TurnoverStatus.QUESTIONED
        report.question = question.strip()[:1000]
    else:
        report.status = TurnoverStatus.CHECKED
        report.checked_by_id = actor.id
    db.session.flush()
    record_event(
        actor, "turnover.reviewed", report, placement.organisation_id, status=report.status.value
    )
    return report


def placements_needing_reports(organisation_id: int, period: date) -> sa.Select:
    """Current turnover placements of an organisation running in the month."""
    end = next_month(period)
    return sa.select(Placement).where(
        Placement.organisation_id == organisation_id,
        Placement.turnover_basis_points > 0,
        Placement.status != PlacementStatus.ENDED,
        Placement.start_date < end,
        Placement.end_date > period,
    )


def missing_reports(organisation_id: int, period: date) -> list[Placement]:
    """Turnover placements of the month without a report: shown to staff."""
    reported = sa.select(TurnoverReport.placement_id).where(TurnoverReport.period == period)
    return list(
        db.session.scalars(
            placements_needing_reports(organisation_id, period)
            .where(Placement.id.not_in(reported))
            .order_by(Placement.id)
        )
    )


#: Days before the deadline that the starter is reminded of a report not yet sent.
REMIND_DAYS_BEFORE = 3


def send_turnover_reminders(today: date) -> list[TurnoverReminder]:
    """Last month's report: a reminder in the days before its deadline, a notice (to the
    starter and the organisation's staff) once it has passed. Each once; run daily."""
    from vrijstad.notifications.services import notify

    period = month_start(month_start(today) - timedelta(days=1))
    deadline = report_deadline(period)
    if today > deadline:
        kind = "late"
    elif today >= deadline - timedelta(days=REMIND_DAYS_BEFORE):
        kind = "due"
    else:
        return []
    reported = sa.select(TurnoverReport.placement_id).where(TurnoverReport.period == period)
    reminded = sa.select(TurnoverReminder.placement_id).where(
        TurnoverReminder.period == period, TurnoverReminder.kind == kind
    )
    end = next_month(period)
    placements = db.session.scalars(
        sa.select(Placement)
        .where(
            Placement.turnover_basis_points > 0,
            Placement.status != PlacementStatus.ENDED,
            Placement.start_date < end,
            Placement.end_date > period,
            Placement.id.not_in(reported),
            Placement.id.not_in(reminded),
        )
        .order_by(Placement.id)
    ).all()
    sent = []
    for placement in placements:
        reminder = TurnoverReminder(
            placement_id=placement.id, period=period, kind=kind, sent_on=today
        )
        db.session.add(reminder)
        sent.append(reminder)
        data = {
            "month": period.strftime("%m-%Y"),
            "deadline": date_filter(deadline),
            "unit": placement.unit.address,
            "starter": placement.starter_trade_name,
        }
        starter = db.session.get(User, placement.starter_id)
        notify([starter], f"turnover.{kind}", "letting.my_placements", {}, data)
        if kind == "late":
            staff = staff_of(placement.organisation_id)
            notify(
                staff,
                "turnover.late_staff",
                "letting.collectives",
                {"organisation_id": placement.organisation_id},
                data,
            )
    db.session.flush()
    return sent


def turnover_label(status: TurnoverStatus) -> str:
    return {
        TurnoverStatus.SUBMITTED: _("submitted"),
        TurnoverStatus.QUESTIONED: _("questioned"),
        TurnoverStatus.CHECKED: _("checked"),
    }[TurnoverStatus(status)]
