"""Matching pages: who may see and do what, and no server error on any input."""

import csv
import io
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.fixtures_jobs import job_id_of
from tests.fixtures_lettings import MOTIVATION
from vrijstad import clock
from vrijstad.applications import services as applications
from vrijstad.extensions import db
from vrijstad.letting.models import Placement
from vrijstad.matching import allocation, services
from vrijstad.matching.models import AllocationRun, MatchInvitation, MatchWeights, StreetProfile
from vrijstad.notifications.models import Notification
from vrijstad.starters.models import BranchGroup, SpaceKind
from vrijstad.starters.services import profile_of
from vrijstad.units.models import UnitStatus


def invitations() -> int:
    return db.session.scalar(sa.select(sa.func.count(MatchInvitation.id)))


# A starter's matches -----------------------------------------------------------------------


def test_a_starter_sees_the_units_that_fit_and_why(client, login, unit, fashion_starter):
    login(fashion_starter)
    page = client.get("/my/matches")
    assert page.status_code == 200
    assert unit.address in page.text and '<details class="why">' in page.text
    assert page.text.count("<progress") == 8
    fragment = client.get("/my/matches?limit=3", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert unit.address in fragment.text and "HX-Request" in fragment.headers["Vary"]


def test_a_starter_without_a_profile_is_asked_to_complete_it(client, login, make_user, unit):
    login(make_user("starter"))
    page = client.get("/my/matches")
    assert page.status_code == 200 and "/my/profile" in page.text
    assert unit.address not in page.text


@pytest.mark.parametrize("limit", ["abc", "-5", "0", "99999999999999999999", "1e3", ""])
def test_garbage_limits_are_harmless(client, login, unit, fashion_starter, limit):
    login(fashion_starter)
    assert client.get(f"/my/matches?limit={limit}").status_code == 200


def test_matches_are_for_starters_only(client, login, make_user, org):
    assert client.get("/my/matches").status_code == 302  # to the login page
    for user in (make_user("landlord"), org.test_staff, make_user("admin")):
        client.post("/logout")
        login(user)
        assert client.get("/my/matches").status_code == 403


# A unit's candidates -----------------------------------------------------------------------


def test_the_landlord_side_sees_candidates_who_have_not_applied(
    ctx, client, login, org, unit, fashion_starter, make_starter, make_user
):
    applicant = make_starter(name="Al Gereageerd", trade_name="Al Bezig")
    applications.submit_application(applicant, unit, MOTIVATION)
    db.session.commit()
    for user in (unit.owner, org.test_staff, make_user("admin")):
        client.post("/logout")
        login(user)
        page = client.get(f"/units/{unit.id}/candidates")
        assert page.status_code == 200
        assert "Floor&#39;s Atelier" in page.text and "Al Bezig" not in page.text
        assert "Floor Fashion" not in page.text  # the trade name, not the person's name


def test_others_cannot_see_a_units_candidates_or_invite(
    client, login, make_user, make_org, make_starter, unit, fashion_starter
):
    for stranger in (make_user("landlord"), make_org().test_staff, make_starter(name="Ander")):
        client.post("/logout")
        login(stranger)
        assert client.get(f"/units/{unit.id}/candidates").status_code == 403
        url = f"/units/{unit.id}/candidates/{fashion_starter.id}/invite"
        assert client.post(url).status_code == 403
    assert client.get("/units/987654/candidates").status_code == 404
    assert invitations() == 0


def test_invite_to_apply_from_the_candidates(client, login, org, unit, fashion_starter):
    login(org.test_staff)
    url = f"/units/{unit.id}/candidates/{fashion_starter.id}/invite"
    assert client.post(url, csrf=False).status_code == 400
    response = client.post(url)
    assert response.status_code == 302 and response.location.endswith(
        f"/units/{unit.id}/candidates"
    )
    assert invitations() == 1
    assert (
        db.session.scalar(
            sa.select(Notification.kind).where(Notification.user_id == fashion_starter.id)
        )
        == "matching.invited"
    )
    page = client.get(f"/units/{unit.id}/candidates")
    assert "Floor&#39;s Atelier" in page.text and url not in page.text  # no second invitation
    again = client.post(url, follow_redirects=True)
    assert again.status_code == 200 and invitations() == 1
    nobody = client.post(f"/units/{unit.id}/candidates/987654/invite", follow_redirects=True)
    assert nobody.status_code == 200 and invitations() == 1


def test_a_let_unit_has_no_candidates(client, login, make_unit, area, fashion_starter):
    let = make_unit(area=area, status=UnitStatus.LET)
    login(let.owner)
    page = client.get(f"/units/{let.id}/candidates")
    assert page.status_code == 200 and "Floor" not in page.text


# Weights and street profiles ---------------------------------------------------------------


def weights_form(**change) -> dict:
    return services.weights_of(None) | change


def test_staff_tune_the_weights(client, login, org):
    login(org.test_staff)
    url = f"/organisations/{org.id}/matching"
    assert client.get(url).status_code == 200
    zeros = {name: "0" for name in weights_form()}
    huge = "99999999999999999999"
    for bad in (
        {"size": "-1"},
        {"size": "abc"},
        {"size": "11"},
        {"size": ""},
        zeros,
        {"size": huge},
    ):
        response = client.post(url, data=weights_form(**bad))
        assert response.status_code == 422, bad
    assert db.session.scalar(sa.select(MatchWeights)) is None
    response = client.post(url, data=weights_form(size=7))
    assert response.status_code == 302
    assert db.session.scalar(sa.select(MatchWeights.size)) == 7


def test_only_the_organisations_staff_tune_matching(
    client, login, org, make_org, make_user, make_starter, street
):
    urls = [
        f"/organisations/{org.id}/matching",
        f"/organisations/{org.id}/streets/{street.id}/profile",
        f"/organisations/{org.id}/allocation",
    ]
    for stranger in (make_org().test_staff, make_user("landlord"), make_starter(name="Ander")):
        client.post("/logout")
        login(stranger)
        for url in urls:
            assert client.get(url).status_code == 403, url
            assert client.post(url, data={"size": "5"}).status_code in (403, 405), url
    assert client.post(f"/organisations/{org.id}/allocation/invite").status_code == 403
    assert db.session.scalar(sa.select(MatchWeights)) is None


def test_staff_give_a_street_its_profile(client, login, org, make_org, street):
    login(org.test_staff)
    url = f"/organisations/{org.id}/streets/{street.id}/profile"
    assert client.get(url).status_code == 200
    both = {"wanted": ["services"], "excluded": ["services"]}
    assert client.post(url, data=both).status_code == 422
    assert client.post(url, data={"wanted": ["snackbars"]}).status_code == 422
    assert client.post(url, data={"note": "x" * 501}).status_code == 422
    assert db.session.scalar(sa.select(StreetProfile)) is None
    data = {
        "wanted": ["fashion_luxury", "services"],
        "excluded": ["leisure_horeca"],
        "note": "Ambacht",
    }
    response = client.post(url, data=data)
    assert response.status_code == 302
    profile = db.session.scalar(sa.select(StreetProfile))
    assert profile.wanted == [BranchGroup.FASHION_LUXURY, BranchGroup.SERVICES]
    assert profile.excluded == [BranchGroup.LEISURE_HORECA]
    overview = client.get(f"/organisations/{org.id}/matching").text
    assert "Ambacht" in overview
    other_street = make_org().areas[0].streets[0]
    assert (
        client.get(f"/organisations/{org.id}/streets/{other_street.id}/profile").status_code == 404
    )
    assert client.get(f"/organisations/{org.id}/streets/987654/profile").status_code == 404


# Allocation --------------------------------------------------------------------------------


def run_page(response) -> str:
    """The allocation page a POST redirected to."""
    assert response.status_code == 303, response.text
    assert "/allocation/runs/" in response.location, response.location
    return response.location


def test_staff_allocate_and_invite_the_chosen_pairs(
    client, login, org, area, make_unit, unit, fashion_starter, make_starter
):
    second = make_starter(name="Tweede", trade_name="Tweede Zaak")
    login(org.test_staff)
    url = f"/organisations/{org.id}/allocation"
    page = client.get(url)
    assert page.status_code == 200 and unit.address in page.text and "Tweede Zaak" in page.text
    assert f'value="area-{area.id}"' in page.text
    data = {
        "scope": f"area-{area.id}",
        "units": [unit.id],
        "starters": [fashion_starter.id, second.id],
    }
    location = run_page(client.post(url, data=data))
    result = client.get(location)
    assert result.status_code == 200
    assert "Floor&#39;s Atelier" in result.text and '<details class="why">' in result.text
    assert "Tweede Zaak" in result.text  # the runner-up, or a starter without a unit
    pair = f"{unit.id}:{fashion_starter.id}"
    assert pair in result.text
    run_id = location.rsplit("/", 1)[1]
    response = client.post(f"{url}/invite", data={"pairs": [pair], "run": run_id})
    assert response.status_code == 302 and response.location.endswith(location)
    assert invitations() == 1
    again = client.get(location).text
    assert "Uitgenodigd" in again and f'value="{pair}"' not in again
    assert "Eerdere toewijzingen" in client.get(url).text
    assert client.post(f"{url}/invite", data={"pairs": ["1:2:3"]}).status_code == 400
    assert client.post(f"{url}/invite", data={"pairs": ["a:b"]}).status_code == 400
    assert client.post(f"{url}/invite", data={"pairs": [pair]}, csrf=False).status_code == 400
    assert client.post(f"{url}/invite", data={}).status_code == 302


@pytest.mark.parametrize(
    "data",
    [
        {"units": ["x"], "starters": ["y"]},
        {"units": ["987654"]},
        {"min_score": "-3"},
        {"min_score": "veel"},
        {},
    ],
)
def test_bad_allocation_choices_say_what_is_wrong(
    client, login, org, area, unit, fashion_starter, data
):
    login(org.test_staff)
    url = f"/organisations/{org.id}/allocation"
    response = client.post(url, data={"scope": f"area-{area.id}", **data})
    assert response.status_code == 422
    assert unit.address in response.text and "/allocation/runs/" not in response.text


@pytest.mark.parametrize("scope", ["abc", "area-", "", "collective-x"])
def test_a_garbage_scope_shows_the_first_area_or_is_refused(client, login, org, unit, scope):
    login(org.test_staff)
    url = f"/organisations/{org.id}/allocation"
    page = client.get(url, query_string={"scope": scope})
    assert page.status_code == 200 and unit.address in page.text
    assert client.post(url, data={"scope": scope, "units": [unit.id]}).status_code == 400


def test_staff_never_allocate_another_organisations_area_or_collective(
    client, login, org, make_org, make_unit, unit, fashion_starter, collective
):
    other = make_org()
    theirs = make_unit(area=other.areas[0], street="Kerkstraat")
    login(org.test_staff)
    url = f"/organisations/{org.id}/allocation"
    for scope in (
        f"area-{other.areas[0].id}",
        f"collective-{collective.id}",
        "area-987654",
        "collective-99999999999999999999",
    ):
        assert client.get(url, query_string={"scope": scope}).status_code == 404, scope
        data = {"scope": scope, "units": [theirs.id], "starters": [fashion_starter.id]}
        assert client.post(url, data=data).status_code == 404, scope
    client.post("/logout")
    login(other.test_staff)
    assert client.get(url).status_code == 403
    assert client.post(url, data={"scope": f"area-{org.areas[0].id}"}).status_code == 403


def test_an_allocation_without_units_or_candidates_says_so(client, login, org, area):
    login(org.test_staff)
    page = client.get(f"/organisations/{org.id}/allocation")
    assert page.status_code == 200
    assert "geen open panden" in page.text.lower()
    run = client.post(f"/organisations/{org.id}/allocation", data={"scope": f"area-{area.id}"})
    assert run.status_code == 422 and "geen panden om toe te wijzen" in run.text.lower()


def test_an_empty_collective_says_so(client, login, collective, make_starter):
    for unit in collective.units:  # both units are taken
        occupant = make_starter(name="Bewoner")
        db.session.add(
            Placement(
                unit_id=unit.id,
                starter_id=occupant.id,
                organisation_id=collective.organisation_id,
                kind=SpaceKind.POPUP,
                start_date=clock.today(),
                end_date=clock.today() + timedelta(days=200),
                base_fee_cents_per_month=50_000,
                starter_trade_name="Bezet",
            )
        )
    db.session.commit()
    login(collective.staff)
    url = f"/organisations/{collective.organisation_id}/allocation"
    page = client.get(url, query_string={"scope": f"collective-{collective.id}"})
    assert page.status_code == 200
    assert "Samen in de Stad" in page.text and "geen vrije panden" in page.text
    assert 'name="run"' not in page.text


def test_staff_allocate_the_free_units_of_a_collective(
    client, login, collective, make_unit, make_starter
):
    outside = make_unit(area=collective.area, street="Buitenstraat")  # not in the collective
    starter = make_starter(name="Kandidaat", trade_name="Kandidaat & Co")
    login(collective.staff)
    url = f"/organisations/{collective.organisation_id}/allocation"
    page = client.get(url, query_string={"scope": f"collective-{collective.id}"})
    assert page.status_code == 200
    assert all(f'value="{u.id}"' in page.text for u in collective.units)
    assert "Buitenstraat" not in page.text
    data = {
        "scope": f"collective-{collective.id}",
        "starters": [starter.id],
        "units": [*(u.id for u in collective.units), outside.id],
    }
    assert client.post(url, data=data).status_code == 422  # not one of the collective's
    data["units"].remove(outside.id)
    result = client.get(run_page(client.post(url, data=data)))
    assert "Samen in de Stad" in result.text and "Buitenstraat" not in result.text
    run = db.session.scalar(sa.select(AllocationRun))
    assert run.collective_id == collective.id
    assert sorted(run.unit_ids) == sorted(u.id for u in collective.units)


def test_someone_elses_allocation_is_not_found(
    client, login, org, make_org, area, unit, fashion_starter
):
    login(org.test_staff)
    url = f"/organisations/{org.id}/allocation"
    data = {"scope": f"area-{area.id}", "units": [unit.id], "starters": [fashion_starter.id]}
    location = run_page(client.post(url, data=data))
    run_id = location.rsplit("/", 1)[1]
    other = make_org(staff_role="admin")
    assert client.get(f"/organisations/{org.id}/allocation/runs/987654").status_code == 404
    client.post("/logout")
    login(other.test_staff)
    assert client.get(location).status_code == 403
    assert client.get(f"/organisations/{other.id}/allocation/runs/{run_id}").status_code == 404


# A large allocation runs as a background job -------------------------------------------------


def large_allocation(client, login, org, area, unit, fashion_starter, job_settings):
    """Post an allocation over the inline limit (set to 0); return the response."""
    job_settings(MATCHING_INLINE_PAIRS=0)
    login(org.test_staff)
    data = {"scope": f"area-{area.id}", "units": [unit.id], "starters": [fashion_starter.id]}
    return client.post(f"/organisations/{org.id}/allocation", data=data)


def test_a_large_allocation_runs_as_a_job_inline(
    client, login, org, area, unit, fashion_starter, job_settings
):
    job_settings(REDIS_URL="")
    response = large_allocation(client, login, org, area, unit, fashion_starter, job_settings)
    job_id = job_id_of(response)
    status = client.get(f"/jobs/{job_id}")
    assert "Klaar" in status.text and "Bekijk de toewijzing" in status.text
    run = db.session.scalar(sa.select(AllocationRun))
    assert run.job_id == job_id and run.done
    assert run.result["pairs"][0][:2] == [unit.id, fashion_starter.id]
    result = client.get(f"/organisations/{org.id}/allocation/runs/{run.id}")
    assert "Floor&#39;s Atelier" in result.text and f"{unit.id}:{fashion_starter.id}" in result.text


def test_a_large_allocation_on_a_worker_shows_progress_then_the_result(
    client, login, org, area, unit, fashion_starter, job_settings, rq_worker
):
    response = large_allocation(client, login, org, area, unit, fashion_starter, job_settings)
    job_id = job_id_of(response)
    run = db.session.scalar(sa.select(AllocationRun))
    page = client.get(f"/organisations/{org.id}/allocation/runs/{run.id}")
    assert "wordt nog berekend" in page.text and f"/jobs/{job_id}" in page.text
    waiting = client.get(f"/jobs/{job_id}")
    assert "<progress" in waiting.text and 'hx-trigger="every 1s"' in waiting.text
    rq_worker()
    done = client.get(f"/jobs/{job_id}", headers={"HX-Request": "true"})
    run_url = f"/organisations/{org.id}/allocation/runs/{run.id}"
    assert f'href="{run_url}"' in done.text
    result = client.get(run_url)
    assert "Floor&#39;s Atelier" in result.text and 'id="result-heading"' in result.text


def test_a_large_allocation_with_redis_down_is_a_clear_503(
    client, login, org, area, unit, fashion_starter, job_settings, redis_down
):
    response = large_allocation(client, login, org, area, unit, fashion_starter, job_settings)
    assert response.status_code == 503
    assert db.session.scalar(sa.select(sa.func.count(AllocationRun.id))) == 0


# Starters who want no invitations -------------------------------------------------------------


def test_a_starter_can_opt_out_of_invitations(
    client, login, org, area, street, unit, fashion_starter
):
    login(fashion_starter)
    page = client.get("/my/profile")
    assert 'name="invitations_opt_out"' in page.text
    form = {
        "trade_name": "Floor's Atelier",
        "min_area_m2": "60",
        "max_area_m2": "120",
        "city": "Dijkerveen",
        "street_ids": [street.id],
    }
    assert client.post("/my/profile", data=form).status_code == 302
    assert profile_of(fashion_starter).invitations_opt_out is False
    assert client.post("/my/profile", data=form | {"invitations_opt_out": "y"}).status_code == 302
    db.session.expire_all()
    assert profile_of(fashion_starter).invitations_opt_out is True
    box = re.search(r"<input[^>]*invitations_opt_out[^>]*>", client.get("/my/profile").text)
    assert "checked" in box.group(0)
    client.post("/logout")
    login(org.test_staff)
    candidates = client.get(f"/units/{unit.id}/candidates")
    assert "Floor&#39;s Atelier" in candidates.text  # still shown …
    assert "Wil geen uitnodigingen" in candidates.text  # … but marked, without the button
    assert f"/candidates/{fashion_starter.id}/invite" not in candidates.text
    forged = client.post(f"/units/{unit.id}/candidates/{fashion_starter.id}/invite")
    assert forged.status_code == 302
    assert "wil niet uitgenodigd worden" in client.get(forged.location).text
    url = f"/organisations/{org.id}/allocation"
    assert "wil geen uitnodigingen" in client.get(url).text
    data = {"scope": f"area-{area.id}", "units": [unit.id], "starters": [fashion_starter.id]}
    location = run_page(client.post(url, data=data))
    result = client.get(location).text
    assert "Wil geen uitnodigingen" in result and 'name="pairs"' not in result
    pair = f"{unit.id}:{fashion_starter.id}"
    sent = client.post(f"{url}/invite", data={"pairs": [pair]})
    assert "wil niet uitgenodigd worden" in client.get(sent.location).text
    assert invitations() == 0


def test_a_long_allocation_is_shown_page_by_page(
    client, login, org, area, make_unit, unit, fashion_starter, make_starter, monkeypatch
):
    monkeypatch.setattr(allocation, "PAIRS_PER_PAGE", 1)
    second_unit = make_unit(area=area, street="Kerkstraat")
    second = make_starter(
        name="Tweede",
        trade_name="Tweede Zaak",
        streets=fashion_starter.starter_profile.streets
        if hasattr(fashion_starter, "starter_profile")
        else [],
    )
    login(org.test_staff)
    data = {
        "scope": f"area-{area.id}",
        "units": [unit.id, second_unit.id],
        "starters": [fashion_starter.id, second.id],
    }
    url = run_page(client.post(f"/organisations/{org.id}/allocation", data=data))
    run = db.session.scalar(sa.select(AllocationRun))
    assert len(run.result["pairs"]) == 2
    shown = []
    for number in (1, 2):
        page = client.get(url, query_string={"page": number}).text
        assert f"Pagina {number} van 2" in page
        boxes = re.findall(r'name="pairs" value="(\d+:\d+)"', page)
        assert len(boxes) == 1
        shown += boxes
    assert sorted(shown) == sorted(f"{u}:{s}" for u, s, *_ in run.result["pairs"])
    assert "Pagina 2 van 2" in client.get(url, query_string={"page": 99}).text


def test_staff_download_the_whole_allocation_as_csv(
    client, login, org, area, make_unit, unit, fashion_starter, make_starter
):
    second_unit = make_unit(area=area, street="Kerkstraat", floor_area_vvo=2000)  # fits no one
    login(org.test_staff)
    data = {
        "scope": f"area-{area.id}",
        "units": [unit.id, second_unit.id],
        "starters": [fashion_starter.id],
    }
    location = run_page(client.post(f"/organisations/{org.id}/allocation", data=data))
    assert f'href="{location}.csv"' in client.get(location).text
    response = client.get(f"{location}.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Pand", "Starter", "Score", "Tweede keus", "Score tweede keus"]
    assert rows[1][:2] == [f"{unit.address}, {unit.city}", "Floor's Atelier"]
    assert int(rows[1][2]) > 0
    assert rows[2] == [f"{second_unit.address}, {second_unit.city}", "", "", "", ""]
    assert len(rows) == 3
