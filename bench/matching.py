"""Matching: fit scores and the optimal allocation, in process (no database, no network).

Run from the project root: `.venv/bin/python bench/matching.py` (`make bench` does).

On a made-up but plausible country of shop units and starters (sizes, rents by street grade,
permitted uses, street profiles with wanted and excluded branch groups, occupants, starters'
ranges, budgets, uses, start dates and preferred streets) it times

1. top-20 units for one starter among 200,000 units, warm (the unit arrays built once), for
   200 different starters: median and p95; target p95 ≤ 50 ms;
2. the allocation of 5,000 starters × 5,000 units: building the score matrix, then
   scipy.optimize.linear_sum_assignment; target ≤ 20 s for both (wall clock; the CPU seconds
   are reported too, as the wall clock moves with the machine's other load);
3. the scores of 1,000 × 1,000 pairs by a plain Python double loop against the vectorised
   code: the ratio, and how many of the million scores agree (float32 against float64 may
   round a score that lies on .5 the other way);
4. the allocation split by city (issue 24; vrijstad/matching/solver.py): each city's starters
   get only that city's units (a starter who named no city is allocated nowhere), each city is
   scored and solved on its admissible pairs alone. 5,000 × 5,000 in 10 cities, target ≤ 2 s;
   a national run of 50,000 starters × 200,000 units in 400 cities, target ≤ 60 s (the
   arrays are built first and timed apart: that is reading the data, not allocating). Each is
   first checked against scipy's dense optimum (linear_sum_assignment on every pair, the
   other cities' and the excluded pairs worth nothing) on a case small enough to compare:
   the totals must be equal.

Stdout gets one JSON line per figure; progress goes to stderr.
"""

import json
import math
import signal
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # config.py lives in the project root

import numpy as np  # noqa: E402
from scipy.optimize import linear_sum_assignment  # noqa: E402

from vrijstad.matching import scoring, solver  # noqa: E402
from vrijstad.matching.models import COMPONENTS, DEFAULT_WEIGHTS  # noqa: E402
from vrijstad.starters.models import BranchGroup, SpaceKind  # noqa: E402
from vrijstad.units.models import PermittedUse  # noqa: E402

BENCH = "matching"
SEED = 20261128
TODAY = date(2026, 11, 28)
TOP_UNITS, TOP_QUERIES, TOP_K, TOP_TARGET_MS = 200_000, 200, 20, 50.0
ALLOC_N, ALLOC_TARGET_S = 5_000, 20.0
LOOP_N = 1_000
STREETS_PER_CITY = 30
GRADE_RENT_M2 = (400, 300, 220, 160, 110)  # € per m² per year, by street grade A1 … C
USE_SHARE = {
    PermittedUse.DETAILHANDEL: 0.85,
    PermittedUse.DIENSTVERLENING: 0.4,
    PermittedUse.HORECA_1: 0.2,
    PermittedUse.HORECA_2: 0.08,
    PermittedUse.HORECA_3: 0.02,
}


def emit(figure: str, value, unit: str | None = None) -> None:
    line = {"bench": BENCH, "figure": figure, "value": value}
    if unit:
        line["unit"] = unit
    print(json.dumps(line), flush=True)


def say(message: str) -> None:
    print(f"[{BENCH}] {message}", file=sys.stderr, flush=True)


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


# A made-up country -------------------------------------------------------------------------


