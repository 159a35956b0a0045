"""Vacancy forecast per street: monthly chances from unit histories, then a Markov chain ahead.

The data is a panel of units × months (a unit's state at the end of each month): occupied, or
vacant for d months. From every pair of consecutive known months the estimator counts, per
street:

* occupied units, and those among them that fell vacant the next month;
* vacant units by how long they have been vacant (a duration bucket), and those let the next
  month.

A street with few unit-months borrows strength from its area: each street's chance is the
area's chance, moved towards the street's own count as its data grows (a beta prior worth
``PRIOR_STRENGTH`` unit-months, the empirical-Bayes shrinkage used for small areas).

The forecast follows each unit from its state today through the street's monthly chances:
a unit's chance of standing empty in h months is read off the h-th power of the street's
transition matrix (states: occupied, vacant 1, 2, … ``MAX_MONTHS`` months and longer). The
expected number of empty units is the sum of those chances; the band is the 10–90 % range of
that sum (units move independently given the chances; the normal approximation of the
Poisson-binomial distribution). The band shows the chance in the units' moves, not the error
of the estimated chances.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

#: A vacancy of this many months or longer is one state ("long empty").
MAX_MONTHS = 37
#: Vacancy duration buckets (months, inclusive start): 1–3, 4–6, 7–12, 13–36, 37 and longer.
BUCKET_STARTS = (1, 4, 7, 13, 37)
#: How many unit-months of the area's experience a street's estimate starts from.
PRIOR_STRENGTH = 24.0
#: z of the 10th and 90th percentile: the band holds 80 % of outcomes.
BAND_Z = 1.2815515655446004

#: State of a month in a panel: not on record (before a unit was known, or after it left).
UNKNOWN = -1
OCCUPIED = 0

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def bucket_of(months_vacant: IntArray) -> IntArray:
    """The duration bucket (0–4) of vacancies of these lengths (≥ 1 month)."""
    return np.searchsorted(np.asarray(BUCKET_STARTS), months_vacant, side="right") - 1


@dataclass(frozen=True)
class Chances:
    """Monthly chances per street: ``fall[s]`` that an occupied unit falls vacant,
    ``let[s, b]`` that a unit vacant for a duration in bucket b is let; plus the counts."""

    fall: FloatArray
    let: FloatArray
    occupied_months: FloatArray
    vacant_months: FloatArray

    @property
    def streets(self) -> int:
        return len(self.fall)


def panel_from_vacancy(vacant: npt.NDArray[np.bool_], vacant_before: IntArray) -> IntArray:
    """States (0 occupied, d vacant for d months) from a units × months vacant/occupied table;
    ``vacant_before`` is how many months each unit had already been vacant before month 0."""
    units, months = vacant.shape
    states = np.zeros((units, months), dtype=np.int64)
    running = np.where(vacant[:, 0], np.asarray(vacant_before, dtype=np.int64) + 1, 0)
    states[:, 0] = running
    for month in range(1, months):
        running = np.where(vacant[:, month], running + 1, 0)
        states[:, month] = running
    return np.minimum(states, MAX_MONTHS)


def estimate(
    states: IntArray, streets: IntArray, street_count: int, prior_strength: float = PRIOR_STRENGTH
) -> Chances:
    """The monthly chances per street from a panel of states (units × months, ``UNKNOWN``
    where a unit is not on record), pooled towards the whole area's chances."""
    before, after = states[:, :-1], states[:, 1:]
    known = (before != UNKNOWN) & (after != UNKNOWN)
    street_of = np.broadcast_to(np.asarray(streets)[:, None], before.shape)

    occupied = known & (before == OCCUPIED)
    occupied_months = np.bincount(street_of[occupied], minlength=street_count).astype(float)
    fell = np.bincount(street_of[occupied & (after != OCCUPIED)], minlength=street_count).astype(
        float
    )

    buckets = len(BUCKET_STARTS)
    vacant = known & (before != OCCUPIED)
    cell = street_of[vacant] * buckets + bucket_of(before[vacant])
    vacant_months = np.bincount(cell, minlength=street_count * buckets).astype(float)
    let_cell = street_of[vacant & (after == OCCUPIED)] * buckets + bucket_of(
        before[vacant & (after == OCCUPIED)]
    )
    lets = np.bincount(let_cell, minlength=street_count * buckets).astype(float)
    vacant_months = vacant_months.reshape(street_count, buckets)
    lets = lets.reshape(street_count, buckets)

    area_fall = fell.sum() / max(occupied_months.sum(), 1.0)
    area_let = lets.sum(axis=0) / np.maximum(vacant_months.sum(axis=0), 1.0)
    fall = (fell + prior_strength * area_fall) / (occupied_months + prior_strength)
    let = (lets + prior_strength * area_let) / (vacant_months + prior_strength)
    return Chances(fall, let, occupied_months, vacant_months.sum(axis=1))


