"""The one constructor of placements, for every feature that lets a unit to a starter.

An accepted offer (applications), a direct placement or a contest award (letting, contests)
and an accepted pop-up booking (popups) all call :func:`create_placement`: it checks the
terms and the calendar, builds the placement with the starter's trade name and KvK number as
they are now, records it, and lets the unit when the whole unit is placed. The placement
workflow moves on from there through ``PLACEMENT_FLOW``; :func:`start_placements` (the daily
run) makes a placement active on its start date.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa

from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.billing.services.deposits import issue_deposit_invoice
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.letting.errors import LettingError
from vrijstad.letting.models import PLACEMENT_FLOW, Placement, PlacementStatus, Space
from vrijstad.starters.models import SpaceKind
from vrijstad.starters.services import profile_of
from vrijstad.units.models import PUBLIC_STATUSES, Unit, UnitStatus
from vrijstad.units.status import move_unit, organisation_id_of


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


def check_placement_terms(terms: PlacementTerms) -> list:
    """The rules every placement meets; returns the clean discount schedule."""
    if terms.end_date <= terms.start_date:
        raise LettingError(_("The end date must be after the start date."), "end_date")
    if terms.base_fee_cents_per_month < 0 or not 0 <= terms.turnover_basis_points <= 10000:
        raise LettingError(
            _("Enter a fee of at least € 0 and a turnover share of 0–100 %."), "base_fee"
        )
    return check_discount_schedule(terms.discount_schedule)


def placement_fields(
    unit: Unit, starter: User, terms: PlacementTerms, schedule: list, in_space: bool = False
) -> dict[str, Any]:
    """What a placement holds from its terms, the unit (VAT option) and the starter (trade
    name and KvK number as they are now): shared by ``create_placement`` and the unsaved
    draft an offer's summary page shows."""
    profile = profile_of(starter)
    trade_name = profile.trade_name if profile and profile.trade_name else starter.name
    return {
        "kind": SpaceKind.SHOP_IN_SHOP if in_space else terms.kind,
        "start_date": terms.start_date,
        "end_date": terms.end_date,
        "base_fee_cents_per_month": terms.base_fee_cents_per_month,
        "turnover_basis_points": terms.turnover_basis_points,
        "deposit_cents": terms.deposit_cents,
        "discount_schedule": schedule,
        "vat_opted": unit.vat_opted,
        "starter_trade_name": trade_name,
        "starter_kvk": profile.kvk_number if profile else None,
    }


def create_placement(
    actor: User | None,
    unit: Unit,
    starter: User,
    terms: PlacementTerms,
    *,
    space: Space | None = None,
    application_id: int | None = None,
    offer_id: int | None = None,
    lets_unit: bool = True,
    event: Mapping[str, Any] | None = None,
) -> Placement:
    """Place a starter in a unit (or one of its spaces) on the terms; flushed and recorded.

    A placement of the whole unit lets it (``lets_unit``: a pop-up booking of some days
    leaves the unit listed for the other days). ``event`` goes into the audit record.
    """
    schedule = check_placement_terms(terms)
    clash = overlapping_placement(
        unit.id, space.id if space else None, terms.start_date, terms.end_date
    )
    if clash is not None:
        raise LettingError(
            _l("This overlaps with the placement of %(name)s (%(start)s – %(end)s)."),
            "start_date",
            name=clash.starter_trade_name,
            start=clash.start_date,
            end=clash.end_date,
        )
    placement = Placement(
        unit_id=unit.id,
        starter_id=starter.id,
        organisation_id=organisation_id_of(unit),
        application_id=application_id,
        offer_id=offer_id,
        space_id=space.id if space else None,
        **placement_fields(unit, starter, terms, schedule, in_space=space is not None),
    )
    db.session.add(placement)
    if space is None and lets_unit and unit.status in PUBLIC_STATUSES:
        move_unit(actor, unit, UnitStatus.LET, reason="placement")
    db.session.flush()
    record_event(
        actor,
        "placement.created",
        placement,
        placement.organisation_id,
        unit=unit.id,
        **(event or {}),
    )
    return placement


def end_placement(actor: User | None, placement: Placement, reason: str, **event: Any) -> bool:
    """End a current placement (recorded); false if it had ended already."""
    if placement.status == PlacementStatus.ENDED:
        return False
    PLACEMENT_FLOW.move(placement, PlacementStatus.ENDED)
    record_event(
        actor, "placement.ended", placement, placement.organisation_id, reason=reason, **event
    )
    return True


def start_placements(today: date) -> list[Placement]:
    """Agreed placements whose start date has come become active, and a cash deposit is
    invoiced (billing.deposits); run daily."""
    placements = db.session.scalars(
        sa.select(Placement)
        .where(
            Placement.status.in_(PLACEMENT_FLOW.sources(PlacementStatus.ACTIVE)),
            Placement.start_date <= today,
            Placement.end_date > today,
        )
        .order_by(Placement.id)
    ).all()
    for placement in placements:
        PLACEMENT_FLOW.move(placement, PlacementStatus.ACTIVE)
        record_event(None, "placement.active", placement, placement.organisation_id)
        issue_deposit_invoice(placement, today)
    db.session.flush()
    return list(placements)
