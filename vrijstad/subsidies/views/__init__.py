"""Subsidies: one blueprint, its views by audience: public (schemes everyone reads), applicant,
staff (the procedure) and schemes (the staff's schemes, overview and export)."""

from vrijstad.subsidies.views import applicant, public, schemes, staff
from vrijstad.subsidies.views.common import bp

__all__ = ["applicant", "bp", "public", "schemes", "staff"]
