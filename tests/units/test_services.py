"""Unit rules without requests: workflow, publishing requirements, who may edit."""

from datetime import timedelta

import pytest

from vrijstad import clock
from vrijstad.extensions import db
from vrijstad.units import services
from vrijstad.units.models import UNIT_TRANSITIONS, UnitStatus, VacancyClass


def test_every_status_has_a_transition_row():
    assert set(UNIT_TRANSITIONS) == set(UnitStatus)


def test_publish_needs_the_required_facts(make_unit, make_org):
    area = make_org().areas[0]
    unit = make_unit(area=area, status=UnitStatus.DRAFT, energy_label=None, latitude=None)
    with pytest.raises(services.UnitError) as refused:
        services.change_status(unit.owner, unit, UnitStatus.LISTED)
    assert "energielabel" in str(refused.value).lower()
    assert unit.status == UnitStatus.DRAFT
    unit.is_monument = True
    unit.latitude = 52.25
    services.change_status(unit.owner, unit, UnitStatus.LISTED)
    assert unit.status == UnitStatus.LISTED and unit.listed_at is not None


def test_illegal_transition_is_refused_with_a_message(make_unit):
    unit = make_unit(status=UnitStatus.DRAFT)
    with pytest.raises(services.UnitError, match="concept"):
        services.change_status(unit.owner, unit, UnitStatus.LET)
    assert unit.status == UnitStatus.DRAFT


def test_withdrawing_needs_a_reason(make_unit):
    unit = make_unit()
    with pytest.raises(services.UnitError):
        services.change_status(unit.owner, unit, UnitStatus.WITHDRAWN, reason="  ")
    services.change_status(unit.owner, unit, UnitStatus.WITHDRAWN, reason="Eigen gebruik")
    assert unit.withdrawn_reason == "Eigen gebruik"


def test_letting_ends_vacancy_and_relisting_starts_it(make_unit, make_org):
    unit = make_unit(area=make_org().areas[0])
    services.change_status(unit.owner, unit, UnitStatus.LET)
    assert unit.vacant_since is None and unit.days_vacant() is None
    services.change_status(unit.owner, unit, UnitStatus.LISTED)
    assert unit.vacant_since == clock.today()


def test_who_may_edit(make_unit, make_user, make_org):
    mine = make_org()
    theirs = make_org()
    unit = make_unit(area=mine.areas[0])
    assert services.can_edit(unit.owner, unit)
    assert services.can_edit(mine.test_staff, unit)
    assert not services.can_edit(theirs.test_staff, unit)
    assert not services.can_edit(make_user("landlord"), unit)
    assert services.can_edit(make_user("admin"), unit)
    with pytest.raises(services.UnitError):
        services.update_unit(theirs.test_staff, unit, {"floor_area_vvo": 5})
    db.session.rollback()


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (30, VacancyClass.FRICTIONAL),
        (364, VacancyClass.FRICTIONAL),
        (400, VacancyClass.LONG_TERM),
        (3 * 365, VacancyClass.LONG_TERM),
        (3 * 365 + 1, VacancyClass.STRUCTURAL),
    ],
)
def test_vacancy_classes(make_unit, days, expected):
    unit = make_unit(vacant_since=clock.today() - timedelta(days=days))
    assert unit.vacancy_class() == expected


def test_staff_list_for_a_landlord_only_in_their_own_areas(make_user, make_org):
    mine = make_org()
    theirs = make_org()
    landlord = make_user("landlord")
    data = {
        "street": "Markt",
        "house_number": 3,
        "postcode": "7411 KB",
        "city": "Dijkerveen",
        "floor_area_vvo": 80,
        "rent_cents_per_year": 1_800_000,
        "area_id": theirs.areas[0].id,
    }
    with pytest.raises(services.UnitError):
        services.create_unit(mine.test_staff, landlord, data)
    unit = services.create_unit(mine.test_staff, landlord, {**data, "area_id": mine.areas[0].id})
    assert unit.owner_id == landlord.id and unit.status == UnitStatus.DRAFT
    assert unit.rent_per_m2_cents_per_year == 22_500
