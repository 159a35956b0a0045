"""Stick and carrot side by side: the area's vacant units per stage of the vacancy bylaw, and
what the organisation offers to fill them (contests, subsidies, collective letting)."""

from dataclasses import dataclass
from datetime import date

from vrijstad.areas.models import Area
from vrijstad.bylaw.queries import stage_counts
from vrijstad.dashboard import queries
from vrijstad.extensions import db


@dataclass(frozen=True)
class Levers:
    #: Vacant units per bylaw stage ("running", "report_due", …); empty without a bylaw.
    stages: dict[str, int]
    contests: int
    subsidy_applications: int
    collective_units: int


def levers_of(area: Area, today: date) -> Levers:
    """The bylaw's stage counts and the carrots on offer in the area today."""
    contests, applications, collective = db.session.execute(
        queries.carrot_counts(area.organisation_id, area.id)
    ).one()
    return Levers(stage_counts(area, today), int(contests), int(applications), int(collective))
