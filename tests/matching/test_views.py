"""Matching pages: who may see and do what, and no server error on any input."""

import pytest
import sqlalchemy as sa

from tests.fixtures_lettings import MOTIVATION
from vrijstad.applications import services as applications
from vrijstad.extensions import db
from vrijstad.matching import services
from vrijstad.matching.models import MatchInvitation, MatchWeights, StreetProfile
from vrijstad.notifications.models import Notification
from vrijstad.starters.models import BranchGroup
from vrijstad.units.models import UnitStatus


def invitations() -> int:
    return db.session.scalar(sa.select(sa.func.count(MatchInvitation.id)))


# A starter's matches -----------------------------------------------------------------------


def test_a_starter_sees_the_units_that_fit_and_why(client, login, unit, fashion_starter):
    login(fashion_starter)
    page = client.get("/my/matches")
    assert page.status_code == 200
    assert unit.address in page.text and '<details class="why">' in page.text
    assert page.text.count("<progress") == 7
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
    urls = [f"/organisations/{org.id}/matching",
            f"/organisations/{org.id}/streets/{street.id}/profile",
            f"/organisations/{org.id}/allocation"]  # fmt: skip
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


def test_staff_allocate_and_invite_the_chosen_pairs(
    client, login, org, area, make_unit, unit, fashion_starter, make_starter
):
    second = make_starter(name="Tweede", trade_name="Tweede Zaak", city="Dijkerveen")
    login(org.test_staff)
    url = f"/organisations/{org.id}/allocation"
    page = client.get(url)
    assert page.status_code == 200 and unit.address in page.text and "Tweede Zaak" in page.text
    query = {"area": area.id, "units": [unit.id], "starters": [fashion_starter.id, second.id],
             "run": "1"}  # fmt: skip
    result = client.get(url, query_string=query)
    assert result.status_code == 200
    assert "Floor&#39;s Atelier" in result.text and '<details class="why">' in result.text
    pair = f"{unit.id}:{fashion_starter.id}"
    assert pair in result.text
    back = "&".join(f"{k}={v}" for k, values in query.items()
                    for v in (values if isinstance(values, list) else [values]))  # fmt: skip
    response = client.post(f"{url}/invite", data={"pairs": [pair], "back": back})
    assert response.status_code == 302 and f"units={unit.id}" in response.location
    assert invitations() == 1
    assert client.post(f"{url}/invite", data={"pairs": ["1:2:3"]}).status_code == 400
    assert client.post(f"{url}/invite", data={"pairs": ["a:b"]}).status_code == 400
    assert client.post(f"{url}/invite", data={"pairs": [pair]}, csrf=False).status_code == 400
    assert client.post(f"{url}/invite", data={}).status_code == 302


@pytest.mark.parametrize(
    "query",
    [
        {"area": "abc"},
        {"area": "987654", "run": "1"},
        {"area": "99999999999999999999", "run": "1"},
        {"run": "1", "units": ["x"], "starters": ["y"]},
        {"run": "1", "units": ["987654"]},
        {"run": "1", "min_score": "-3"},
        {"run": "1", "min_score": "veel"},
        {"run": "1"},
    ],
)
def test_bad_allocation_choices_say_what_is_wrong(client, login, org, unit, fashion_starter, query):
    login(org.test_staff)
    response = client.get(f"/organisations/{org.id}/allocation", query_string=query)
    assert response.status_code == (422 if "run" in query else 200)
    assert 'id="result-heading"' not in response.text


def test_staff_never_allocate_another_organisations_area(
    client, login, org, make_org, make_unit, unit, fashion_starter
):
    other = make_org()
    theirs = make_unit(area=other.areas[0], street="Kerkstraat")
    login(org.test_staff)
    query = {"area": other.areas[0].id, "units": [theirs.id], "run": "1"}
    response = client.get(f"/organisations/{org.id}/allocation", query_string=query)
    assert response.status_code == 422 and "Kerkstraat" not in response.text
    assert unit.address in response.text  # its own area instead
    client.post("/logout")
    login(other.test_staff)
    assert client.get(f"/organisations/{org.id}/allocation").status_code == 403


def test_an_allocation_without_units_or_candidates_says_so(client, login, org, area):
    login(org.test_staff)
    page = client.get(f"/organisations/{org.id}/allocation")
    assert page.status_code == 200
    assert "geen open panden" in page.text.lower() or "no open units" in page.text.lower()
    run = client.get(
        f"/organisations/{org.id}/allocation", query_string={"area": area.id, "run": "1"}
    )
    assert run.status_code == 422
