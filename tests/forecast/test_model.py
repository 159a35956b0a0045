"""The street forecast: chances recovered from a city with known chances, exact Markov steps,
pooling for thin streets, and a back-test that beats "no change"."""

import numpy as np
import pytest

from vrijstad.forecast.model import (
    BUCKET_STARTS,
    OCCUPIED,
    UNKNOWN,
    backtest,
    bucket_of,
    estimate,
    forecast,
    panel_from_vacancy,
    simulate_city,
)

LET_BY_BUCKET = np.array([0.30, 0.20, 0.12, 0.06, 0.02])


def city(seed: int, streets: int = 30, units: int = 60, months: int = 72, start: float = 0.02):
    rng = np.random.default_rng(seed)
    fall = rng.uniform(0.004, 0.03, streets)
    let = np.outer(rng.uniform(0.6, 1.4, streets), LET_BY_BUCKET)
    states, street_of = simulate_city(rng, fall, let, units, months, start)
    return fall, let, states, street_of


def test_durations_run_on_from_before_the_panel_and_reset_when_let():
    vacant = np.array([[True, True, False, True], [False, False, False, False]])
    states = panel_from_vacancy(vacant, np.array([5, 0]))
    assert states.tolist() == [[6, 7, 0, 1], [0, 0, 0, 0]]
    assert bucket_of(np.array([1, 3, 4, 6, 7, 12, 13, 36, 37, 80])).tolist() == [
        0,
        0,
        1,
        1,
        2,
        2,
        3,
        3,
        4,
        4,
    ]
    assert len(BUCKET_STARTS) == len(LET_BY_BUCKET)


def test_the_estimates_recover_the_chances_of_a_generated_city():
    fall, let, states, streets = city(seed=7)
    chances = estimate(states, streets, len(fall))
    # The area's chances: within 10 % of the truth weighted by exposure.
    occupied = chances.occupied_months
    true_area_fall = (fall * occupied).sum() / occupied.sum()
    assert chances.fall @ occupied / occupied.sum() == pytest.approx(true_area_fall, rel=0.1)
    # Per street: the estimated fall-vacant chances follow the true ones.
    assert np.corrcoef(fall, chances.fall)[0, 1] > 0.8
    assert np.median(np.abs(chances.fall - fall) / fall) < 0.3
    # Letting slows down with the length of the vacancy, as in the city that was generated.
    area_let = chances.let.mean(axis=0)
    assert np.all(np.diff(area_let[:4]) < 0)
    assert area_let[0] == pytest.approx(let[:, 0].mean(), rel=0.15)


def test_a_street_without_data_takes_the_areas_chances():
    states = np.array([[0, 0, 1, 0], [0, 1, 2, 3], [UNKNOWN] * 4])
    chances = estimate(states, np.array([0, 0, 1]), 2)
    assert chances.occupied_months[1] == 0
    assert chances.fall[1] == pytest.approx(2 / 3)  # the area: 2 of 3 occupied months fell
    assert chances.fall[0] == pytest.approx(2 / 3)  # its own data says the same


def test_the_forecast_follows_the_chain_exactly():
    chances = estimate(np.array([[0, 0]]), np.array([0]), 1)
    chances.fall[:] = 0.1
    chances.let[:] = 0.5
    result = {
        f.horizon: f
        for f in forecast(chances, np.array([OCCUPIED] * 100), np.zeros(100, int), (1, 2))
    }
    assert result[1].expected == pytest.approx(10.0)
    assert result[2].expected == pytest.approx(100 * (0.9 * 0.1 + 0.1 * 0.5))
    spread = np.sqrt(100 * 0.14 * 0.86)
    assert result[2].low <= 14 - spread and result[2].high >= 14 + spread
    assert 0 <= result[2].low <= result[2].expected <= result[2].high <= 100


def test_unknown_units_are_left_out_of_the_forecast():
    chances = estimate(np.array([[0, 1]]), np.array([0]), 1)
    result = forecast(chances, np.array([OCCUPIED, UNKNOWN, 3]), np.array([0, 0, 0]), (6,))
    assert result[0].units == 2


def test_the_backtest_beats_no_change_when_vacancy_is_on_the_move():
    _, _, states, streets = city(seed=11, months=48, start=0.0)
    result = backtest(states, streets, 30, months=12)
    assert result.beats_no_change
    assert result.model_mae < 0.8 * result.no_change_mae
