"""The forecast's panel is rebuilt from the units and their status history."""

from datetime import date, datetime

from vrijstad import clock
from vrijstad.audit.models import AuditEvent
from vrijstad.extensions import db
from vrijstad.forecast.history import area_panel
from vrijstad.forecast.model import OCCUPIED, UNKNOWN
from vrijstad.units.models import UnitStatus

MONTHS = [clock.month_end(date(2026, month, 1)) for month in range(1, 9)]  # Jan–Aug 2026


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=clock.AMSTERDAM)


def status_change(unit, day: date, old: UnitStatus, new: UnitStatus) -> None:
    db.session.add(
        AuditEvent(
            action="unit.status",
            subject_type="Unit",
            subject_id=unit.id,
            data={"old": old.value, "new": new.value},
            created_at=at(day),
        )
    )


def test_each_month_end_shows_let_empty_for_n_months_or_off_the_record(make_org, make_unit):
    area = make_org().areas[0]
    relet = make_unit(
        area=area, created_at=at(date(2026, 1, 10)), vacant_since=None, status=UnitStatus.LISTED
    )
    status_change(relet, date(2026, 3, 5), UnitStatus.LISTED, UnitStatus.LET)
    status_change(relet, date(2026, 6, 20), UnitStatus.LET, UnitStatus.LISTED)
    long_empty = make_unit(
        area=area,
        street=" hoogstraat ",
        created_at=at(date(2026, 4, 2)),
        vacant_since=date(2025, 12, 1),
    )
    withdrawn = make_unit(
        area=area,
        street="Kerkstraat",
        created_at=at(date(2025, 11, 1)),
        vacant_since=date(2025, 11, 1),
        status=UnitStatus.WITHDRAWN,
    )
    status_change(withdrawn, date(2026, 5, 10), UnitStatus.LISTED, UnitStatus.WITHDRAWN)
    db.session.commit()

    panel = area_panel(area.id, MONTHS)
    rows = dict(zip(panel.unit_ids, panel.states.tolist(), strict=True))
    assert rows[relet.id] == [1, 2, OCCUPIED, OCCUPIED, OCCUPIED, 1, 2, 3]
    assert rows[long_empty.id] == [UNKNOWN] * 3 + [5, 6, 7, 8, 9]
    assert rows[withdrawn.id] == [3, 4, 5, 6] + [UNKNOWN] * 4
    # Street names are matched whatever their case and spaces.
    assert panel.street_names == ["Hoogstraat", "Kerkstraat"]
    by_unit = dict(zip(panel.unit_ids, panel.streets.tolist(), strict=True))
    assert by_unit[relet.id] == by_unit[long_empty.id] != by_unit[withdrawn.id]
