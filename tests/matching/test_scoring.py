"""The fit score's components, exclusions, weights, top-k and the optimal allocation."""

import itertools
from datetime import timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.matching.factories import TODAY, fits, starter, unit
from vrijstad.matching import scoring
from vrijstad.matching.models import COMPONENTS, DEFAULT_WEIGHTS, branch_bit
from vrijstad.starters.models import BranchGroup, SpaceKind
from vrijstad.units.models import PermittedUse


def units_with(key: str, values) -> list[dict]:
    return [unit(id=i + 1, **{key: v}) for i, v in enumerate(values)]


def non_increasing(values) -> bool:
    return all(a >= b for a, b in itertools.pairwise(values))


# Floor area --------------------------------------------------------------------------------


def test_size_fits_fully_within_the_range_and_less_outside_it():
    sizes = [29, 30, 45, 60, 80, 100, 150, 200, 400]
    fit, excluded = fits(
        [starter(min_area_m2=60, max_area_m2=100)], units_with("floor_area_vvo", sizes), "size"
    )
    row = dict(zip(sizes, fit[0].tolist(), strict=True))
    assert row[60] == row[80] == row[100] == 1
    assert non_increasing([row[s] for s in (60, 45, 30)])  # smaller is worse
    assert non_increasing([row[s] for s in (100, 150, 200, 400)])  # larger is worse
    assert row[150] == pytest.approx(0.5) and row[200] == 0 and row[30] == 0
    # Less than half the smallest area wanted is far too small: the pair is excluded.
    assert excluded[0].tolist() == [s < 30 for s in sizes]


def test_size_not_given_is_neutral_and_a_shop_in_shop_may_take_a_large_unit():
    sizes = [50, 500]
    open_fit, excluded = fits([starter()], units_with("floor_area_vvo", sizes), "size")
    assert open_fit[0].tolist() == [0.5, 0.5] and not excluded.any()
    shop, _ = fits(
        [starter(min_area_m2=20, max_area_m2=40, space_kind=SpaceKind.SHOP_IN_SHOP)],
        units_with("floor_area_vvo", sizes),
        "size",
    )
    assert shop[0].tolist() == [1, 1]


# Budget ------------------------------------------------------------------------------------


def test_budget_fit_falls_with_the_rent_and_far_over_budget_excludes():
    monthly = [50_000, 100_000, 120_000, 140_000, 150_000, 151_000, 300_000]
    units = [unit(id=i + 1, rent_cents_per_year=12 * m) for i, m in enumerate(monthly)]
    fit, excluded = fits([starter(budget_cents_per_month=100_000)], units, "budget")
    assert fit[0, 0] == fit[0, 1] == 1
    assert non_increasing(fit[0].tolist())
    assert fit[0, 2] == pytest.approx(0.6) and fit[0, 4] == 0
    assert excluded[0].tolist() == [m > 150_000 for m in monthly]


def test_service_charges_count_and_a_shop_in_shop_pays_its_share():
    with_charges = unit(rent_cents_per_year=12 * 90_000, service_charges_cents_per_year=12 * 30_000)
    fit, _ = fits([starter(budget_cents_per_month=100_000)], [with_charges], "budget")
    assert fit[0, 0] == pytest.approx(0.6)
    # 40 m² of a 200 m² unit costing € 4.000 a month: a share of € 800.
    big = unit(floor_area_vvo=200, rent_cents_per_year=12 * 400_000)
    shop = starter(
        budget_cents_per_month=100_000,
        min_area_m2=20,
        max_area_m2=40,
        space_kind=SpaceKind.SHOP_IN_SHOP,
    )
    fit, excluded = fits([shop, starter(budget_cents_per_month=100_000)], [big], "budget")
    assert fit[:, 0].tolist() == [1, 0] and excluded[:, 0].tolist() == [False, True]


def test_budget_not_given_is_neutral():
    fit, excluded = fits([starter()], [unit(rent_cents_per_year=10**9)], "budget")
    assert fit[0, 0] == 0.5 and not excluded.any()


# Permitted use -----------------------------------------------------------------------------


