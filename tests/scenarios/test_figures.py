"""The figures of a scenario on the small area of conftest.py, worked out by hand."""

from vrijstad import clock
from vrijstad.scenarios import services
from vrijstad.scenarios.figures import compute, share_bp
from vrijstad.scenarios.models import Zone


def _zoning(area, **by_name):
    zones = {
        "Hoogstraat": Zone.CORE,
        "Kerkstraat": Zone.APPROACH,
        "Molenstraat": Zone.TRANSFORMATION,
    }
    zones |= by_name
    return {street.id: zones[street.name] for street in area.streets}


def test_a_new_scenario_zones_streets_by_their_grade(town):
    area = town.areas[0]
    by_name = {
        s.name: zone for s, zone in ((s, services.default_zoning(area)[s.id]) for s in area.streets)
    }
    assert by_name == {
        "Hoogstraat": Zone.CORE,  # A1
        "Kerkstraat": Zone.APPROACH,  # B1
        "Molenstraat": Zone.TRANSFORMATION,  # C
    }


def test_the_figures_of_the_default_zoning(ctx, town, schemes):
    area = town.areas[0]
    figures = compute(town.test_staff, area, _zoning(area), clock.today())
    # Hoogstraat: 4 units, 3 not let (100 + 80 + 50 m²): 75 %.
    assert figures["core"] == {
        "streets": 1,
        "units": 4,
        "vacant": 3,
        "vacant_m2": 230,
        "vacancy_bp": 7500,
    }
    # Piet (placed in Kerkstraat) and Sara (searching) fit the two listed core units; Reus
    # wants 1.000 m² and fits neither; the draft unit is not open. 1 of 4 stays vacant: 25 %.
    assert figures["moves"] == {
        "placed_outside": 1,
        "searching": 2,
        "open_core_units": 2,
        "filled": 2,
        "from_outside": 1,
        "vacant_after": 1,
        "vacancy_after_bp": 2500,
    }
    # Molenstraat: 150 m² vacant, 60 m² let (its street spelt " molenstraat ").
    assert figures["transformation"] == {
        "streets": 1,
        "units": 2,
        "m2": 210,
        "vacant": 1,
        "vacant_m2": 150,
    }
    assert figures["unzoned_units"] == 0
    # Starter rent: 50 % of € 24.000 capped at € 6.000, plus 50 % of € 9.000 = € 10.500.
    subsidy = figures["subsidy"]
    assert subsidy["moves_cents"] == 10_500_00
    assert (subsidy["moves_covered"], subsidy["moves"]) == (2, 2)
    # HIRB+ pays at most its € 25.000 per activity for a study; the facade scheme neither.
    assert subsidy["transformation_at_most_cents"] == 25_000_00
    rules = {(row["name"], row["rule"]) for row in subsidy["schemes"]}
    assert rules == {
        ("Startersubsidie huur", "moves"),
        ("HIRB+ Toekomstbestendige Winkelgebieden", "transformation"),
    }


def test_a_wider_core_keeps_its_own_starters(ctx, town):
    area = town.areas[0]
    figures = compute(town.test_staff, area, _zoning(area, Kerkstraat=Zone.CORE), clock.today())
    # Kerkstraat's let unit joins the core: 3 of 5 vacant (60 %); Piet is in the core already,
    # so only Sara moves in: 2 of 5 stay vacant (40 %).
    assert (figures["core"]["units"], figures["core"]["vacancy_bp"]) == (5, 6000)
    assert figures["moves"]["placed_outside"] == 0
    assert (figures["moves"]["filled"], figures["moves"]["vacancy_after_bp"]) == (1, 4000)
    # No scheme: nothing is paid and nothing is invented.
    assert figures["subsidy"] == {
        "schemes": [],
        "moves_cents": 0,
        "moves_covered": 0,
        "moves": 1,
        "transformation_at_most_cents": None,
    }


def test_shares_round_half_up_and_an_empty_core_has_none():
    assert share_bp(1, 3) == 3333
    assert share_bp(2, 3) == 6667
    assert share_bp(1, 8) == 1250
    assert share_bp(0, 0) is None
