"""Staff create, change, copy, recompute, compare and delete scenarios; bad input is refused
with the field named and nothing written; only the area's own staff get in."""

import pytest
import sqlalchemy as sa

from tests.scenarios.conftest import zones_form
from vrijstad import clock
from vrijstad.extensions import db
from vrijstad.scenarios.models import Scenario, ScenarioZone
from vrijstad.units.models import UnitStatus


def _count() -> tuple[int, int]:
    return (
        db.session.scalar(sa.select(sa.func.count()).select_from(Scenario)),
        db.session.scalar(sa.select(sa.func.count()).select_from(ScenarioZone)),
    )


def _create(client, area, name: str = "Compacte kern", **zones):
    data = {"name": name, "note": "Kerkstraat blijft aanloop."} | zones_form(area, **zones)
    return client.post(f"/dashboard/areas/{area.id}/scenarios/new", data=data)


def test_staff_create_a_scenario_and_read_its_figures_in_dutch(client, login, town, schemes):
    login(town.test_staff)
    area = town.areas[0]
    form = client.get(f"/dashboard/areas/{area.id}/scenarios/new")
    assert form.status_code == 200
    assert "Kerkstraat" in form.text and "aanloopgebied" in form.text
    assert 'value="approach" selected' in form.text  # B1 starts as approach
    saved = _create(client, area)
    assert saved.status_code == 302, saved.text
    page = client.get(saved.location)
    assert "Het scenario is opgeslagen en de cijfers zijn berekend." in page.text
    assert "75,0" in page.text and "25,0" in page.text  # core vacancy before and after
    assert "2 (waarvan 1 verhuizen van buiten de kern)" in page.text
    assert "150 m² in 1 pand" in page.text
    assert "€\xa010.500,00" in page.text  # the starter-rent scheme for the two moves
    assert "ten hoogste €\xa025.000,00" in page.text  # HIRB+ for a transformation study
    assert "Berekend op" in page.text and f"{clock.today():%d-%m-%Y}" in page.text


def test_without_schemes_no_money_is_invented(client, login, town):
    login(town.test_staff)
    page = client.get(_create(client, town.areas[0]).location)
    assert page.text.count("Geen regeling dekt dit.") == 2


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"name": "  "}, "name", "Geef het scenario een naam."),
        (
            {"zones": {"Hoogstraat": "approach"}},
            "zones",
            "Maak minstens één straat kernwinkelgebied.",
        ),
        ({"zones": {"Kerkstraat": "woonwijk"}}, "zone-", "Kies kernwinkelgebied, aanloopgebied of"),
    ],
)
def test_bad_input_is_refused_with_the_field_and_nothing_written(
    client, login, town, change, field, message
):
    login(town.test_staff)
    area = town.areas[0]
    data = {"name": change.get("name", "Plan")} | zones_form(area, **change.get("zones", {}))
    refused = client.post(f"/dashboard/areas/{area.id}/scenarios/new", data=data)
    assert refused.status_code == 422
    assert message in refused.text
    assert f'id="{field}' in refused.text and "aria-invalid" in refused.text
    assert _count() == (0, 0)


def test_another_areas_street_is_refused(client, login, town, make_org):
    other = make_org().areas[0].streets[0]
    login(town.test_staff)
    area = town.areas[0]
    data = {"name": "Plan", f"zone-{other.id}": "core"} | zones_form(area)
    refused = client.post(f"/dashboard/areas/{area.id}/scenarios/new", data=data)
    assert refused.status_code == 422
    assert "Deze straat hoort niet bij de straten van dit gebied." in refused.text
    assert _count() == (0, 0)


def test_a_name_is_unique_within_the_area(client, login, town):
    login(town.test_staff)
    assert _create(client, town.areas[0]).status_code == 302
    twice = _create(client, town.areas[0])
    assert (
        twice.status_code == 422 and "Dit gebied heeft al een scenario met deze naam." in twice.text
    )
    assert _count() == (1, 3)


def test_figures_stay_as_computed_until_staff_recompute(client, login, town, make_unit):
    login(town.test_staff)
    area = town.areas[0]
    scenario_url = _create(client, area).location
    scenario = db.session.scalar(sa.select(Scenario))
    assert scenario.computed_on == clock.today()
    assert scenario.figures["core"]["vacant"] == 3
    make_unit(area=area, floor_area_vvo=40, status=UnitStatus.DRAFT)  # one more empty unit
    db.session.expire_all()
    assert "75,0" in client.get(scenario_url).text  # the stored figures, not today's
    done = client.post(f"{scenario_url}/recompute")
    assert done.status_code == 302
    db.session.expire_all()
    scenario = db.session.get(Scenario, scenario.id)
    assert (scenario.figures["core"]["units"], scenario.figures["core"]["vacant"]) == (5, 4)
    page = client.get(scenario_url)
    assert "De cijfers zijn opnieuw berekend" in page.text and "80,0" in page.text


