"""Units: create, edit, publish and withdraw; who may see and change them.

A unit a workflow holds (the prize of a contest, a unit with an open offer, one with an
accepted pop-up booking) changes status only through that workflow: its owner cannot set it
to let, withdrawn or draft behind the workflow's back, and is told which contest, offer or
booking holds it. The features that hold units say so through `register_hold`: they sit above
this module and it cannot ask them itself.

The pin on the map and the address's point: when the address service gave the address's
point, a pin more than 200 m from it (a careless click on the map) is kept only when the
landlord confirms it, and a unit with such a pin is not published without that confirmation.
Moving the pin asks again; changing the address forgets the old address's point.
"""

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from vrijstad import clock, labels
from vrijstad.areas.models import Area
from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.auth.verification import require_verified_email
from vrijstad.core import DomainError, TransitionError
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.organisations.services import can_manage, organisations_of, staff_of
from vrijstad.units import events
from vrijstad.units.addresses import PIN_TOLERANCE_M, Distance, distance_m
from vrijstad.units.models import Unit, UnitStatus
from vrijstad.units.status import UNIT_FLOW, move_unit

#: Fields a form or import may set on a unit.
UNIT_FIELDS = (
    "street",
    "house_number",
    "house_letter",
    "house_number_addition",
    "postcode",
    "city",
    "bag_id",
    "latitude",
    "longitude",
    "address_latitude",
    "address_longitude",
    "pin_confirmed",
    "floor_area_vvo",
    "floor_area_wvo",
    "floor_area_bvo",
    "permitted_uses",
    "energy_label",
    "energy_label_valid_until",
    "is_monument",
    "rent_cents_per_year",
    "service_charges_cents_per_year",
    "vat_opted",
    "available_from",
    "vacant_since",
    "description",
    "area_id",
)


#: The fields that make the address: when they change, the old address's point goes.
ADDRESS_FIELDS = ("postcode", "house_number", "house_letter", "house_number_addition")


class UnitError(DomainError):
    """A unit change was refused; field names the form field it concerns, if any."""


class PinFarFromAddress(UnitError):
    """The pin is far from the address's point and the landlord has not confirmed it."""

    field = "pin_confirmed"

    def __init__(self, distance: Distance) -> None:
        super().__init__(
            _l(
                "The pin is %(distance)s from the address — is that right? Tick the box to confirm."
            ),
            distance=distance,
        )


@dataclass
class PublishProblem:
    field: str
    message: str


def can_edit(user: User, unit: Unit) -> bool:
    """The owner, staff of the unit's area's organisation, and platform admins may edit."""
    if not user.is_authenticated:
        return False
    if user.is_admin or unit.owner_id == user.id:
        return True
    return unit.area is not None and can_manage(user, unit.area.organisation_id)


def is_landlord_side(user: User, unit: Unit) -> bool:
    """Who deals with the unit's applicants, bookings and placements: the people who may
    edit it (the owner, staff of its area's organisation, platform admins)."""
    return can_edit(user, unit)


def landlord_side_people(unit: Unit) -> list[User]:
    """Who hears of news on the landlord side: the owner and the area's organisation staff."""
    people = [unit.owner] if unit.owner is not None else []
    if unit.area is not None:
        people += staff_of(unit.area.organisation_id)
    return people


def can_view(user: User, unit: Unit) -> bool:
    return unit.is_public or can_edit(user, unit)


def areas_for(user: User) -> list[Area]:
    """Areas a user may file a unit under: every area for landlords, own areas for staff."""
    query = sa.select(Area).order_by(Area.city, Area.name)
    if not (user.is_admin or user.is_landlord):
        org_ids = [o.id for o in organisations_of(user)]
        query = query.where(Area.organisation_id.in_(org_ids))
    return list(db.session.scalars(query))


