"""A small constructed area whose scenario figures are known by hand.

Centrum (Dijkerveen) has three streets: Hoogstraat (A1), Kerkstraat (B1), Molenstraat (C).
By default Hoogstraat is core, Kerkstraat approach, Molenstraat transformation.

Hoogstraat (core), 4 units:   listed 100 m² (rent € 24.000 a year), listed 80 m² (€ 9.000),
                              draft 50 m² (vacant, not open), let 120 m².
Kerkstraat (approach), 1 unit: let 70 m², where Piet is placed (active placement).
Molenstraat (transformation): draft 150 m² (vacant), let 60 m²; " molenstraat " is spelt
                              with spaces and in lower case on the let unit.
Starters: Piet (placed in Kerkstraat, wants 60–120 m²), Sara (searching, 60–120 m²),
          Reus (searching, wants 1.000 m² at least: fits no unit).
"""

from datetime import timedelta

import pytest

from vrijstad import clock
from vrijstad.areas.models import Street, StreetGrade
from vrijstad.extensions import db
from vrijstad.letting.models import Placement, PlacementStatus
from vrijstad.starters.models import SpaceKind
from vrijstad.subsidies.services import create_scheme, preset_rules
from vrijstad.units.models import UnitStatus


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield


@pytest.fixture
def town(make_org, make_unit, make_starter):
    organisation = make_org()
    area = organisation.areas[0]
    area.streets.append(Street(name="Kerkstraat", grade=StreetGrade.B1))
    area.streets.append(Street(name="Molenstraat", grade=StreetGrade.C))
    db.session.commit()
    core = [
        make_unit(area=area, floor_area_vvo=100, rent_cents_per_year=24_000_00),
        make_unit(area=area, floor_area_vvo=80, rent_cents_per_year=9_000_00),
        make_unit(area=area, floor_area_vvo=50, status=UnitStatus.DRAFT),
        make_unit(area=area, floor_area_vvo=120, status=UnitStatus.LET),
    ]
    approach = make_unit(area=area, street="Kerkstraat", floor_area_vvo=70, status=UnitStatus.LET)
    make_unit(area=area, street="Molenstraat", floor_area_vvo=150, status=UnitStatus.DRAFT)
    make_unit(area=area, street=" molenstraat ", floor_area_vvo=60, status=UnitStatus.LET)
    wants = {"min_area_m2": 60, "max_area_m2": 120, "space_kind": SpaceKind.WHOLE_UNIT}
    piet = make_starter(name="Piet", trade_name="Piets Platen", **wants)
    make_starter(name="Sara", trade_name="Sara's Stoffen", **wants)
    make_starter(name="Reus", trade_name="Reuzenzaak", min_area_m2=1000)
    today = clock.today()
    db.session.add(
        Placement(
            unit_id=approach.id,
            starter_id=piet.id,
            kind=SpaceKind.WHOLE_UNIT,
            status=PlacementStatus.ACTIVE,
            start_date=today - timedelta(days=60),
            end_date=today + timedelta(days=300),
            base_fee_cents_per_month=50_000,
            starter_trade_name="Piets Platen",
        )
    )
    db.session.commit()
    organisation.test_core = core
    organisation.test_piet = piet
    return organisation


@pytest.fixture
def schemes(ctx, town):
    """The starter-rent preset (50 % of the first year's rent, at most € 6.000) and HIRB+
    (50 % of research or process support, at most € 25.000 per activity)."""
    staff = town.test_staff
    made = [
        create_scheme(staff, town, preset_rules(key, town), preset=key)
        for key in ("starter_rent", "hirb_plus", "facade")
    ]
    db.session.commit()
    return made


def zones_form(area, **by_name) -> dict[str, str]:
    """The form fields of a zoning: every street by name (default: by its grade)."""
    defaults = {"Hoogstraat": "core", "Kerkstraat": "approach", "Molenstraat": "transformation"}
    return {
        f"zone-{street.id}": by_name.get(street.name, defaults.get(street.name, "core"))
        for street in area.streets
    }