def test_a_stated_use_must_be_permitted_and_horeca_covers_lighter_categories():
    h1, h2, h3 = PermittedUse.HORECA_1, PermittedUse.HORECA_2, PermittedUse.HORECA_3
    retail = PermittedUse.DETAILHANDEL.bit
    units = [
        unit(id=1, uses_mask=h2.bit),
        unit(id=2, uses_mask=retail),
        unit(id=3, uses_mask=h3.bit | retail),
        unit(id=4, uses_mask=0),
    ]
    starters = [starter(id=1, required_use=h1), starter(id=2, required_use=h3)]
    fit, excluded = fits(starters, units, "use")
    assert fit[0].tolist() == [1, 0, 1, 0.5]
    assert excluded[0].tolist() == [False, True, False, False]  # unknown uses: not excluded
    assert fit[1].tolist() == [0, 0, 1, 0.5]
    assert excluded[1].tolist() == [True, True, False, False]


def test_a_use_guessed_from_the_branch_group_scores_but_never_excludes():
    units = [
        unit(id=1, uses_mask=PermittedUse.DETAILHANDEL.bit),
        unit(id=2, uses_mask=PermittedUse.HORECA_1.bit),
    ]
    fit, excluded = fits(
        [starter(branch_group=BranchGroup.LEISURE_HORECA), starter(id=2)], units, "use"
    )
    assert fit[0].tolist() == [0, 1] and fit[1].tolist() == [0.5, 0.5]
    assert not excluded.any()


# Location ----------------------------------------------------------------------------------


def test_location_prefers_the_street_then_the_area_then_the_city():
    units = [
        unit(id=1, street_id=7, area_id=3),
        unit(id=2, street_id=8, area_id=3),
        unit(id=3, street_id=9, area_id=4),
        unit(id=4, street_id=None, area_id=None, city="Elders"),
    ]
    wishes = starter(street_ids=[7], area_ids=[3], city="dijkerveen ")
    fit, excluded = fits([wishes], units, "location")
    assert fit[0].tolist() == pytest.approx([1.0, 0.7, 0.4, 0.0]) and excluded is None
    only_city, _ = fits([starter(city="Dijkerveen"), starter(id=2)], units, "location")
    assert only_city[0].tolist() == pytest.approx([0.7, 0.7, 0.7, 0.3])
    assert only_city[1].tolist() == [0.5] * 4


# Availability ------------------------------------------------------------------------------


def test_availability_fits_when_the_unit_is_free_by_the_wanted_start():
    start = TODAY + timedelta(days=30)
    frees = [
        None,
        TODAY,
        start,
        start + timedelta(days=45),
        start + timedelta(days=180),
        start + timedelta(days=400),
    ]
    fit, _ = fits(
        [starter(earliest_start=start)], units_with("available_from", frees), "availability"
    )
    assert fit[0, :3].tolist() == [1, 1, 1]
    assert fit[0, 3] == pytest.approx(0.75) and fit[0, 4] == 0 == fit[0, 5]
    assert non_increasing(fit[0].tolist())
    unknown, _ = fits([starter()], units_with("available_from", frees), "availability")
    assert set(unknown[0].tolist()) == {0.5}


def test_a_start_date_in_the_past_means_now():
    fit, _ = fits(
        [starter(earliest_start=TODAY - timedelta(days=400))],
        [unit(available_from=TODAY + timedelta(days=90))],
        "availability",
    )
    assert fit[0, 0] == pytest.approx(0.5)


# Kind of space -----------------------------------------------------------------------------


def test_kind_of_space():
    vacancies = [0, 182.5, 365, 2000, None]
    units = [unit(id=i + 1, vacancy_days=v) for i, v in enumerate(vacancies)]
    popup, _ = fits([starter(space_kind=SpaceKind.POPUP)], units, "space_kind")
    assert popup[0].tolist() == pytest.approx([0.5, 0.75, 1, 1, 0.5])
    whole, _ = fits([starter(space_kind=SpaceKind.WHOLE_UNIT), starter(id=2)], units, "space_kind")
    assert whole[0].tolist() == [1] * 5 and whole[1].tolist() == [0.5] * 5
    sizes = units_with("floor_area_vvo", [30, 60, 120])
    shop, _ = fits(
        [starter(space_kind=SpaceKind.SHOP_IN_SHOP, min_area_m2=30)], sizes, "space_kind"
    )
    assert shop[0].tolist() == [0.5, 1, 1]


# Branch mix --------------------------------------------------------------------------------


