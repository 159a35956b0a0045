"""The public street pages: the street's story, profile, new starters, units and vacancy;
the index of every published street, and the street page a unit's page links to."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from vrijstad.areas.models import Area, Street
from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.clock import add_months, month_start
from vrijstad.dashboard import queries, street_queries
from vrijstad.dashboard.models import StreetStory, street_key
from vrijstad.dashboard.services.periods import DashboardError
from vrijstad.dashboard.services.stock import Vacancy, live_stock
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _
from vrijstad.matching.models import StreetProfile
from vrijstad.organisations.services import can_manage
from vrijstad.units.models import Unit


def story_of(street: Street) -> StreetStory | None:
    return db.session.scalar(sa.select(StreetStory).where(StreetStory.street_id == street.id))


def save_story(actor: User, street: Street, story: str, published: bool) -> StreetStory:
    """Staff write a street's public story and publish (or hide) the street page."""
    if not can_manage(actor, street.area.organisation_id):
        raise DashboardError(_("You do not work for this organisation."))
    own = story_of(street)
    if own is None:
        own = StreetStory(street_id=street.id)
        db.session.add(own)
    own.story = story.strip()
    own.published = published
    own.updated_by_id = actor.id
    db.session.flush()
    record_event(actor, "street.story", own, street.area.organisation_id, published=published)
    return own


def can_see_street_page(user: User, street: Street, story: StreetStory | None) -> bool:
    return bool(story and story.published) or can_manage(user, street.area.organisation_id)


#: A vacancy percentage says little about a short street (1 of 5 is "20 %"): the page gives
#: it only from this many units on, and always the count.
RATE_FROM_UNITS = 10


def profile_of(street: Street) -> StreetProfile | None:
    """The street's profile when it says anything (a wish, an exclusion or a note)."""
    profile = db.session.scalar(
        sa.select(StreetProfile).where(StreetProfile.street_id == street.id)
    )
    if profile is None or not (profile.wanted or profile.excluded or profile.note):
        return None
    return profile


@dataclass
class StreetPage:
    street: Street
    story: StreetStory | None
    profile: StreetProfile | None  # None also when the profile is empty
    vacancy: Vacancy
    units: list[Unit]
    starters: list

    @property
    def show_rate(self) -> bool:
        return self.vacancy.units_total >= RATE_FROM_UNITS


def street_page(street: Street, today: date) -> StreetPage:
    """What a street's public page shows: story, profile, new starters, units, vacancy."""
    area = street.area
    figures = live_stock(area, today).street(street.name) or Vacancy(street=street.name)
    profile = profile_of(street)
    since = add_months(month_start(today), -12)
    return StreetPage(
        street=street,
        story=story_of(street),
        profile=profile,
        vacancy=figures,
        units=list(db.session.scalars(queries.public_units_of_street(area.id, street.name))),
        starters=list(
            db.session.scalars(
                queries.new_starters_of_street(area.id, street.name, since, today).limit(24)
            )
        ),
    )


def published_street(unit: Unit) -> Street | None:
    """The published page of the unit's street, if staff published one."""
    if unit.area_id is None:
        return None
    return db.session.scalar(street_queries.published_street_of(unit.area_id, unit.street))


@dataclass
class IndexedStreet:
    street: Street
    vacancy: Vacancy
    on_offer: int


@dataclass
class AreaStreets:
    area: Area
    streets: list[IndexedStreet]


def street_index(today: date) -> list[AreaStreets]:
    """Every published street, by city and area, with its vacancy and its units on offer."""
    by_area: dict[int, list[Street]] = {}
    for street in db.session.scalars(street_queries.published_streets()).unique():
        by_area.setdefault(street.area_id, []).append(street)
    offered = {
        (area_id, key): int(count)
        for area_id, key, count in db.session.execute(
            street_queries.public_units_by_street(list(by_area))
        )
    }
    index = []
    for streets in by_area.values():
        area = streets[0].area
        stock = live_stock(area, today)
        index.append(
            AreaStreets(
                area,
                [
                    IndexedStreet(
                        street=street,
                        vacancy=stock.street(street.name) or Vacancy(street=street.name),
                        on_offer=offered.get((area.id, street_key(street.name)), 0),
                    )
                    for street in streets
                ],
            )
        )
    return index