def _apply(unit: Unit, data: dict) -> None:
    address = [getattr(unit, key) for key in ADDRESS_FIELDS]
    pin = (unit.latitude, unit.longitude)
    for key in UNIT_FIELDS:
        if key in data:
            setattr(unit, key, data[key])
    if "address_latitude" not in data and address != [getattr(unit, k) for k in ADDRESS_FIELDS]:
        unit.address_latitude = unit.address_longitude = None
    if "pin_confirmed" not in data and pin != (unit.latitude, unit.longitude):
        unit.pin_confirmed = False
    unit.rent_per_m2_cents_per_year = (
        round(unit.rent_cents_per_year / unit.floor_area_vvo) if unit.floor_area_vvo else 0
    )


def far_pin(
    pin: tuple[float | None, float | None],
    point: tuple[float | None, float | None],
    confirmed: bool,
) -> Distance | None:
    """The pin's distance from the address's point when it is over the tolerance and not
    confirmed; None when it is close, confirmed, or either place is unknown."""
    (lat, lon), (address_lat, address_lon) = pin, point
    if lat is None or lon is None or address_lat is None or address_lon is None:
        return None
    distance = Distance(distance_m(lat, lon, address_lat, address_lon))
    return distance if distance > PIN_TOLERANCE_M and not confirmed else None


def pin_needs_confirming(unit: Unit) -> Distance | None:
    """How far the unit's pin is from its address when that needs the landlord's confirmation."""
    return far_pin(
        (unit.latitude, unit.longitude),
        (unit.address_latitude, unit.address_longitude),
        unit.pin_confirmed,
    )


def check_pin(data: dict) -> None:
    """Refuse an address and pin (as the wizard's first step gives them) whose pin is far from
    the address's point without the landlord's confirmation."""
    distance = far_pin(
        (data.get("latitude"), data.get("longitude")),
        (data.get("address_latitude"), data.get("address_longitude")),
        bool(data.get("pin_confirmed")),
    )
    if distance is not None:
        raise PinFarFromAddress(distance)


def _check_pin(unit: Unit) -> None:
    distance = pin_needs_confirming(unit)
    if distance is not None:
        raise PinFarFromAddress(distance)


def _check_area(actor: User, data: dict) -> None:
    area_id = data.get("area_id")
    if area_id is None:
        return
    area = db.session.get(Area, area_id)
    if area is None:
        raise UnitError(_("Choose an existing area."), "area_id")
    if not (actor.is_admin or actor.is_landlord or can_manage(actor, area.organisation_id)):
        raise UnitError(
            _("You can only file units under your own organisation's areas."), "area_id"
        )


def create_unit(actor: User, owner: User | None, data: dict) -> Unit:
    """A landlord lists a unit as a draft, or staff do so on a landlord's behalf; without an
    owner (an import for an owner who has no account yet) staff hold it for the organisation
    until the owner claims it."""
    if owner is None or owner.id != actor.id:
        area = db.session.get(Area, data.get("area_id") or 0)
        if area is None or not can_manage(actor, area.organisation_id):
            raise UnitError(_("Only the area's staff can list a unit for a landlord."), "owner")
    if owner is not None and not owner.is_landlord:
        raise UnitError(_("The owner must have a landlord account."), "owner")
    if data.get("available_from") and data["available_from"] < clock.today():
        raise UnitError(
            _("A new listing cannot be available from a date in the past."), "available_from"
        )
    _check_area(actor, data)
    unit = Unit(owner_id=owner.id if owner else None, status=UnitStatus.DRAFT)
    _apply(unit, data)
    _check_pin(unit)
    if unit.vacant_since is None:
        unit.vacant_since = clock.today()
    db.session.add(unit)
    db.session.flush()
    record_event(actor, "unit.created", unit, _org_id(unit), owner=owner.id if owner else None)
    return unit


