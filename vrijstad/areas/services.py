"""Areas and streets of an organisation."""

import sqlalchemy as sa

from vrijstad.areas.models import Area, AreaKind, Street, StreetGrade
from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.core import DomainError
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _
from vrijstad.organisations.models import Organisation
from vrijstad.organisations.services import can_manage


class AreaError(DomainError):
    """An area or street change was refused."""


def create_area(
    actor: User,
    organisation: Organisation,
    name: str,
    city: str,
    kind: AreaKind,
    description: str = "",
) -> Area:
    """Add an area (city centre, approach streets, district) to an organisation."""
    if not can_manage(actor, organisation.id):
        raise AreaError(_("You do not work for this organisation."))
    name = name.strip()
    taken = db.session.scalar(
        sa.select(Area.id).where(Area.organisation_id == organisation.id, Area.name == name)
    )
    if taken:
        raise AreaError(_("This organisation already has an area with that name."))
    area = Area(
        organisation_id=organisation.id,
        name=name,
        city=city.strip(),
        kind=kind,
        description=description or None,
    )
    db.session.add(area)
    db.session.flush()
    record_event(actor, "area.created", area, organisation.id)
    return area


def add_street(actor: User, area: Area, name: str, grade: StreetGrade) -> Street:
    """Add a street with its retail grade to an area."""
    if not can_manage(actor, area.organisation_id):
        raise AreaError(_("You do not work for this organisation."))
    name = name.strip()
    if any(s.name.lower() == name.lower() for s in area.streets):
        raise AreaError(_("This street is already part of the area."))
    street = Street(area=area, name=name, grade=grade)
    db.session.add(street)
    db.session.flush()
    record_event(actor, "street.added", street, area.organisation_id, name=name, grade=grade)
    return street


def set_closed_pilot(actor: User, area: Area, closed: bool) -> Area:
    """Open an area's units to every starter, or only to starters based in its city."""
    if not can_manage(actor, area.organisation_id):
        raise AreaError(_("You do not work for this organisation."))
    area.closed_pilot = closed
    db.session.flush()
    record_event(actor, "area.closed_pilot", area, area.organisation_id, closed=closed)
    return area