def test_branch_mix_rewards_what_the_street_asks_for_and_lowers_with_each_same_occupant():
    fashion = BranchGroup.FASHION_LUXURY
    units = [
        unit(id=1, wanted_mask=branch_bit(fashion)),
        unit(id=2),
        unit(id=3, occupants={fashion.value: 1}),
        unit(id=4, occupants={fashion.value: 2, BranchGroup.SERVICES.value: 5}),
        unit(id=5, wanted_mask=branch_bit(fashion), occupants={fashion.value: 5}),
    ]
    fit, excluded = fits([starter(branch_group=fashion)], units, "branch_mix")
    assert fit[0].tolist() == pytest.approx([1.0, 0.6, 0.4, 0.2, 0.0])
    assert not excluded.any()


def test_a_branch_group_the_street_wants_no_more_of_is_excluded():
    snack = BranchGroup.LEISURE_HORECA
    units = [unit(id=1, excluded_mask=branch_bit(snack)), unit(id=2)]
    starters = [
        starter(id=1, branch_group=snack),
        starter(id=2, branch_group=BranchGroup.SERVICES),
        starter(id=3),
    ]
    fit, excluded = fits(starters, units, "branch_mix")
    assert fit[0, 0] == 0 and excluded[0].tolist() == [True, False]
    assert fit[1, 0] == pytest.approx(0.6) and fit[2].tolist() == [0.5, 0.5]
    assert not excluded[1:].any()
    scores, excluded = fits(starters, units)
    assert excluded[0, 0] and not excluded[0, 1]


# The score ---------------------------------------------------------------------------------


def test_scores_run_from_0_to_100_and_an_open_profile_scores_50():
    perfect = starter(
        min_area_m2=80,
        max_area_m2=120,
        budget_cents_per_month=150_000,
        required_use=PermittedUse.DETAILHANDEL,
        street_ids=[1],
        area_ids=[1],
        earliest_start=TODAY,
        space_kind=SpaceKind.WHOLE_UNIT,
        branch_group=BranchGroup.FASHION_LUXURY,
    )
    busy = scoring.FOOTFALL_FULL  # fashion lives on walk-in trade: a busy street fits fully
    units = [unit(wanted_mask=branch_bit(BranchGroup.FASHION_LUXURY), footfall=busy)]
    scores, excluded = fits([perfect, starter(id=2)], units)
    assert scores[:, 0].tolist() == [100, 50] and not excluded.any()
    assert scores.dtype == np.float32 and np.all(scores == np.rint(scores))


def test_weights_change_the_ranking():
    wishes = starter(min_area_m2=100, max_area_m2=100, street_ids=[1])
    good_size_far = unit(id=1, floor_area_vvo=100, street_id=2)
    close_too_big = unit(id=2, floor_area_vvo=180, street_id=1)
    size_first = dict(DEFAULT_WEIGHTS) | {"size": 10, "location": 1}
    location_first = dict(DEFAULT_WEIGHTS) | {"size": 1, "location": 10}
    ranked = {}
    for name, weights in (("size", size_first), ("location", location_first)):
        units = [good_size_far | {"weights": weights}, close_too_big | {"weights": weights}]
        scores, _ = fits([wishes], units)
        ranked[name] = scoring.top_k(scores[0], np.zeros(2, dtype=bool), 2).tolist()
    assert ranked == {"size": [0, 1], "location": [1, 0]}


def test_a_zero_weight_leaves_its_component_out():
    weights = {name: 0 for name in COMPONENTS} | {"size": 1}
    units = [
        unit(id=1, floor_area_vvo=100, weights=weights),
        unit(id=2, floor_area_vvo=150, weights=weights),
    ]
    scores, _ = fits([starter(min_area_m2=50, max_area_m2=100, budget_cents_per_month=1)], units)
    assert scores[0].tolist() == [100, 50]


def test_the_chunked_matrix_equals_pair_by_pair_scoring(monkeypatch):
    rng = np.random.default_rng(7)
    starters = [
        starter(
            id=i,
            min_area_m2=int(rng.integers(20, 80)),
            max_area_m2=200,
            budget_cents_per_month=int(rng.integers(500, 3000)) * 100,
            branch_group=list(BranchGroup)[i % 7],
            street_ids=[int(i % 3)],
            space_kind=list(SpaceKind)[i % 3],
            city="Dijkerveen",
        )
        for i in range(23)
    ]
    units = [
        unit(
            id=j,
            floor_area_vvo=int(rng.integers(20, 300)),
            street_id=j % 4,
            rent_cents_per_year=int(rng.integers(600, 4000)) * 1200,
            occupants={BranchGroup.SERVICES.value: j % 3},
            vacancy_days=j * 40,
        )
        for j in range(17)
    ]
    monkeypatch.setattr(scoring, "CHUNK_ROWS", 5)
    scores, excluded = fits(starters, units)
    for i, j in itertools.product(range(len(starters)), range(len(units))):
        one, out = fits([starters[i]], [units[j]])
        assert (scores[i, j], excluded[i, j]) == (one[0, 0], out[0, 0])


