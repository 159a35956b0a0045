"""The state of play: a unit with an open offer or a reservation and a starter with a place
are left out of the allocation and of candidate lists, or shown marked when staff ask."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.fixtures_lettings import MOTIVATION
from vrijstad import clock
from vrijstad.applications import services as applications
from vrijstad.extensions import db
from vrijstad.letting.models import Placement, PlacementStatus
from vrijstad.matching import services
from vrijstad.matching.models import AllocationRun, Held
from vrijstad.starters.models import BranchGroup
from vrijstad.units.models import UnitStatus


@pytest.fixture
def play(ctx, org, area, make_unit, make_starter, place, terms):
    """An open unit, one with an open offer, a reserved one; a free starter, a placed one, one
    whose placement is agreed to start next month and one whose placement ended."""
    free_unit = make_unit(area=area, street="Kerkstraat")
    offered_unit = make_unit(area=area, street="Kerkstraat")
    reserved_unit = make_unit(area=area, street="Kerkstraat", status=UnitStatus.RESERVED)
    free = make_starter(name="Vrij", trade_name="Vrije Zaak")
    talker = make_starter(name="Gesprek", trade_name="In Gesprek")
    application = applications.submit_application(talker, offered_unit, MOTIVATION)
    applications.shortlist(offered_unit.owner, application)
    applications.make_offer(offered_unit.owner, application, terms)
    db.session.commit()
    today = clock.today()
    placed = place(area, BranchGroup.LEISURE_HORECA)
    upcoming = place(
        area,
        BranchGroup.SERVICES,
        status=PlacementStatus.AGREED,
        start_date=today + timedelta(days=30),
        end_date=today + timedelta(days=400),
    )
    ended = place(area, BranchGroup.SERVICES, status=PlacementStatus.ENDED)
    return {
        "free_unit": free_unit,
        "offered_unit": offered_unit,
        "reserved_unit": reserved_unit,
        "free": free,
        "talker": talker,
        "placed": occupant(placed),
        "upcoming": occupant(upcoming),
        "ended": occupant(ended),
    }


def occupant(unit) -> int:
    """The starter placed in a unit."""
    return db.session.scalar(sa.select(Placement.starter_id).where(Placement.unit_id == unit.id))


def test_held_units_and_starters_are_left_out_of_the_choices(play, area):
    units, profiles = services.allocation_choices(area)
    ids = {p.user_id for p in profiles}
    assert [u.id for u in units] == [play["free_unit"].id]
    assert {play["free"].id, play["talker"].id, play["ended"]} <= ids
    assert play["placed"] not in ids and play["upcoming"] not in ids


def test_shown_marked_they_carry_the_reason(play, area):
    units, profiles = services.allocation_choices(area, with_held=True)
    assert services.held_units(units) == {
        play["offered_unit"].id: Held.OPEN_OFFER,
        play["reserved_unit"].id: Held.RESERVED,
    }
    held = services.held_starters([p.user_id for p in profiles], clock.today())
    assert held == {play["placed"]: Held.PLACED, play["upcoming"]: Held.PLACED}


def test_the_allocation_never_gives_a_held_unit_or_a_placed_starter(play, org, area):
    every_unit = [play[k].id for k in ("free_unit", "offered_unit", "reserved_unit")]
    every_starter = [play["free"].id, play["talker"].id, play["placed"], play["upcoming"]]
    result = services.allocate(org.test_staff, area, every_unit, every_starter)
    given = {(p.match.unit.id, p.match.starter_id) for p in result.pairs}
    assert {u for u, _s in given} <= {play["free_unit"].id}
    assert not {s for _u, s in given} & {play["placed"], play["upcoming"]}


def test_a_run_planned_before_an_offer_leaves_the_unit_out(
    ctx, org, area, make_unit, make_starter, terms
):
    first, second = make_unit(area=area), make_unit(area=area)
    starter = make_starter(name="Een", trade_name="Een Zaak")
    run = services.plan_allocation(org.test_staff, area, [first.id, second.id], [starter.id])
    application = applications.submit_application(starter, first, MOTIVATION)
    applications.shortlist(first.owner, application)
    applications.make_offer(first.owner, application, terms)
    services.compute_allocation(run)
    assert first.id not in {p[0] for p in run.result["pairs"]}
    assert first.id not in run.result["unassigned_units"]


def test_a_unit_s_candidates_leave_out_starters_with_a_place(play):
    unit = play["free_unit"]
    listed = {m.starter_id for m in services.recommend_starters(unit, 50)}
    assert play["free"].id in listed and play["placed"] not in listed
    marked = {m.starter_id for m in services.recommend_starters(unit, 50, with_held=True)}
    assert play["placed"] in marked and play["upcoming"] in marked


def test_the_allocation_page_hides_them_or_shows_them_marked_and_unticked(
    client, login, org, area, play
):
    login(org.test_staff)
    url = f"/organisations/{org.id}/allocation"
    page = client.get(url, query_string={"scope": f"area-{area.id}"}).text
    assert play["free_unit"].address in page and "Vrije Zaak" in page
    assert f'value="{play["offered_unit"].id}"' not in page
    assert f'value="{play["placed"]}"' not in page
    marked = client.get(url, query_string={"scope": f"area-{area.id}", "marked": "y"}).text
    assert "open aanbod" in marked and "gereserveerd" in marked
    assert "heeft al een plek" in marked
    for value in (play["offered_unit"].id, play["placed"]):
        box = marked[marked.index(f'value="{value}"') - 200 : marked.index(f'value="{value}"')]
        assert "checked" not in box.rsplit("<input", 1)[1]


def test_a_starter_chosen_on_purpose_while_shown_marked_is_allocated(
    client, login, org, area, play
):
    login(org.test_staff)
    url = f"/organisations/{org.id}/allocation"
    data = {"scope": f"area-{area.id}", "units": [play["free_unit"].id], "starters": []}
    data["starters"] = [play["placed"]]
    assert client.post(url, data=data).status_code == 422  # not a choice unless shown marked
    response = client.post(url, data=data | {"marked": "1"})
    assert response.status_code == 303
    run = db.session.get(AllocationRun, int(response.location.rsplit("/", 1)[1]))
    assert run.with_held and [p[1] for p in run.result["pairs"]] == [play["placed"]]


def test_the_candidates_page_marks_a_starter_with_a_place_when_asked(client, login, play):
    unit = play["free_unit"]
    login(unit.owner)
    page = client.get(f"/units/{unit.id}/candidates").text
    assert "Vrije Zaak" in page and "heeft al een plek" not in page
    marked = client.get(f"/units/{unit.id}/candidates?marked=1").text
    assert "heeft al een plek" in marked