def transition_matrix(chances: Chances, street: int) -> FloatArray:
    """The street's monthly moves between states 0 (occupied) … MAX_MONTHS (long empty)."""
    size = MAX_MONTHS + 1
    matrix = np.zeros((size, size))
    fall = chances.fall[street]
    matrix[0, 0], matrix[0, 1] = 1.0 - fall, fall
    durations = np.arange(1, size)
    let = chances.let[street, bucket_of(durations)]
    matrix[durations, 0] = let
    longer = np.minimum(durations + 1, MAX_MONTHS)
    matrix[durations, longer] += 1.0 - let
    return matrix


@dataclass(frozen=True)
class StreetForecast:
    """Empty units expected in one street ``horizon`` months ahead, with the 80 % band."""

    street: int
    horizon: int
    units: int
    expected: float
    low: int
    high: int

    @property
    def rate(self) -> float:
        return self.expected / self.units if self.units else 0.0


def forecast(
    chances: Chances, current: IntArray, streets: IntArray, horizons: tuple[int, ...] = (3, 6, 12)
) -> list[StreetForecast]:
    """Per street and horizon: the expected number of empty units and its 80 % band, from
    each unit's state now (0 occupied, d vacant for d months; ``UNKNOWN`` units are left out)."""
    current = np.minimum(np.asarray(current), MAX_MONTHS)
    streets = np.asarray(streets)
    on_record = current != UNKNOWN
    size = MAX_MONTHS + 1
    # Units per street and starting state, in one count.
    table = np.bincount(
        streets[on_record] * size + current[on_record], minlength=chances.streets * size
    ).reshape(chances.streets, size)
    results = []
    for street in range(chances.streets):
        counts = table[street]
        units = int(counts.sum())
        if not units:
            continue
        matrix = transition_matrix(chances, street)
        power = np.eye(MAX_MONTHS + 1)
        step = 0
        for horizon in sorted(horizons):
            for _ in range(horizon - step):
                power = power @ matrix
            step = horizon
            empty = 1.0 - power[:, 0]  # per starting state: chance of being empty then
            mean = float(counts @ empty)
            spread = float(np.sqrt(counts @ (empty * (1.0 - empty))))
            low = max(0, int(np.floor(mean - BAND_Z * spread)))
            high = min(units, int(np.ceil(mean + BAND_Z * spread)))
            results.append(StreetForecast(street, horizon, units, mean, low, high))
    return results


@dataclass(frozen=True)
class Backtest:
    """Mean absolute error (empty units per street) of the model and of "no change"."""

    months: int
    model_mae: float
    no_change_mae: float

    @property
    def beats_no_change(self) -> bool:
        return self.model_mae < self.no_change_mae


def backtest(states: IntArray, streets: IntArray, street_count: int, months: int = 12) -> Backtest:
    """Estimate on all but the last ``months`` months, forecast each of them from the cut, and
    compare per street with the vacancy at the cut carried forward ("no change")."""
    cut = states.shape[1] - months - 1
    chances = estimate(states[:, : cut + 1], streets, street_count)
    now = states[:, cut]
    predicted = forecast(chances, now, streets, tuple(range(1, months + 1)))
    on_record = now != UNKNOWN
    empty_now = np.bincount(streets[on_record & (now != OCCUPIED)], minlength=street_count).astype(
        float
    )
    actual = {}
    for horizon in range(1, months + 1):
        column = states[:, cut + horizon]
        empty_then = on_record & (column != UNKNOWN) & (column != OCCUPIED)
        actual[horizon] = np.bincount(streets[empty_then], minlength=street_count)
    model_errors, still_errors = [], []
    for item in predicted:
        observed = float(actual[item.horizon][item.street])
        model_errors.append(abs(item.expected - observed))
        still_errors.append(abs(empty_now[item.street] - observed))
    return Backtest(months, float(np.mean(model_errors)), float(np.mean(still_errors)))


def simulate_city(
    rng: np.random.Generator,
    fall: FloatArray,
    let: FloatArray,
    units_per_street: int,
    months: int,
    start_vacancy: float = 0.02,
) -> tuple[IntArray, IntArray]:
    """A generated city with known chances (for tests and the bench): ``fall[s]`` and
    ``let[s, b]`` per street; every unit starts occupied, or vacant for 1 month with
    chance ``start_vacancy``. Returns (states, streets)."""
    street_count = len(fall)
    streets = np.repeat(np.arange(street_count), units_per_street)
    units = len(streets)
    states = np.zeros((units, months), dtype=np.int64)
    state = np.where(rng.random(units) < start_vacancy, 1, 0)
    states[:, 0] = state
    for month in range(1, months):
        draw = rng.random(units)
        occupied = state == OCCUPIED
        falls = occupied & (draw < fall[streets])
        bucket = bucket_of(np.maximum(state, 1))
        lets = ~occupied & (draw < let[streets, bucket])
        state = np.where(occupied, np.where(falls, 1, 0), np.where(lets, 0, state + 1))
        state = np.minimum(state, MAX_MONTHS)
        states[:, month] = state
    return states, streets