def test_edit_duplicate_compare_and_delete(client, login, town):
    login(town.test_staff)
    area = town.areas[0]
    first = _create(client, area, "Smalle kern").location
    first_id = int(first.rsplit("/", 1)[1])
    edited = client.post(
        f"{first}/edit",
        data={"name": "Brede kern", "note": ""} | zones_form(area, Kerkstraat="core"),
    )
    assert edited.status_code == 302
    scenario = db.session.get(Scenario, first_id)
    db.session.refresh(scenario)
    assert scenario.name == "Brede kern" and scenario.figures["core"]["units"] == 5
    copied = client.post(f"{first}/duplicate")
    assert copied.status_code == 302 and copied.location.endswith("/edit")
    names = set(db.session.scalars(sa.select(Scenario.name)))
    assert names == {"Brede kern", "Brede kern (kopie)"}
    copy_id = db.session.scalar(sa.select(Scenario.id).where(Scenario.id != first_id))
    compared = client.get(
        f"/dashboard/areas/{area.id}/scenarios/compare?ids={first_id}&ids={copy_id}"
    )
    assert compared.status_code == 200
    assert compared.text.count("Brede kern") >= 2 and "Leegstand in de kern nu" in compared.text
    alone = client.get(f"/dashboard/areas/{area.id}/scenarios/compare?ids={first_id}")
    assert alone.status_code == 302
    assert "Kies twee tot vier scenario" in client.get(alone.location).text
    detail = client.get(f"/scenarios/{copy_id}").text
    assert "<summary>Dit scenario verwijderen</summary>" in detail  # asked before it goes
    assert client.post(f"/scenarios/{copy_id}/delete").status_code == 302
    assert _count() == (1, 3)


def test_another_areas_scenario_is_not_compared(client, login, town, make_org):
    login(town.test_staff)
    area = town.areas[0]
    mine = int(_create(client, area).location.rsplit("/", 1)[1])
    other_org = make_org()
    client.post("/logout")
    login(other_org.test_staff)
    theirs = int(_create(client, other_org.areas[0]).location.rsplit("/", 1)[1])
    client.post("/logout")
    login(town.test_staff)
    url = f"/dashboard/areas/{area.id}/scenarios/compare?ids={mine}&ids={theirs}"
    assert client.get(url).status_code == 302


def test_only_the_areas_staff_get_in(client, login, town, make_org, make_user, make_starter):
    login(town.test_staff)
    area = town.areas[0]
    url = _create(client, area).location
    client.post("/logout")
    urls = [
        f"/dashboard/areas/{area.id}/scenarios",
        f"/dashboard/areas/{area.id}/scenarios/new",
        url,
        f"{url}/edit",
    ]
    for user in (make_org().test_staff, make_user("landlord"), make_starter()):
        login(user)
        for each in urls:
            assert client.get(each).status_code == 403, (user.email, each)
        for action in ("recompute", "duplicate", "delete"):
            assert client.post(f"{url}/{action}").status_code == 403
        assert _create(client, area, "Van buiten").status_code == 403
        client.post("/logout")
    assert _count() == (1, 3)
    anonymous = client.get(urls[0])
    assert anonymous.status_code == 302 and "/login" in anonymous.location


def test_the_dashboard_links_to_the_scenarios(client, login, town):
    login(town.test_staff)
    area = town.areas[0]
    assert f"/dashboard/areas/{area.id}/scenarios" in client.get(f"/dashboard/areas/{area.id}").text


def test_a_refused_edit_leaves_the_scenario_as_it_was(client, login, town, make_org):
    login(town.test_staff)
    area = town.areas[0]
    url = _create(client, area, "Smalle kern").location
    other = make_org().areas[0].streets[0]
    data = {"name": "Brede kern", f"zone-{other.id}": "core"} | zones_form(area, Kerkstraat="core")
    refused = client.post(f"{url}/edit", data=data)
    assert refused.status_code == 422
    assert "Deze straat hoort niet bij de straten van dit gebied." in refused.text
    db.session.expire_all()
    scenario = db.session.scalar(sa.select(Scenario))
    assert scenario.name == "Smalle kern" and scenario.figures["core"]["units"] == 4
    assert sorted(z.value for z in scenario.zoning.values()) == [
        "approach",
        "core",
        "transformation",
    ]
