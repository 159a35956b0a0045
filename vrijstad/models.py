"""Every feature's models, imported in one place for Alembic and the shell."""

from vrijstad.areas.models import Area, AreaKind, Street, StreetGrade
from vrijstad.audit.models import AuditEvent
from vrijstad.auth.models import User
from vrijstad.organisations.models import (
    Invitation,
    MemberRole,
    Membership,
    Organisation,
    OrganisationKind,
)
from vrijstad.units.models import (
    EnergyLabel,
    PermittedUse,
    Unit,
    UnitPhoto,
    UnitStatus,
)

__all__ = [
    "Area",
    "AreaKind",
    "AuditEvent",
    "Invitation",
    "MemberRole",
    "Membership",
    "Organisation",
    "OrganisationKind",
    "Street",
    "StreetGrade",
    "User",
    "EnergyLabel",
    "PermittedUse",
    "Unit",
    "UnitPhoto",
    "UnitStatus",
]
