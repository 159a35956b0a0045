"""The street outlook: a street whose units keep falling empty is flagged before it crosses."""

from datetime import date, datetime, timedelta

from vrijstad import clock
from vrijstad.audit.models import AuditEvent
from vrijstad.extensions import db
from vrijstad.forecast.services import month_ends, street_outlook
from vrijstad.units.models import UnitStatus

TODAY = date(2026, 11, 30)


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=clock.AMSTERDAM)


def change(unit, day: date, old: UnitStatus, new: UnitStatus) -> None:
    db.session.add(
        AuditEvent(
            action="unit.status",
            subject_type="Unit",
            subject_id=unit.id,
            data={"old": old.value, "new": new.value},
            created_at=at(day),
        )
    )


def test_month_ends_run_up_to_this_month():
    assert month_ends(date(2026, 3, 14), 3) == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
    ]


def test_a_street_that_keeps_falling_empty_is_flagged_before_it_crosses(make_org, make_unit):
    area = make_org().areas[0]
    opened = clock.add_months(TODAY, -30)
    busy = [
        make_unit(
            area=area,
            street="Hoogstraat",
            status=UnitStatus.LET,
            vacant_since=None,
            created_at=at(opened),
        )
        for _ in range(10)
    ]
    for unit in busy:
        change(unit, clock.add_months(opened, 1), UnitStatus.LISTED, UnitStatus.LET)
    for month in range(24):  # every month one unit falls empty, let again four months later
        unit = busy[month % 10]
        fell = clock.add_months(TODAY, month - 24).replace(day=5)
        change(unit, fell, UnitStatus.LET, UnitStatus.LISTED)
        back = min(clock.add_months(fell, 4), TODAY - timedelta(days=1))
        change(unit, back, UnitStatus.LISTED, UnitStatus.LET)
    quiet = [
        make_unit(
            area=area,
            street="Kerkstraat",
            status=UnitStatus.LET,
            vacant_since=None,
            created_at=at(opened),
        )
        for _ in range(10)
    ]
    for unit in quiet:
        change(unit, clock.add_months(opened, 1), UnitStatus.LISTED, UnitStatus.LET)
    db.session.commit()

    outlook = {row.street: row for row in street_outlook(area.id, 0.05, today=TODAY)}
    hoog, kerk = outlook["Hoogstraat"], outlook["Kerkstraat"]
    assert hoog.empty_now == 0 and hoog.units == 10
    assert hoog.crosses == 3  # expected above 5 % within three months
    assert hoog.low[12] <= hoog.expected[12] <= hoog.high[12]
    assert hoog.expected[12] > 0.15
    assert kerk.crosses is None and kerk.expected[12] < hoog.expected[12]
    assert list(outlook) == ["Hoogstraat", "Kerkstraat"]  # the flagged street first
