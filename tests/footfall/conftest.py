"""An organisation with a counter in its street Hoogstraat, and files of counts."""

from datetime import date, timedelta

import pytest

from vrijstad.extensions import db
from vrijstad.footfall.models import Counter


@pytest.fixture
def counted(make_org):
    """An organisation whose street Hoogstraat has the counter HS-01 (its staff is an admin)."""
    organisation = make_org(staff_role="admin")
    street = organisation.areas[0].streets[0]
    counter = Counter(organisation_id=organisation.id, street_id=street.id, code="HS-01")
    db.session.add(counter)
    db.session.commit()
    organisation.test_counter = counter
    return organisation


def hourly_csv(first: date, days: int, per_hour: int = 100, code: str = "HS-01") -> str:
    """The generic layout: every local hour of the days, per_hour passers-by each."""
    lines = ["counter;start;count"]
    for n in range(days):
        day = first + timedelta(days=n)
        lines += [f"{code};{day.isoformat()} {hour:02d}:00;{per_hour}" for hour in range(24)]
    return "\n".join(lines) + "\n"


def daily_csv(first: date, days: int, per_hour: int, code: str = "HS-01") -> str:
    """A count a day (24 × per_hour): a week holds the same on days the clocks change."""
    lines = ["counter;start;count;interval"]
    lines += [f"{code};{first + timedelta(days=n)};{24 * per_hour};day" for n in range(days)]
    return "\n".join(lines) + "\n"