class Country:
    """Cities of streets (each with a grade, an area, a profile and occupants)."""

    def __init__(self, rng: np.random.Generator, cities: int) -> None:
        self.rng = rng
        self.cities = [f"Stad {k}" for k in range(cities)]
        n = cities * STREETS_PER_CITY
        self.street_city = np.repeat(np.arange(cities), STREETS_PER_CITY)
        self.street_area = self.street_city * 3 + rng.integers(0, 3, n)  # three areas a city
        self.street_grade = rng.choice(5, n, p=[0.1, 0.2, 0.3, 0.25, 0.15])
        groups = len(BranchGroup)
        self.wanted = np.where(rng.random(n) < 0.3, 1 << rng.integers(0, groups, n), 0)
        excluded = np.where(rng.random(n) < 0.15, 1 << rng.integers(0, groups, n), 0)
        self.excluded = excluded & ~self.wanted
        self.occupants = rng.poisson(0.6, (n, groups))

    def units(self, n: int) -> list[dict]:
        rng = self.rng
        street = rng.integers(0, len(self.street_city), n)
        vvo = np.clip(rng.lognormal(np.log(90), 0.6, n), 15, 1500).round()
        rate = np.array(GRADE_RENT_M2)[self.street_grade[street]] * rng.uniform(0.7, 1.3, n)
        rent = (vvo * rate * 100).round().astype(np.int64)
        uses = np.zeros(n, dtype=np.int64)
        for use, share in USE_SHARE.items():
            uses |= np.where(rng.random(n) < share, use.bit, 0)
        free = rng.integers(-60, 240, n)
        vacancy = rng.exponential(400, n).round()
        rows = []
        for j in range(n):
            s = int(street[j])
            rows.append(
                {
                    "id": j + 1,
                    "floor_area_vvo": int(vvo[j]),
                    "rent_cents_per_year": int(rent[j]),
                    "service_charges_cents_per_year": int(rent[j] * 0.08),
                    "uses_mask": int(uses[j]) or PermittedUse.DETAILHANDEL.bit,
                    "available_from": None if free[j] < 0 else TODAY + timedelta(days=int(free[j])),
                    "vacancy_days": float(vacancy[j]),
                    "street_id": s + 1,
                    "area_id": int(self.street_area[s]) + 1,
                    "city": self.cities[self.street_city[s]],
                    "wanted_mask": int(self.wanted[s]),
                    "excluded_mask": int(self.excluded[s]),
                    "occupants": {
                        g.value: int(self.occupants[s, k])
                        for k, g in enumerate(BranchGroup)
                        if self.occupants[s, k]
                    },
                    "weights": DEFAULT_WEIGHTS,
                }
            )
        return rows

    def starters(self, n: int) -> list[dict]:
        rng = self.rng
        groups, kinds = list(BranchGroup), list(SpaceKind)
        rows = []
        for i in range(n):
            group = groups[rng.integers(len(groups))]
            city = int(rng.integers(len(self.cities)))
            own = np.flatnonzero(self.street_city == city)
            low = int(np.clip(rng.lognormal(np.log(60), 0.5), 15, 600))
            rate = GRADE_RENT_M2[int(rng.integers(1, 5))]
            row = {
                "id": i + 1,
                "branch_group": group if rng.random() < 0.95 else None,
                "city": self.cities[city] if rng.random() < 0.9 else None,
                "min_area_m2": low if rng.random() < 0.85 else None,
                "max_area_m2": int(low * rng.uniform(1.2, 2.5)) if rng.random() < 0.85 else None,
                "budget_cents_per_month": int(low * rate * 100 / 12 * rng.uniform(0.8, 1.6))
                if rng.random() < 0.9
                else None,
                "required_use": scoring.BRANCH_USE[group] if rng.random() < 0.6 else None,
                "earliest_start": TODAY + timedelta(days=int(rng.integers(0, 180)))
                if rng.random() < 0.8
                else None,
                "space_kind": kinds[int(rng.integers(len(kinds)))] if rng.random() < 0.8 else None,
                "street_ids": [int(x) + 1 for x in rng.choice(own, int(rng.integers(0, 4)))],
                "area_ids": [int(self.street_area[own[0]]) + 1] if rng.random() < 0.3 else [],
            }
            if row["max_area_m2"] is not None and row["min_area_m2"] is None:
                row["max_area_m2"] = max(row["max_area_m2"], 15)
            rows.append(row)
        return rows


# 1. Top-20 among 200,000 units -------------------------------------------------------------


