"""Hidden vacancy: an outreach list for an organisation, from the registers and its units.

Two kinds of row:
* ``unoffered``: a BAG shop object with no active establishment at its address and no unit
  of the organisation (linked by BAG id or address): probably vacant, and not offered;
* ``stale``: a unit on offer (listed, in talks or reserved) with an active establishment at
  its address: the business may have moved in, and the listing may be stale.

Staff follow a row up through the relations log: ``follow_up`` makes (or finds) the owner's
relation and puts "Hidden vacancy: <address>" on its follow-up, which the staff's "Te doen"
shows from today.
"""

from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum

import sqlalchemy as sa

from vrijstad import clock
from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.core import DomainError
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.opendata.models import BagObject, Establishment
from vrijstad.opendata.services import organisation_units, unit_key
from vrijstad.organisations.models import Organisation
from vrijstad.relations import services as relations
from vrijstad.relations.models import Relation, RelationKind
from vrijstad.units.models import PUBLIC_STATUSES, Unit, street_address


class Hint(StrEnum):
    UNOFFERED = "unoffered"
    STALE = "stale"


@dataclass(frozen=True)
class Hidden:
    """A row of the list: what it is about, where, and why it is on the list."""

    hint: Hint
    ref: str  # "bag-<id>" or "unit-<id>": what the follow-up is made for
    address: str
    postcode: str
    city: str
    floor_area: int | None
    bag_id: str | None
    #: For a stale listing: the trade names registered at the address.
    businesses: tuple[str, ...] = ()


class HiddenVacancyError(DomainError):
    """A row of the list cannot be followed up."""


def hidden_vacancies(organisation_id: int, only: str | None = None) -> list[Hidden]:
    """Both kinds of row for the organisation, unoffered shop objects first, by address;
    with ``only`` (a row's ref) just that row, if it is on the list, without reading the
    whole register."""
    kind, _sep, number = (only or "").partition("-")
    if only is not None and (kind not in ("bag", "unit") or not number.isdigit()):
        return []
    picked = int(number) if only is not None and len(number) <= 18 else None
    if only is not None and picked is None:
        return []
    # Rows, not objects: an extract of a whole city holds a hundred thousand.
    objects_query = (
        sa.select(
            BagObject.id,
            BagObject.bag_id,
            BagObject.street,
            BagObject.house_number,
            BagObject.house_letter,
            BagObject.house_number_addition,
            BagObject.postcode,
            BagObject.city,
            BagObject.floor_area,
            BagObject.address_key,
        )
        .where(BagObject.organisation_id == organisation_id)
        .order_by(BagObject.street, BagObject.house_number, BagObject.address_key)
    )
    units = organisation_units(organisation_id)
    if kind == "unit":
        units = [unit for unit in units if unit.id == picked]
        keys = [unit_key(unit) for unit in units]
        objects_query = objects_query.where(
            sa.or_(
                BagObject.bag_id.in_([u.bag_id for u in units if u.bag_id]),
                BagObject.address_key.in_(keys),
            )
        )
    elif kind == "bag":
        objects_query = objects_query.where(BagObject.id == picked)
    objects = db.session.execute(objects_query).all()
    businesses_query = (
        sa.select(Establishment.address_key, Establishment.trade_name)
        .where(Establishment.organisation_id == organisation_id)
        .order_by(Establishment.trade_name)
    )
    if only is not None:
        wanted = {o.address_key for o in objects} | {unit_key(u) for u in units}
        businesses_query = businesses_query.where(Establishment.address_key.in_(wanted))
    businesses: dict[str, list[str]] = defaultdict(list)
    for key, name in db.session.execute(businesses_query):
        businesses[key].append(name)
    key_of_bag = {o.bag_id: o.address_key for o in objects}
    if kind == "bag":  # where the units' own BAG objects are (the whole list read them all)
        key_of_bag |= {
            bag_id: key
            for bag_id, key in db.session.execute(
                sa.select(BagObject.bag_id, BagObject.address_key).where(
                    BagObject.organisation_id == organisation_id,
                    BagObject.bag_id.in_([u.bag_id for u in units if u.bag_id]),
                )
            )
        }
    unit_keys = {key_of_bag.get(u.bag_id or "", unit_key(u)) for u in units}
    unit_bag_ids = {u.bag_id for u in units if u.bag_id}
    rows = [
        Hidden(
            Hint.UNOFFERED,
            f"bag-{o.id}",
            street_address(o.street, o.house_number, o.house_letter, o.house_number_addition),
            o.postcode,
            o.city,
            o.floor_area,
            o.bag_id,
        )
        for o in objects
        if o.address_key not in businesses
        and o.bag_id not in unit_bag_ids
        and o.address_key not in unit_keys
    ]
    stale = []
    for unit in units if kind != "bag" else []:
        key = key_of_bag.get(unit.bag_id or "", unit_key(unit))
        if unit.status in PUBLIC_STATUSES and key in businesses:
            stale.append(
                Hidden(
                    Hint.STALE,
                    f"unit-{unit.id}",
                    unit.address,
                    unit.postcode,
                    unit.city,
                    unit.floor_area_vvo,
                    unit.bag_id,
                    tuple(businesses[key]),
                )
            )
    if kind == "unit":
        rows = []
    return rows + sorted(stale, key=lambda h: h.address)


def follow_up(actor: User, organisation: Organisation, ref: str) -> Relation:
    """Follow a row of the list up: the owner's relation (made when there is none, linked to
    the unit) with "Hidden vacancy: <address>" as its follow-up from today."""
    row = next((h for h in hidden_vacancies(organisation.id, only=ref) if h.ref == ref), None)
    if row is None:
        raise HiddenVacancyError(_l("This address is no longer on the hidden-vacancy list."))
    unit = db.session.get(Unit, int(ref.removeprefix("unit-"))) if row.hint == Hint.STALE else None
    relation = _owner_relation(actor, organisation, row, unit)
    what = _("Hidden vacancy: %(address)s, %(city)s", address=row.address, city=row.city)
    relations.set_follow_up(relation, clock.today(), what[:200])
    record_event(
        actor,
        "opendata.hidden_vacancy_followed",
        relation,
        organisation.id,
        address=row.address,
        hint=row.hint.value,
    )
    return relation


def _owner_relation(
    actor: User, organisation: Organisation, row: Hidden, unit: Unit | None
) -> Relation:
    """The relation that owns the unit, or the owner's by e-mail, or one named after the
    address (found again by that name, so following up twice makes one relation)."""
    if unit is not None:
        known = db.session.scalar(relations.relations_of_unit(organisation.id, unit.id).limit(1))
        if known is not None:
            return known
        if unit.owner is not None:
            owner = relations.owner_relation(organisation.id, unit.owner.email, unit.owner)
            relations.link_unit(owner, unit)
            return owner
    name = _("Owner of %(address)s, %(city)s", address=row.address, city=row.city)[:120]
    named = db.session.scalar(
        sa.select(Relation).where(
            Relation.organisation_id == organisation.id, Relation.name == name
        )
    )
    if named is not None:
        return named
    return relations.create_relation(
        actor,
        organisation,
        {"kind": RelationKind.OWNER.value, "name": name, "units": [unit.id] if unit else []},
    )
