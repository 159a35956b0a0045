"""Matching fixtures: an area with a street, starters who want things, occupants of a street."""

from datetime import timedelta

import pytest

from vrijstad import clock
from vrijstad.extensions import db
from vrijstad.letting.models import Placement, PlacementStatus
from vrijstad.starters.models import BranchGroup, SpaceKind
from vrijstad.units.models import PermittedUse, UnitStatus


@pytest.fixture
def area(org):
    return org.areas[0]


@pytest.fixture
def street(area):
    return area.streets[0]


@pytest.fixture
def fashion_starter(make_starter, area, street):
    """A fashion starter who wants 60–120 m² on Hoogstraat for at most € 1.500 a month."""
    return make_starter(
        name="Floor Fashion",
        trade_name="Floor's Atelier",
        branch_group=BranchGroup.FASHION_LUXURY,
        required_use=PermittedUse.DETAILHANDEL,
        min_area_m2=60,
        max_area_m2=120,
        budget_cents_per_month=150_000,
        earliest_start=clock.today(),
        space_kind=SpaceKind.WHOLE_UNIT,
        streets=[street],
    )


@pytest.fixture
def place(make_unit, make_starter):
    """Factory: a starter of a branch group placed in a (let) unit of a street."""

    def make(area, group: BranchGroup, street: str = "Hoogstraat", **placement):
        unit = make_unit(area=area, street=street, status=UnitStatus.LET)
        occupant = make_starter(name="Bewoner", trade_name=f"Zaak {unit.id}", branch_group=group)
        today = clock.today()
        values = {
            "status": PlacementStatus.ACTIVE,
            "start_date": today - timedelta(days=60),
            "end_date": today + timedelta(days=300),
        } | placement
        db.session.add(
            Placement(
                unit_id=unit.id,
                starter_id=occupant.id,
                kind=SpaceKind.WHOLE_UNIT,
                base_fee_cents_per_month=50_000,
                starter_trade_name="Zaak",
                **values,
            )
        )
        db.session.commit()
        return unit

    return make