def update_unit(actor: User, unit: Unit, data: dict) -> Unit:
    """Change a unit's facts."""
    if not can_edit(actor, unit):
        raise UnitError(_("You may not change this unit."))
    _check_area(actor, data)
    rent = unit.rent_cents_per_year
    _apply(unit, data)
    _check_pin(unit)
    db.session.flush()
    record_event(actor, "unit.updated", unit, _org_id(unit))
    events.rent_changed(unit, rent, unit.rent_cents_per_year)
    return unit


def publish_problems(unit: Unit) -> list[PublishProblem]:
    """What is missing before a unit can be listed publicly."""
    problems = []
    if unit.owner_id is None:
        problems.append(
            PublishProblem("owner", _("The owner has not claimed this unit yet: invite them."))
        )
    if unit.area_id is None:
        problems.append(PublishProblem("area_id", _("Choose the area the unit is in.")))
    if not unit.uses_mask:
        problems.append(PublishProblem("permitted_uses", _("Tick at least one permitted use.")))
    if unit.energy_label is None and not unit.is_monument:
        problems.append(
            PublishProblem("energy_label", _("An energy label is required (monuments exempt)."))
        )
    if unit.available_from is None:
        problems.append(PublishProblem("available_from", _("State from when it is available.")))
    if unit.latitude is None or unit.longitude is None:
        problems.append(PublishProblem("latitude", _("Place the pin on the map.")))
    elif (distance := pin_needs_confirming(unit)) is not None:
        problems.append(PublishProblem("pin_confirmed", str(PinFarFromAddress(distance))))
    if not unit.rent_cents_per_year:
        problems.append(PublishProblem("rent", _("State the rent per year.")))
    return problems


def _org_id(unit: Unit) -> int | None:
    return unit.area.organisation_id if unit.area else None


#: Per workflow: the reason it holds a unit (a sentence for the owner), or None.
_HOLDS: list[Callable[[Unit], str | None]] = []


def register_hold(check: Callable[[Unit], str | None]) -> Callable[[Unit], str | None]:
    """Register a workflow's check whether it holds a unit (used as a decorator)."""
    _HOLDS.append(check)
    return check


def held_by(unit: Unit) -> str | None:
    """Why a workflow holds the unit, or None when its owner may change its status."""
    return next((reason for check in _HOLDS if (reason := check(unit))), None)


def lock_unit(unit_id: int) -> Unit:
    """The unit row, locked until the commit and read afresh (FOR UPDATE; SQLite serialises
    writers anyway), as the workflows that reserve or let it lock it."""
    return db.session.scalars(
        sa.select(Unit)
        .where(Unit.id == unit_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def change_status(actor: User, unit: Unit, target: UnitStatus, reason: str = "") -> Unit:
    """Move a unit through its workflow; illegal moves raise a clear error, and so does a
    change of a unit a contest, an offer or a booking holds."""
    if not can_edit(actor, unit):
        raise UnitError(_("You may not change this unit."))
    if target == UnitStatus.LISTED:
        require_verified_email(actor)
    unit = lock_unit(unit.id)
    holder = held_by(unit)
    if holder is not None:
        raise UnitError(holder)
    try:
        UNIT_FLOW.check(unit.status, target)
    except TransitionError as exc:
        raise UnitError(
            _(
                "A unit that is %(current)s cannot become %(target)s.",
                current=status_label(unit.status),
                target=status_label(target),
            )
        ) from exc
    if target == UnitStatus.LISTED:
        problems = publish_problems(unit)
        if problems:
            raise UnitError(" ".join(p.message for p in problems))
        unit.listed_at = clock.now()
        unit.withdrawn_reason = None
        if unit.vacant_since is None:
            unit.vacant_since = clock.today()
    if target == UnitStatus.WITHDRAWN:
        if not reason.strip():
            raise UnitError(_("Give a reason for withdrawing the unit."), "reason")
        unit.withdrawn_reason = reason.strip()[:500]
    move_unit(actor, unit, target, reason)
    return unit


def status_label(status: UnitStatus) -> str:
    """The status in the reader's language (one translation lookup per call)."""
    return labels.label(UnitStatus(status))
