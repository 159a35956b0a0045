"""Per-street branch limits: staff set them on the street profile; the allocation keeps them
and says what they cost in total fit."""

import pytest

from vrijstad.matching import services
from vrijstad.starters.models import BranchGroup
from vrijstad.units.models import PermittedUse


@pytest.fixture
def bakers(make_starter, street):
    """Three bakers who want Hoogstraat; the street already has one baker."""
    return [
        make_starter(
            name=f"Bakker {n}",
            trade_name=f"Bakkerij {n}",
            branch_group=BranchGroup.DAILY_GOODS,
            required_use=PermittedUse.DETAILHANDEL,
            streets=[street],
        )
        for n in range(3)
    ]


def test_staff_set_a_limit_and_the_allocation_keeps_it_and_shows_the_cost(
    client, login, org, area, street, make_unit, bakers, place
):
    place(area, BranchGroup.DAILY_GOODS)  # the baker already in Hoogstraat
    units = [make_unit(area=area) for _ in range(3)]
    login(org.test_staff)
    url = f"/organisations/{org.id}/streets/{street.id}/profile"
    assert "Branchegrenzen" in client.get(url).text
    response = client.post(url, data={"limit_daily_goods": "2", "note": ""})
    assert response.status_code == 302
    assert services.branch_limits_of(street) == {BranchGroup.DAILY_GOODS: 2}
    assert 'name="limit_daily_goods" type="number" value="2"' in client.get(url).text

    data = {
        "scope": f"area-{area.id}",
        "units": [u.id for u in units],
        "starters": [b.id for b in bakers],
    }
    response = client.post(f"/organisations/{org.id}/allocation", data=data)
    assert response.status_code == 303
    page = client.get(response.location).text
    assert sum(f"Bakkerij {n}" in page for n in range(3)) == 3  # one placed, two left over
    result = services.allocate(org.test_staff, area, data["units"], data["starters"])
    assert len(result.pairs) == 1  # at most two bakers, one is there already
    assert result.unlimited_total > result.total
    assert "De branchegrenzen van de straten kosten" in page

    client.post(url, data={"limit_daily_goods": "", "note": ""})
    assert services.branch_limits_of(street) == {}
    result = services.allocate(org.test_staff, area, data["units"], data["starters"])
    assert len(result.pairs) == 3 and result.unlimited_total is None


def test_a_limit_out_of_range_is_refused(client, login, org, street):
    login(org.test_staff)
    url = f"/organisations/{org.id}/streets/{street.id}/profile"
    assert client.post(url, data={"limit_services": "100"}).status_code == 422
    assert services.branch_limits_of(street) == {}
