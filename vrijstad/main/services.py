"""The public home page's showcase: live figures, featured units, street stories and the
running Win een winkel contest. Each part may be empty; the page then leaves it out.

"Starters placed this year" counts each starter once whose placement starts in the current
calendar year in Amsterdam (agreed, running or already ended). The vacancy trend is that of
the area with the most units, as the dashboard records it (its monthly snapshots, this month
live).
"""

from dataclasses import dataclass, field
from datetime import date

from vrijstad.areas.models import Street
from vrijstad.contests.models import Contest
from vrijstad.dashboard.services import VacancyTrend, vacancy_trend
from vrijstad.extensions import db
from vrijstad.main import queries
from vrijstad.matching.models import StreetProfile
from vrijstad.units.models import Unit

#: How many units and street stories the home page features.
FEATURED_UNITS = 6
STREET_STORIES = 3


@dataclass
class Showcase:
    on_offer: int
    placed_this_year: int
    trend: VacancyTrend | None = None
    featured: list[Unit] = field(default_factory=list)
    streets: list[tuple[Street, StreetProfile]] = field(default_factory=list)
    contest: Contest | None = None


def showcase(today: date) -> Showcase:
    """What the home page shows everyone, read in a few statements."""
    figures = db.session.execute(
        queries.home_figures(date(today.year, 1, 1), date(today.year, 12, 31))
    ).one()
    area = db.session.scalar(queries.busiest_area())
    streets = db.session.execute(queries.street_stories().limit(STREET_STORIES)).unique()
    return Showcase(
        on_offer=figures.on_offer,
        placed_this_year=figures.placed,
        trend=vacancy_trend(area, today) if area is not None else None,
        featured=list(db.session.scalars(queries.featured_units().limit(FEATURED_UNITS))),
        streets=[(street, profile) for street, profile in streets],
        contest=db.session.scalar(queries.open_contest(today)),
    )