def bench_top(rng: np.random.Generator) -> None:
    country = Country(rng, cities=50)
    started = time.perf_counter()
    units = scoring.UnitFeatures.build(country.units(TOP_UNITS))
    emit("top20_unit_features_build_s", round(time.perf_counter() - started, 2), "s")
    starters = scoring.StarterFeatures.build(country.starters(TOP_QUERIES + 10))
    today = TODAY.toordinal()
    samples, cpu = [], []
    for i in range(TOP_QUERIES + 10):
        started, started_cpu = time.perf_counter(), time.process_time()
        scores, excluded = scoring.score_matrix(starters.take([i]), units, today)
        best = scoring.top_k(scores[0], excluded[0], TOP_K)
        elapsed = (time.perf_counter() - started) * 1000
        assert len(best) == TOP_K and not excluded[0, best].any()
        if i >= 10:  # the first ten warm up
            samples.append(elapsed)
            cpu.append((time.process_time() - started_cpu) * 1000)
    median, high = statistics.median(samples), p95(samples)
    say(f"top-{TOP_K} of {TOP_UNITS} units: median {median:.1f} ms, p95 {high:.1f} ms")
    emit("top20_of_200k_median_ms", round(median, 2), "ms")
    emit("top20_of_200k_p95_ms", round(high, 2), "ms")
    emit("top20_of_200k_p95_cpu_ms", round(p95(cpu), 2), "ms")
    emit("top20_of_200k_target_met", high <= TOP_TARGET_MS)


# 2. Allocation of 5,000 × 5,000 ------------------------------------------------------------


def bench_allocation(rng: np.random.Generator) -> None:
    country = Country(rng, cities=10)
    starters = scoring.StarterFeatures.build(country.starters(ALLOC_N))
    units = scoring.UnitFeatures.build(country.units(ALLOC_N))
    wall, cpu = time.perf_counter(), time.process_time()
    scores, excluded = scoring.score_matrix(starters, units, TODAY.toordinal())
    matrix_wall, matrix_cpu = time.perf_counter() - wall, time.process_time() - cpu
    say(f"score matrix {ALLOC_N} × {ALLOC_N}: {matrix_wall:.2f} s; solving …")
    wall, cpu = time.perf_counter(), time.process_time()
    result = scoring.assign(scores, excluded)
    solve_wall, solve_cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert not excluded[result.rows, result.cols].any()
    total_wall = matrix_wall + solve_wall
    say(f"allocation: {len(result.rows)} pairs, total {result.total}, {total_wall:.1f} s")
    emit("alloc_5000x5000_score_matrix_s", round(matrix_wall, 2), "s")
    emit("alloc_5000x5000_assignment_s", round(solve_wall, 2), "s")
    emit("alloc_5000x5000_total_s", round(total_wall, 2), "s")
    emit("alloc_5000x5000_total_cpu_s", round(matrix_cpu + solve_cpu, 2), "s")
    emit("alloc_5000x5000_excluded_share", round(float(excluded.mean()), 3))
    emit("alloc_5000x5000_pairs", len(result.rows))
    emit("alloc_5000x5000_target_met", total_wall <= ALLOC_TARGET_S)


# 3. A plain Python double loop against the vectorised code ---------------------------------


