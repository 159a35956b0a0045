"""Collective letting pages, one blueprint: the staff's collectives (schemes, head leases,
spaces, turnover review) and placements (agreement, the starter's reports, deposit and yearly
settlement)."""

from vrijstad.letting.views import collectives, placements
from vrijstad.letting.views.common import bp

__all__ = ["bp", "collectives", "placements"]
