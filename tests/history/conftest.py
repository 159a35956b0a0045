"""An area with two streets (Hoogstraat registered, Kerkstraat named by a unit) and files of
vacancy history, with months counted back from today (the suite runs on any date)."""

from datetime import date

import pytest

from vrijstad import clock
from vrijstad.areas.models import Street, StreetGrade
from vrijstad.extensions import db

HEADER = (
    "maand;straat;panden_totaal;panden_leeg;m2_totaal;m2_leeg;frictioneel_panden;"
    "langdurig_panden;structureel_panden;frictioneel_m2;langdurig_m2;structureel_m2"
)


def months_ago(count: int) -> date:
    """The first day of the month ``count`` months before this one."""
    return clock.add_months(clock.month_start(clock.today()), -count)


def line(
    month: date | str,
    street: str = "",
    units: int = 10,
    vacant: int = 2,
    m2: int = 1000,
    vacant_m2: int = 200,
    classes: tuple[int, int, int] | None = None,
    class_m2: tuple[int, int, int] | None = None,
) -> str:
    """A line of the file; by default every vacant unit (and m²) is frictional."""
    text = month if isinstance(month, str) else f"{month:%Y-%m}"
    split = classes or (vacant, 0, 0)
    split_m2 = class_m2 or (vacant_m2, 0, 0)
    return ";".join(str(v) for v in (text, street, units, vacant, m2, vacant_m2, *split, *split_m2))


def history_csv(*lines: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode()


@pytest.fixture
def area(make_org, make_unit):
    """Organisation "Binnenstad n" with area Centrum: Hoogstraat and Kerkstraat registered,
    and a unit in "Molenstraat" (a street only a unit names)."""
    organisation = make_org()
    area = organisation.areas[0]
    area.streets.append(Street(name="Kerkstraat", grade=StreetGrade.B1))
    db.session.commit()
    make_unit(area=area, street="Molenstraat")
    area.test_staff = organisation.test_staff
    return area