def python_scores(s: scoring.StarterFeatures, u: scoring.UnitFeatures, today: int):
    """The same rules as scoring.py, one pair at a time, in plain Python floats."""

    def value(x):
        x = float(x)
        return None if math.isnan(x) else x

    shop_kind, popup_kind = (
        scoring.KINDS.index(SpaceKind.SHOP_IN_SHOP),
        scoring.KINDS.index(SpaceKind.POPUP),
    )
    whole_kind = scoring.KINDS.index(SpaceKind.WHOLE_UNIT)
    units = [
        (
            value(u.vvo[j]),
            float(u.cost[j]),
            int(u.uses[j]),
            value(u.available[j]),
            value(u.vacancy_days[j]),
            int(u.street[j]),
            int(u.area[j]),
            int(u.city[j]),
            int(u.wanted[j]),
            int(u.excluded[j]),
            [int(c) for c in u.same_branch[:, j]],
            [float(w) for w in u.weights[j]],
        )
        for j in range(len(u))
    ]
    scores, excluded = [], []
    for i in range(len(s)):
        low, high, budget = value(s.min_area[i]), value(s.max_area[i]), value(s.budget[i])
        use_ok, stated = int(s.use_ok[i]), bool(s.use_stated[i])
        earliest, kind, branch = value(s.earliest[i]), int(s.kind[i]), int(s.branch[i])
        city = int(s.city[i])
        streets, areas = set(s.pref_streets[i].tolist()), set(s.pref_areas[i].tolist())
        row_scores, row_excluded = [], []
        for (
            area,
            cost,
            uses,
            free,
            vacancy,
            street,
            area_id,
            ucity,
            wanted,
            banned,
            same,
            w,
        ) in units:
            out = False
            if low is None and high is None:
                size = 0.5
            else:
                under = (low - area) / (low * scoring.SIZE_UNDER_SPAN) if low else 0.0
                over = 0.0
                if high is not None and kind != shop_kind:
                    over = (area - high) / (high * scoring.SIZE_OVER_SPAN)
                out |= under > 1
                size = min(1.0, max(0.0, 1 - max(under, over)))
            if budget is None:
                money = 0.5
            else:
                pay = min(cost, high * cost / area) if kind == shop_kind and high else cost
                over = (pay - budget) / (budget * scoring.BUDGET_OVER_SPAN)
                out |= over > 1
                money = min(1.0, max(0.0, 1 - max(over, 0.0)))
            if not use_ok or not uses:
                use = 0.5
            else:
                use = 1.0 if uses & use_ok else 0.0
                out |= stated and not uses & use_ok
            same_city = city >= 0 and city == ucity
            if streets or areas:
                location = (
                    1.0
                    if street in streets
                    else 0.7
                    if area_id in areas
                    else 0.4
                    if same_city
                    else 0.0
                )
            elif city >= 0:
                location = 0.7 if same_city else 0.3
            else:
                location = 0.5
            if earliest is None:
                when = 0.5
            else:
                delay = max(free or today, today) - max(earliest, today)
                when = min(1.0, max(0.0, 1 - delay / scoring.AVAILABILITY_SPAN_DAYS))
            if kind < 0:
                space = 0.5
            elif kind == whole_kind:
                space = 1.0
            elif kind == popup_kind:
                space = 0.5 if vacancy is None else 0.5 + 0.5 * min(1.0, vacancy / 365)
            else:
                space = min(1.0, area / (2 * (low or scoring.SHOP_IN_SHOP_DEFAULT_M2)))
            if branch < 0:
                mix = 0.5
            elif banned & (1 << branch):
                mix, out = 0.0, True
            else:
                base = 1.0 if wanted & (1 << branch) else 0.6
                mix = min(1.0, max(0.0, base - 0.2 * same[branch]))
            parts = (size, money, use, location, when, space, mix)
            total = sum(p * wk for p, wk in zip(parts, w, strict=True)) * 100 / sum(w)
            row_scores.append(round(total))
            row_excluded.append(out)
        scores.append(row_scores)
        excluded.append(row_excluded)
    return scores, excluded


def bench_loop(rng: np.random.Generator) -> None:
    country = Country(rng, cities=5)
    starters = scoring.StarterFeatures.build(country.starters(LOOP_N))
    units = scoring.UnitFeatures.build(country.units(LOOP_N))
    today = TODAY.toordinal()
    started = time.perf_counter()
    scores, excluded = scoring.score_matrix(starters, units, today)
    vectorised = time.perf_counter() - started
    say(f"{LOOP_N} × {LOOP_N} vectorised: {vectorised * 1000:.0f} ms; plain Python loop …")
    started = time.perf_counter()
    plain, plain_excluded = python_scores(starters, units, today)
    loop = time.perf_counter() - started
    plain, plain_excluded = np.array(plain), np.array(plain_excluded)
    emit("loop_1000x1000_python_s", round(loop, 2), "s")
    emit("loop_1000x1000_vectorised_s", round(vectorised, 3), "s")
    emit("loop_1000x1000_ratio", round(loop / vectorised, 1))
    emit("loop_1000x1000_equal_scores_share", round(float((plain == scores).mean()), 5))
    emit("loop_1000x1000_max_score_difference", int(np.abs(plain - scores).max()))
    emit("loop_1000x1000_equal_exclusions", bool((plain_excluded == excluded).all()))


