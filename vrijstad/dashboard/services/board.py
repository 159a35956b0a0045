"""A dashboard's frame: what it covers, who may open it, the street filter, the map."""

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask import url_for

from vrijstad.areas.models import Area
from vrijstad.auth.models import User
from vrijstad.dashboard import queries
from vrijstad.dashboard.figures import Figure
from vrijstad.dashboard.models import street_key
from vrijstad.dashboard.services.periods import CONTROL_CHARACTERS, DashboardError, Period
from vrijstad.dashboard.services.references import References
from vrijstad.dashboard.services.stock import Stock, Vacancy
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _
from vrijstad.organisations.models import Organisation
from vrijstad.organisations.services import organisations_of
from vrijstad.units.models import Unit, VacancyClass


@dataclass
class Dashboard:
    """Every figure of an area (or one of its streets) for a period."""

    area: Area
    period: Period
    street: str | None
    stock: Stock | None
    references: References
    #: The day the figures are for: the stock's reference day, or the period's last day.
    reference: date
    today: date
    #: Whether the long lists are wanted in full (for a download), not only counted.
    lists: bool = False
    figures: dict[str, Figure] = field(default_factory=dict)
    missing_months: list[date] = field(default_factory=list)
    structural_ids: list[int] = field(default_factory=list)

    @property
    def vacancy(self) -> Vacancy | None:
        if self.stock is None:
            return None
        if self.street is None:
            return self.stock.area
        return self.stock.street(self.street) or Vacancy(street=self.street)


def dashboard_organisations(user: User) -> list[Organisation]:
    """The organisations whose dashboards a user may open (platform admins: all)."""
    if user.is_admin:
        return list(db.session.scalars(sa.select(Organisation).order_by(Organisation.name)))
    return organisations_of(user)


def address(row) -> str:
    """'Hoogstraat 12a-2' from a row with street, house number, letter and addition."""
    number = f"{row.house_number}{row.house_letter or ''}"
    if row.house_number_addition:
        number += f"-{row.house_number_addition}"
    return f"{row.street} {number}"


def street_names(area: Area, stock: Stock | None) -> list[str]:
    """The streets one can pick: the area's registered streets and those its units name."""
    names = {street_key(s.name): s.name for s in area.streets}
    if stock is not None:
        for figures in stock.streets:
            names.setdefault(street_key(figures.street), figures.street)
    return sorted(names.values(), key=str.casefold)


def check_street(area: Area, street: str | None) -> str | None:
    """The street filter: a street of the area, or None for the whole area."""
    if street is None or not street.strip():
        return None
    key = street_key(street)
    if (
        len(street) > 120
        or CONTROL_CHARACTERS.search(street)
        or (
            key not in {street_key(s.name) for s in area.streets}
            and not db.session.scalar(
                sa.select(Unit.id)
                .where(Unit.area_id == area.id, queries.street_is(Unit.street, street))
                .limit(1)
            )
        )
    ):
        raise DashboardError(_("This street is not part of the area."))
    return street.strip()


def map_points(area: Area, street: str | None, today: date, limit: int) -> list[dict]:
    """The vacant units with a pin, coloured on the map by how long they have been vacant."""

    points = []
    for row in db.session.execute(queries.vacant_map_points(area.id, street).limit(limit)):
        days = max((today - row.vacant_since).days, 0) if row.vacant_since else 0
        if days < queries.FRICTIONAL_DAYS:
            vacancy = VacancyClass.FRICTIONAL
        elif days <= queries.STRUCTURAL_DAYS:
            vacancy = VacancyClass.LONG_TERM
        else:
            vacancy = VacancyClass.STRUCTURAL
        points.append(
            {
                "lat": row.latitude,
                "lon": row.longitude,
                "address": address(row),
                "days": days,
                "class": vacancy.value,
                "m2": row.floor_area_vvo,
                "url": url_for("units.detail", unit_id=row.id),
            }
        )
    return points
