"""The error of the pop-up feature, and who may act for a unit."""

from vrijstad.applications.services import is_landlord_side
from vrijstad.auth.models import User
from vrijstad.core import DomainError
from vrijstad.i18n import gettext as _
from vrijstad.units.models import Unit


class BookingError(DomainError):
    """A short-let action was refused; field names the form field it concerns, if any."""


def require_landlord_side(actor: User, unit: Unit) -> None:
    """Refuse unless the actor is on the unit's landlord side."""
    if not is_landlord_side(actor, unit):
        raise BookingError(_("Only the landlord or the area's organisation can do this."))
