"""Collective letting: schemes, head leases, spaces and direct placements.

The feature's other rooms: ``placements`` (the one constructor of placements), ``turnover``
(turnover reports and reminders) and ``agreement`` (the draft agreement PDF). Their public
names are importable from here as well.
"""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from vrijstad import labels
from vrijstad.areas.models import Area
from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.clock import next_month
from vrijstad.core import TransitionError
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _
from vrijstad.letting.agreement import (
    agreement_pdf,
    discount_rows,
    kind_label,
    percent,
    use_labels,
)
from vrijstad.letting.errors import LettingError
from vrijstad.letting.models import (
    HEAD_LEASE_FLOW,
    Collective,
    HeadLease,
    HeadLeaseKind,
    HeadLeaseStatus,
    LandlordRule,
    Placement,
    Space,
    SpaceUnit,
    collective_letting,
)
from vrijstad.letting.placements import (
    PlacementTerms,
    check_discount_schedule,
    create_placement,
    overlapping_placement,
    start_placements,
)
from vrijstad.letting.turnover import (
    EVIDENCE_TYPES,
    MAX_EVIDENCE_BYTES,
    MAX_TURNOVER_CENTS,
    REMIND_DAYS_BEFORE,
    last_month,
    missing_reports,
    period_is_closed,
    placements_needing_reports,
    report_deadline,
    reportable_months,
    review_turnover,
    send_turnover_reminders,
    staff_only,
    submit_turnover,
    turnover_label,
)
from vrijstad.organisations.models import MemberRole, Organisation
from vrijstad.units.models import Unit
from vrijstad.units.services import is_landlord_side

__all__ = [
    "EVIDENCE_TYPES",
    "MAX_EVIDENCE_BYTES",
    "MAX_TURNOVER_CENTS",
    "REMIND_DAYS_BEFORE",
    "LeaseTerms",
    "LettingError",
    "PlacementTerms",
    "add_head_lease",
    "add_space",
    "agreement_pdf",
    "can_see_placement",
    "change_head_lease",
    "check_discount_schedule",
    "check_shares",
    "collective_of",
    "create_collective",
    "create_placement",
    "discount_rows",
    "head_lease_label",
    "kind_label",
    "missing_reports",
    "next_month",
    "overlapping_placement",
    "percent",
    "period_is_closed",
    "place_starter",
    "placements_needing_reports",
    "last_month",
    "report_deadline",
    "reportable_months",
    "review_turnover",
    "send_turnover_reminders",
    "start_placements",
    "submit_turnover",
    "turnover_label",
    "use_labels",
]


def can_see_placement(user: User, placement: Placement) -> bool:
    """The starter, and the landlord's side of the unit (owner, area staff, admins)."""
    if not user.is_authenticated:
        return False
    return placement.starter_id == user.id or is_landlord_side(user, placement.unit)


# Collectives and head leases ---------------------------------------------------------------


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
    staff_only(actor, organisation.id, MemberRole.ADMIN)
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
    staff_only(actor, collective.organisation_id)
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
    return labels.label(HeadLeaseStatus(status))


def change_head_lease(actor: User, lease: HeadLease, target: HeadLeaseStatus) -> HeadLease:
    """Move a head lease along draft → signed → active → ended."""
    staff_only(actor, lease.collective.organisation_id)
    try:
        previous = HEAD_LEASE_FLOW.move(lease, target)
    except TransitionError as exc:
        raise LettingError(
            _(
                "A head lease that is %(current)s cannot become %(target)s.",
                current=head_lease_label(lease.status),
                target=head_lease_label(target),
            )
        ) from exc
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
    return collective_letting(unit_id)


# Spaces and placements ---------------------------------------------------------------------


def add_space(actor: User, unit: Unit, name: str, measure: SpaceUnit, size: int) -> Space:
    """Divide a unit into a space let on its own (shop-in-shop)."""
    if unit.area is None:
        raise LettingError(_("Only units in an organisation's area can be divided."))
    staff_only(actor, unit.area.organisation_id)
    if size < 1:
        raise LettingError(_("A space has a size of at least 1."), "size")
    if measure == SpaceUnit.M2:
        taken = db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(Space.size), 0)).where(
                Space.unit_id == unit.id, Space.measure == SpaceUnit.M2
            )
        )
        if size + (taken or 0) > unit.floor_area_vvo:
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


def place_starter(
    actor: User, unit: Unit, starter: User, terms: PlacementTerms, space: Space | None = None
) -> Placement:
    """Staff place a starter in a collective's unit or space directly (e.g. a contest winner)."""
    if unit.area is None:
        raise LettingError(_("Only units in an organisation's area take direct placements."))
    staff_only(actor, unit.area.organisation_id)
    if not starter.is_starter:
        raise LettingError(_("Choose a starter account."), "starter")
    if space is not None and space.unit_id != unit.id:
        raise LettingError(_("Choose a space of this unit."), "space_id")
    return create_placement(
        actor, unit, starter, terms, space=space, event={"space": space.id if space else None}
    )
