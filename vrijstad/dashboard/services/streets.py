"""The public street pages: the street's story, profile, new starters, units and vacancy."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from vrijstad.areas.models import Street
from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.clock import add_months, month_start
from vrijstad.dashboard import queries
from vrijstad.dashboard.models import StreetStory
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


@dataclass
class StreetPage:
    street: Street
    story: StreetStory | None
    profile: StreetProfile | None
    vacancy: Vacancy
    units: list[Unit]
    starters: list


def street_page(street: Street, today: date) -> StreetPage:
    """What a street's public page shows: story, profile, new starters, units, vacancy."""
    area = street.area
    figures = live_stock(area, today).street(street.name) or Vacancy(street=street.name)
    profile = db.session.scalar(
        sa.select(StreetProfile).where(StreetProfile.street_id == street.id)
    )
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
