"""Reads for applications: a starter's own, and the pipeline of a landlord or organisation."""

import sqlalchemy as sa

from vrijstad.applications.models import Application
from vrijstad.areas.models import Area
from vrijstad.audit.models import AuditEvent
from vrijstad.auth.models import User
from vrijstad.organisations.models import Membership
from vrijstad.units.models import Unit


def applications_of_starter(starter_id: int) -> sa.Select:
    return (
        sa.select(Application)
        .where(Application.starter_id == starter_id)
        .order_by(Application.updated_at.desc(), Application.id.desc())
    )


def pipeline_units(user: User) -> sa.Select:
    """The units whose applications a user handles: own units, and the areas they staff."""
    query = sa.select(Unit)
    if user.is_admin:
        return query
    staffed_areas = (
        sa.select(Area.id)
        .join(Membership, Membership.organisation_id == Area.organisation_id)
        .where(Membership.user_id == user.id)
    )
    return query.where(sa.or_(Unit.owner_id == user.id, Unit.area_id.in_(staffed_areas)))


def pipeline(user: User, unit_id: int | None = None, area_id: int | None = None) -> sa.Select:
    """Applications on the units a user handles, optionally for one unit or area."""
    units = pipeline_units(user).with_only_columns(Unit.id)
    query = (
        sa.select(Application)
        .join(Unit, Unit.id == Application.unit_id)
        .where(Application.unit_id.in_(units))
        .order_by(Application.updated_at.desc(), Application.id.desc())
    )
    if unit_id:
        query = query.where(Application.unit_id == unit_id)
    if area_id:
        query = query.where(Unit.area_id == area_id)
    return query


def history(application: Application) -> sa.Select:
    """The audit trail of an application: every transition, oldest first."""
    return (
        sa.select(AuditEvent, User)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(AuditEvent.subject_type == "Application", AuditEvent.subject_id == application.id)
        .order_by(AuditEvent.created_at, AuditEvent.id)
    )