# 4. The allocation split by city --------------------------------------------------------

SPLIT_N, SPLIT_CITIES, SPLIT_TARGET_S = 5_000, 10, 2.0
NATIONAL_STARTERS, NATIONAL_UNITS, NATIONAL_CITIES, NATIONAL_TARGET_S = 50_000, 200_000, 400, 60.0


def split_allocation(s: scoring.StarterFeatures, u: scoring.UnitFeatures, today: int):
    """Chosen (rows, cols, scores), scored and solved city by city on admissible pairs."""

    def score(rows: np.ndarray, cols: np.ndarray):
        scores, excluded = scoring.score_matrix(s.take(rows), u.take(cols), today)
        return scores, excluded

    return solver.solve_by_group(s.city, u.city, score)


def dense_total(s: scoring.StarterFeatures, u: scoring.UnitFeatures, today: int) -> int:
    """scipy's dense optimum over every pair; other cities' and excluded pairs worth 0."""
    scores, excluded = scoring.score_matrix(s, u, today)
    other_city = (s.city[:, None] != u.city[None, :]) | (s.city < 0)[:, None]
    worth = np.where(excluded | other_city, 0, scores).astype(np.int64)
    rows, cols = linear_sum_assignment(worth, maximize=True)
    return int(worth[rows, cols].sum())


def check_split(rng: np.random.Generator, figure: str, n_starters: int, n_units: int, cities: int):
    country = Country(rng, cities=cities)
    s = scoring.StarterFeatures.build(country.starters(n_starters))
    u = scoring.UnitFeatures.build(country.units(n_units))
    today = TODAY.toordinal()
    _rows, _cols, found = split_allocation(s, u, today)
    dense = dense_total(s, u, today)
    say(f"{figure}: split {int(found.sum())}, dense {dense}")
    emit(figure, int(found.sum()) == dense)


def timed_split(
    rng: np.random.Generator, name: str, n_starters: int, n_units: int, cities: int, target: float
) -> None:
    country = Country(rng, cities=cities)
    wall = time.perf_counter()
    s = scoring.StarterFeatures.build(country.starters(n_starters))
    u = scoring.UnitFeatures.build(country.units(n_units))
    emit(f"{name}_build_arrays_s", round(time.perf_counter() - wall, 2), "s")
    today = TODAY.toordinal()
    wall, cpu = time.perf_counter(), time.process_time()
    rows, cols, found = split_allocation(s, u, today)
    elapsed, elapsed_cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert len(set(rows.tolist())) == len(rows) and len(set(cols.tolist())) == len(cols)
    assert (s.city[rows] == u.city[cols]).all()
    say(f"{name}: {len(rows)} pairs, total {int(found.sum())}, {elapsed:.2f} s")
    emit(f"{name}_s", round(elapsed, 2), "s")
    emit(f"{name}_cpu_s", round(elapsed_cpu, 2), "s")
    emit(f"{name}_pairs", len(rows))
    emit(f"{name}_starters_without_city", int((s.city < 0).sum()))
    emit(f"{name}_target_met", elapsed <= target)


def bench_split(rng: np.random.Generator) -> None:
    check_split(rng, "alloc_split_small_equals_dense_optimum", 600, 700, 3)
    check_split(rng, "national_small_equals_dense_optimum", 800, 2_000, 8)
    timed_split(rng, "alloc_5000x5000_split_10_cities", SPLIT_N, SPLIT_N, SPLIT_CITIES, 2.0)
    timed_split(
        rng,
        "national_50000x200000_400_cities",
        NATIONAL_STARTERS,
        NATIONAL_UNITS,
        NATIONAL_CITIES,
        NATIONAL_TARGET_S,
    )


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    assert tuple(scoring.COMPONENT_FITS) == COMPONENTS
    rng = np.random.default_rng(SEED)
    bench_loop(rng)
    bench_top(rng)
    bench_allocation(rng)
    bench_split(rng)


if __name__ == "__main__":
    main()
