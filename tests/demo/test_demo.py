"""The Dijkerveen demo: built relative to any day, loaded twice without a change, and telling
the story a visitor should see (a two-year trend, street pages, photos, money, contests and
subsidies in every phase)."""

import html
import json
import re
from datetime import datetime

import pytest
import sqlalchemy as sa
import time_machine
from babel.dates import format_date

from vrijstad import clock
from vrijstad.areas.models import Area, Street
from vrijstad.billing.models import Invoice, InvoiceReminder, InvoiceStatus
from vrijstad.bylaw.models import BylawCase, BylawStage
from vrijstad.clock import add_months
from vrijstad.contests.models import Contest, ContestStatus
from vrijstad.demo import DEMO_PASSWORD
from vrijstad.extensions import db
from vrijstad.subsidies.models import SubsidyApplication, SubsidyStatus
from vrijstad.units.models import PUBLIC_STATUSES, Unit

MANAGER = "manager@binnenstad-dijkerveen.example"


def _row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def _load(runner) -> None:
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    assert "Demo data loaded" in result.output


def test_loading_the_demo_twice_changes_nothing(runner):
    _load(runner)
    before = _row_counts()
    assert before["vacancy_snapshots"] and before["unit_photos"] and before["invoices"]
    again = runner.invoke(args=["demo-data"])
    assert again.exit_code == 0, again.output
    assert "already loaded; nothing changed" in again.output
    db.session.expire_all()
    assert _row_counts() == before


def _trend(page: str) -> dict:
    """The dashboard's trend chart: months on the x-axis, vacancy by count first."""
    section = page[page.index('id="h-trend"') :]
    data = re.search(r"data-chart='([^']*)'", section)[1]
    return json.loads(html.unescape(data))


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2027, 1, 1, 0, 30, tzinfo=clock.AMSTERDAM),
        datetime(2028, 2, 29, 23, 30, tzinfo=clock.AMSTERDAM),
    ],
    ids=["new-year", "leap-day"],
)
def test_the_demo_tells_its_story_on_any_day(runner, client, moment):
    with time_machine.travel(moment, tick=False):
        _load(runner)
        today = clock.today()
        this_month = today.replace(day=1)
        first = add_months(this_month, -23)
        response = client.post("/login", data={"email": MANAGER, "password": DEMO_PASSWORD})
        assert response.status_code == 302
        for area in db.session.scalars(sa.select(Area).order_by(Area.id)):
            period = f"from={first:%Y-%m}&to={this_month:%Y-%m}"
            board = f"/dashboard/areas/{area.id}?tab=vacancy&{period}"
            page = client.get(board)
            assert page.status_code == 200
            labels = _trend(page.text)["labels"]
            assert len(labels) == 24, (area.name, labels)
            language = re.search(r'<html lang="(\w+)"', page.text)[1]
            assert labels[0] == format_date(first, "LLL yyyy", locale=language)
            assert labels[-1] == format_date(this_month, "LLL yyyy", locale=language)
            assert "have no snapshot" not in page.text and "has no snapshot" not in page.text
            two_years_ago = add_months(this_month, -24)
            page = client.get(f"/dashboard/areas/{area.id}?tab=vacancy&from={two_years_ago:%Y-%m}")
            by_count = _trend(page.text)["datasets"][0]["data"]
            assert len(by_count) == 25 and by_count[0] > by_count[-1], (area.name, by_count)
        client.post("/logout")

        streets = db.session.scalars(sa.select(Street).order_by(Street.id)).all()
        assert len(streets) == 9
        for street in streets:  # public pages, seen by anyone
            page = client.get(f"/streets/{street.id}")
            assert page.status_code == 200, street.name
            assert "street-story" in page.text
            assert "Welkom hier:" in page.text  # the profile's branch mix

        offered = db.session.scalars(sa.select(Unit).where(Unit.status.in_(PUBLIC_STATUSES))).all()
        assert offered
        for unit in offered:
            assert unit.photos, unit.address
            with client.get(f"/media/units/{unit.id}/{unit.photos[0].thumbnail}") as thumb:
                assert thumb.status_code == 200 and thumb.data[:2] == b"\xff\xd8"  # a JPEG

        invoices = db.session.scalars(sa.select(Invoice)).all()
        assert {InvoiceStatus.OPEN, InvoiceStatus.PAID} <= {i.status for i in invoices}
        overdue = [i for i in invoices if i.outstanding_cents and (today - i.due_on).days >= 21]
        assert any(i.paid_cents == 0 for i in overdue)
        for invoice in overdue:  # both reminders went out, as the daily run sends them
            levels = db.session.scalars(
                sa.select(InvoiceReminder.level).where(InvoiceReminder.invoice_id == invoice.id)
            ).all()
            assert sorted(levels) == [7, 21]
        assert any(i.outstanding_cents and i.due_on >= today for i in invoices)  # open, not due

        contests = db.session.scalars(sa.select(Contest.status)).all()
        assert sorted(contests) == sorted(
            [ContestStatus.OPEN, ContestStatus.JUDGING, ContestStatus.RUNNING]
        )
        states = set(db.session.scalars(sa.select(SubsidyApplication.status)))
        assert states == set(SubsidyStatus) - {SubsidyStatus.WITHDRAWN}

        # The staff's day: follow-ups and bylaw steps on "Te doen", cases, footfall.
        client.post("/login", data={"email": MANAGER, "password": DEMO_PASSWORD})
        todo = client.get("/todo").text
        assert "Terugbellen over het huurvoorstel Brugstraat" in todo  # due today
        assert "Meldplicht voor Lange Nieuwstraat" in todo  # vacant for years, not reported
        stages = dict(
            db.session.execute(
                sa.select(BylawCase.stage, sa.func.count()).group_by(BylawCase.stage)
            ).all()
        )
        assert stages == {BylawStage.CONSULT_INVITED: 1, BylawStage.REPORTED: 1}
        organisation_id = db.session.scalar(sa.select(Area.organisation_id).limit(1))
        relations = client.get(f"/organisations/{organisation_id}/relations").text
        assert "Van Dam Bedrijfshuisvesting" in relations and "Henk Jansen Vastgoed" in relations
        centre = db.session.scalar(sa.select(Area).order_by(Area.id))
        footfall = client.get(f"/dashboard/areas/{centre.id}/footfall")
        assert footfall.status_code == 200 and "Hoogstraat" in footfall.text
        hidden = client.get(f"/organisations/{organisation_id}/hidden-vacancy").text
        assert "Hoogstraat 52" in hidden and "Kringloopwinkel Tweede Kans" in hidden
        scenarios = client.get(f"/dashboard/areas/{centre.id}/scenarios").text
        assert (
            "Kern volgens straatklasse" in scenarios
            and "Compacte kern zonder Kerkstraat" in scenarios
        )
        hoogstraat = db.session.scalar(sa.select(Unit).where(Unit.street == "Hoogstraat"))
        assert "passanten per week in deze straat" in client.get(f"/units/{hoogstraat.id}").text