# Top-k -------------------------------------------------------------------------------------


def test_top_k_never_returns_an_excluded_entry_and_breaks_ties_by_position():
    scores = np.array([50, 90, 90, 10, 95, 70], dtype=np.float32)
    excluded = np.array([False, False, False, False, True, False])
    assert scoring.top_k(scores, excluded, 3).tolist() == [1, 2, 5]
    assert scoring.top_k(scores, excluded, 10).tolist() == [1, 2, 5, 0, 3]
    assert scoring.top_k(scores, np.ones(6, dtype=bool), 3).tolist() == []
    assert scoring.top_k(scores, excluded, 0).tolist() == []


# Allocation --------------------------------------------------------------------------------


def brute_force_total(scores: np.ndarray, blocked: np.ndarray) -> int:
    """The best total over every matching of allowed pairs, by trying them all."""
    n_starters, n_units = scores.shape
    best = 0
    for choice in itertools.product(range(-1, n_units), repeat=n_starters):
        taken = [j for j in choice if j >= 0]
        if len(taken) != len(set(taken)):
            continue
        pairs = [(i, j) for i, j in enumerate(choice) if j >= 0]
        if any(blocked[i, j] for i, j in pairs):
            continue
        best = max(best, sum(int(scores[i, j]) for i, j in pairs))
    return best


@st.composite
def instances(draw):
    n_starters = draw(st.integers(1, 5))
    n_units = draw(st.integers(1, 5))
    cells = n_starters * n_units
    scores = draw(st.lists(st.integers(0, 100), min_size=cells, max_size=cells))
    blocked = draw(st.lists(st.booleans(), min_size=cells, max_size=cells))
    min_score = draw(st.sampled_from([0, 0, 30, 60]))
    shape = (n_starters, n_units)
    return (
        np.array(scores, dtype=np.float32).reshape(shape),
        np.array(blocked, dtype=bool).reshape(shape),
        min_score,
    )


@settings(max_examples=150, deadline=None, database=None)
@given(instances())
def test_the_allocation_is_optimal_and_never_uses_an_excluded_pair(instance):
    scores, excluded, min_score = instance
    result = scoring.assign(scores, excluded, min_score)
    blocked = excluded | (scores < min_score)
    assert result.total == brute_force_total(scores, blocked)
    assert not blocked[result.rows, result.cols].any()
    assert len(set(result.rows.tolist())) == len(result.rows)
    assert len(set(result.cols.tolist())) == len(result.cols)
    assert result.total == int(scores[result.rows, result.cols].sum())
    # Each unit's runner-up: the best allowed starter other than the one it was given.
    given_to = dict(zip(result.cols.tolist(), result.rows.tolist(), strict=True))
    for j in range(scores.shape[1]):
        others = [i for i in range(scores.shape[0]) if not blocked[i, j] and given_to.get(j) != i]
        runner = int(result.runner_up[j])
        if not others:
            assert runner == -1
        else:
            assert runner in others and scores[runner, j] == max(scores[i, j] for i in others)


def test_allocation_of_a_known_instance():
    scores = np.array([[90, 80, 0], [85, 10, 0], [70, 60, 50]], dtype=np.float32)
    excluded = np.array([[False, False, True], [False, True, True], [True, False, False]])
    result = scoring.assign(scores, excluded)
    # Greedy would give unit 0 to starter 0 (90); the optimum gives it to starter 1.
    assert sorted(zip(result.rows.tolist(), result.cols.tolist(), strict=True)) == [
        (0, 1),
        (1, 0),
        (2, 2),
    ]
    assert result.total == 80 + 85 + 50
    assert result.runner_up.tolist() == [0, 2, -1]


def test_allocation_with_nothing_allowed_or_nothing_at_all():
    everything_blocked = scoring.assign(np.full((2, 2), 80, np.float32), np.ones((2, 2), bool))
    assert everything_blocked.total == 0 and len(everything_blocked.rows) == 0
    assert everything_blocked.runner_up.tolist() == [-1, -1]
    empty = scoring.assign(np.zeros((0, 3), np.float32), np.zeros((0, 3), bool))
    assert empty.total == 0 and empty.runner_up.tolist() == [-1, -1, -1]
