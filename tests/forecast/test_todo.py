"""The forecast's alert on the staff's "Te doen" list (issue 26): a street expected to pass
the healthy maximum within six months; on the page, not in the navigation's count."""

from datetime import timedelta

from tests.forecast.test_services import TODAY, at, change
from vrijstad import clock
from vrijstad.extensions import db
from vrijstad.forecast.todo import streets_tipping
from vrijstad.todo.registry import providers
from vrijstad.units.models import UnitStatus


def tipping_street(area, make_unit, today=TODAY) -> None:
    """Ten let units in the Hoogstraat of which one falls empty every month (let again four
    months later), and ten quiet ones in the Kerkstraat, up to `today`."""
    opened = clock.add_months(today, -30)
    units = {
        street: [
            make_unit(
                area=area,
                street=street,
                status=UnitStatus.LET,
                vacant_since=None,
                created_at=at(opened),
            )
            for _ in range(10)
        ]
        for street in ("Hoogstraat", "Kerkstraat")
    }
    for unit in units["Hoogstraat"] + units["Kerkstraat"]:
        change(unit, clock.add_months(opened, 1), UnitStatus.LISTED, UnitStatus.LET)
    for month in range(24):
        unit = units["Hoogstraat"][month % 10]
        fell = clock.add_months(today, month - 24).replace(day=5)
        change(unit, fell, UnitStatus.LET, UnitStatus.LISTED)
        back = min(clock.add_months(fell, 4), today - timedelta(days=1))
        change(unit, back, UnitStatus.LISTED, UnitStatus.LET)
    db.session.commit()


def test_a_street_forecast_to_pass_the_maximum_is_on_the_list(ctx, make_org, make_unit):
    organisation = make_org()
    area = organisation.areas[0]
    tipping_street(area, make_unit)
    [task] = streets_tipping([organisation.id], TODAY)
    assert task.title == "Hoogstraat gaat naar verwachting over de gezonde leegstandsgrens"
    assert task.due == clock.add_months(TODAY, 3)
    assert task.url == f"/dashboard/areas/{area.id}/forecast"
    assert streets_tipping([make_org().id], TODAY) == []


def test_the_forecast_is_left_out_of_the_navigation_count():
    counted = {provider.kind for provider in providers(counted_only=True)}
    assert "forecast.street" not in counted
    assert {provider.kind for provider in providers()} - counted == {"forecast.street"}
