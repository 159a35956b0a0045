"""The fit score of starters × units, vectorised with numpy; no database, no Flask.

Each component gives every pair a fit from 0 to 1; the score is their weighted mean on a
0–100 scale, rounded to a whole number. What a starter left open counts as a neutral 0.5.
Hard mismatches exclude a pair instead: a use that is not permitted, a unit far too small,
a rent far over budget, or a branch group the street wants no more of. The arrays scored here
are built in features.py; assign() chooses the allocation with the greatest total.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from vrijstad.matching.features import BRANCH_USE as BRANCH_USE
from vrijstad.matching.features import (
    BRANCHES,
    F32,
    KINDS,
    NEUTRAL,
    StarterFeatures,
    UnitFeatures,
)
from vrijstad.matching.models import COMPONENTS
from vrijstad.matching.solver import Limit, solve_sparse, solve_with_limits
from vrijstad.starters.models import BranchGroup, SpaceKind

#: Below the smallest area wanted the fit falls to 0 at half of it; smaller still is excluded.
SIZE_UNDER_SPAN = 0.5
#: Above the largest area wanted the fit falls to 0 at twice it (not for shop-in-shop).
SIZE_OVER_SPAN = 1.0
#: Over budget the fit falls to 0 at 150 % of it; more expensive still is excluded.
BUDGET_OVER_SPAN = 0.5
#: A unit that comes free this many days after the wanted start fits not at all.
AVAILABILITY_SPAN_DAYS = 180
#: A shop-in-shop needs a unit of at least twice its own floor area (default 30 m²) to share.
SHOP_IN_SHOP_DEFAULT_M2 = 30
LOCATION_STREET, LOCATION_AREA, LOCATION_CITY = 1.0, 0.7, 0.4
#: Without preferred areas or streets: the starter's own city, or anywhere else.
LOCATION_OWN_CITY, LOCATION_ELSEWHERE = 0.7, 0.3
#: Branch groups that live on walk-in trade: for them a busier street fits better.
WALK_IN = (
    BranchGroup.DAILY_GOODS,
    BranchGroup.FASHION_LUXURY,
    BranchGroup.LEISURE_GOODS,
    BranchGroup.LEISURE_HORECA,
)
WALK_IN_CODES = np.array([BRANCHES.index(group) for group in WALK_IN], dtype=np.int64)
#: Passers-by a week at which a street fits walk-in trade fully (a busy main street).
FOOTFALL_FULL = 25_000
#: Rows of starters scored at a time: bounds memory for large matrices.
CHUNK_ROWS = 512

#: What a component gives: S × U fits, and S × U excluded pairs (None: it never excludes).
Fits = tuple[np.ndarray, np.ndarray | None]


# The components ---------------------------------------------------------------------------
# Each takes starters (S) and units (U) and returns an S × U float32 array of fits in [0, 1],
# and an S × U array of excluded pairs (or None when the component never excludes). They work
# on whole rows and columns: per-starter and per-unit constants, and tables indexed by a small
# code (a use, a branch group, a city) that are gathered into the S × U result.


def _col(values: np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=F32)[:, None]


def _row(values: np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=F32)[None, :]


def size_fit(s: StarterFeatures, u: UnitFeatures, today: int) -> Fits:
    low, high = s.min_area, s.max_area
    shop = s.kind == KINDS.index(SpaceKind.SHOP_IN_SHOP)
    with np.errstate(invalid="ignore", divide="ignore"):
        # under = (low - area) / (low * span) = 1 / span - area / (low * span); over alike
        slope_under = np.where(np.isnan(low), 0.0, 1.0 / (low * SIZE_UNDER_SPAN))
        slope_over = np.where(np.isnan(high) | shop, 0.0, 1.0 / (high * SIZE_OVER_SPAN))
    area = u.vvo32[None, :]
    under = np.multiply(_col(-slope_under), area)
    under += _col(np.where(np.isnan(low), 0.0, 1.0 / SIZE_UNDER_SPAN))
    over = np.multiply(_col(slope_over), area)
    over -= _col(np.where(slope_over > 0, 1.0 / SIZE_OVER_SPAN, 0.0))
    excluded = under > 1
    # A profile's smallest area is at most its largest, so at most one of the two is positive.
    fit = np.maximum(under, over, out=under)
    fit = np.subtract(1, fit, out=fit).clip(0, 1, out=fit)
    fit[np.isnan(low) & np.isnan(high)] = NEUTRAL
    return fit, excluded


def monthly_cost(s: StarterFeatures, u: UnitFeatures) -> np.ndarray:
    """S × U: what a unit costs a starter a month; a shop-in-shop pays its share of the area."""
    cost = np.broadcast_to(u.cost32[None, :], (len(s), len(u))).copy()
    shop = (s.kind == KINDS.index(SpaceKind.SHOP_IN_SHOP)) & ~np.isnan(s.max_area)
    if shop.any():
        cost[shop] = np.minimum(cost[shop], _col(s.max_area[shop]) * _row(u.cost / u.vvo))
    return cost


def budget_fit(s: StarterFeatures, u: UnitFeatures, today: int) -> Fits:
    unknown = np.isnan(s.budget)
    budget = np.where(unknown, 1.0, s.budget)
    over = monthly_cost(s, u)
    over *= _col(1.0 / (budget * BUDGET_OVER_SPAN))
    over -= F32(1.0 / BUDGET_OVER_SPAN)  # (cost - budget) / (budget * span)
    excluded = over > 1
    excluded[unknown] = False
    fit = np.subtract(1, over.clip(0, None, out=over), out=over).clip(0, 1, out=over)
    fit[unknown] = NEUTRAL
    return fit, excluded


def use_fit(s: StarterFeatures, u: UnitFeatures, today: int) -> Fits:
    wanted, code = np.unique(s.use_ok, return_inverse=True)
    permitted = (u.uses[None, :] & wanted[:, None]) != 0  # one row per kind of wish
    table = permitted.astype(F32)
    table[:, u.uses == 0] = NEUTRAL
    table[wanted == 0] = NEUTRAL
    hard = ~permitted & (u.uses != 0)[None, :] & (wanted != 0)[:, None]
    code = code.ravel()
    return table[code], hard[code] & s.use_stated[:, None]


def _preferred_pairs(
    prefs: list[np.ndarray], index: tuple[np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """(rows, columns) of the pairs whose unit key (street or area id) the starter prefers;
    index is the units' (order, sorted keys)."""
    order, keys = index
    lengths = np.fromiter((len(p) for p in prefs), dtype=np.int64, count=len(prefs))
    if not lengths.sum() or not len(keys):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    wished = np.concatenate(prefs)
    wisher = np.repeat(np.arange(len(prefs)), lengths)
    first = np.searchsorted(keys, wished, side="left")
    counts = np.searchsorted(keys, wished, side="right") - first
    rows = np.repeat(wisher, counts)
    starts = np.repeat(first - (np.cumsum(counts) - counts), counts)
    return rows, order[starts + np.arange(len(rows))]


def location_fit(s: StarterFeatures, u: UnitFeatures, today: int) -> Fits:
    has_prefs = np.fromiter(
        (len(a) + len(b) > 0 for a, b in zip(s.pref_streets, s.pref_areas, strict=True)),
        dtype=bool,
        count=len(s),
    )
    known = s.city >= 0
    own = np.where(has_prefs, LOCATION_CITY, LOCATION_OWN_CITY)
    elsewhere = np.where(has_prefs, 0.0, np.where(known, LOCATION_ELSEWHERE, NEUTRAL))
    same_city = (s.city[:, None] == u.city[None, :]) & known[:, None]
    fit = np.where(same_city, _col(own), _col(elsewhere))
    # Preferences only raise the fit: an area over the city, a street over the area.
    fit[_preferred_pairs(s.pref_areas, u.areas_sorted)] = LOCATION_AREA
    fit[_preferred_pairs(s.pref_streets, u.streets_sorted)] = LOCATION_STREET
    return fit, None


def availability_fit(s: StarterFeatures, u: UnitFeatures, today: int) -> Fits:
    unknown = np.isnan(s.earliest)
    # Whole days from today (exact in float32): when the unit is free, when the starter wants it.
    free = np.fmax(u.available, today) - today  # fmax passes over NaN: not known is now
    wanted = np.fmax(np.where(unknown, today, s.earliest), today) - today
    fit = _row(free) - _col(wanted)
    fit /= AVAILABILITY_SPAN_DAYS
    fit = np.subtract(1, fit, out=fit).clip(0, 1, out=fit)
    fit[unknown] = NEUTRAL
    return fit, None


def space_kind_fit(s: StarterFeatures, u: UnitFeatures, today: int) -> Fits:
    fit = np.empty((len(s), len(u)), dtype=F32)
    fit[s.kind < 0] = NEUTRAL
    fit[s.kind == KINDS.index(SpaceKind.WHOLE_UNIT)] = 1.0
    fit[s.kind == KINDS.index(SpaceKind.POPUP)] = u.popup
    shop = s.kind == KINDS.index(SpaceKind.SHOP_IN_SHOP)
    if shop.any():
        own = np.nan_to_num(s.min_area[shop], nan=SHOP_IN_SHOP_DEFAULT_M2)
        fit[shop] = (u.vvo32[None, :] / _col(2 * own)).clip(0, 1)
    return fit, None


def branch_mix_fit(s: StarterFeatures, u: UnitFeatures, today: int) -> Fits:
    table, hard = u.branch_tables
    code = np.where(s.branch >= 0, s.branch, len(BRANCHES)).astype(np.int64)
    return table[code], hard[code]


def footfall_fit(s: StarterFeatures, u: UnitFeatures, today: int) -> Fits:
    """For walk-in trade, the street's passers-by a week against a busy main street's; for
    other branch groups, and streets without a counter, neutral."""
    level = np.nan_to_num((u.footfall / FOOTFALL_FULL).clip(0, 1), nan=NEUTRAL).astype(F32)
    fit = np.full((len(s), len(u)), NEUTRAL, dtype=F32)
    fit[np.isin(s.branch, WALK_IN_CODES)] = level
    return fit, None


#: A component: starters, units and today (a day ordinal) → its fits.
Fit = Callable[[StarterFeatures, UnitFeatures, int], Fits]

COMPONENT_FITS: dict[str, Fit] = {
    "size": size_fit,
    "budget": budget_fit,
    "use": use_fit,
    "location": location_fit,
    "availability": availability_fit,
    "space_kind": space_kind_fit,
    "branch_mix": branch_mix_fit,
    "footfall": footfall_fit,
}
assert tuple(COMPONENT_FITS) == COMPONENTS


def components(
    s: StarterFeatures, u: UnitFeatures, today: int
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Every component's S × U fits, and the S × U excluded pairs."""
    excluded = np.zeros((len(s), len(u)), dtype=bool)
    fits: dict[str, np.ndarray] = {}
    for name, fit in COMPONENT_FITS.items():
        values, hard = fit(s, u, today)
        fits[name] = values
        if hard is not None:
            excluded |= hard
    return fits, excluded


def _score_rows(s: StarterFeatures, u: UnitFeatures, today: int) -> tuple[np.ndarray, np.ndarray]:
    total = np.zeros((len(s), len(u)), dtype=F32)
    excluded = np.zeros((len(s), len(u)), dtype=bool)
    for fit, weights in zip(COMPONENT_FITS.values(), u.weights32, strict=True):
        values, hard = fit(s, u, today)
        total += np.multiply(values, weights, out=values)
        if hard is not None:
            excluded |= hard
    return np.rint(total, out=total), excluded


def score_matrix(
    s: StarterFeatures,
    u: UnitFeatures,
    today: int,
    progress: Callable[[float], None] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Scores 0–100 (whole numbers, float32) and excluded pairs, both starters × units.

    progress, when given, is called with the share of rows done (0–1) after each chunk.
    """
    scores = np.empty((len(s), len(u)), dtype=np.float32)
    excluded = np.empty((len(s), len(u)), dtype=bool)
    for start in range(0, len(s), CHUNK_ROWS):
        rows = np.arange(start, min(start + CHUNK_ROWS, len(s)))
        scores[rows], excluded[rows] = _score_rows(s.take(rows), u, today)
        if progress is not None:
            progress(int(rows[-1] + 1) / len(s))
    return scores, excluded


def top_k(scores: np.ndarray, excluded: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k best non-excluded entries of a score vector, best first (ties: lowest
    index first)."""
    allowed = np.flatnonzero(~excluded)
    if k <= 0 or not len(allowed):
        return allowed[:0]
    # One integer key per entry: score first, then the lower index; no two keys are equal.
    key = scores[allowed].astype(np.int64) * (len(scores) + 1) + (len(scores) - allowed)
    part = np.argpartition(-key, k - 1)[:k] if k < len(allowed) else np.arange(len(allowed))
    return allowed[part[np.argsort(-key[part])]]


@dataclass(frozen=True)
class Assignment:
    """Chosen (starter row, unit column) pairs, their total, and each unit's runner-up row;
    with branch limits, also the total the allocation would have without them."""

    rows: np.ndarray
    cols: np.ndarray
    total: int
    runner_up: np.ndarray  # per unit column: the best other starter row, -1 when none
    unlimited_total: int | None = None


def assign(
    scores: np.ndarray,
    excluded: np.ndarray,
    min_score: int = 0,
    stage: Callable[[str], None] | None = None,
    branch: np.ndarray | None = None,
    limits: list[Limit] | None = None,
) -> Assignment:
    """The pairs that maximise the total score, each starter and unit used at most once.

    Only admissible pairs count (not excluded, at least min_score), and the parts of the
    problem that share no admissible pair are solved apart (solver.py). With limits (and
    each row's branch code): every branch limit is kept, as solver.solve_with_limits says.
    stage, when given, hears "assigning" and then "runner_ups" as the work gets there.
    """
    stage = stage or (lambda name: None)
    stage("assigning")
    blocked = excluded | (scores < min_score)
    if scores.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Assignment(empty, empty, 0, np.full(scores.shape[1], -1, dtype=np.int64))
    unlimited = None
    if limits and branch is not None:
        rows, cols, unlimited = solve_with_limits(scores, blocked, branch, limits)
    else:
        rows, cols = solve_sparse(scores, blocked)
    total = int(scores[rows, cols].astype(np.int64).sum())
    stage("runner_ups")
    return Assignment(rows, cols, total, runner_ups(scores, blocked, rows, cols), unlimited)


def runner_ups(
    scores: np.ndarray, blocked: np.ndarray, rows: np.ndarray, cols: np.ndarray
) -> np.ndarray:
    """For each unit: the best allowed starter other than the one it was given (-1: none)."""
    n_starters, n_units = scores.shape
    masked = np.where(blocked, -1.0, scores.astype(np.float64))
    masked[rows, cols] = -1.0
    if n_starters == 0:
        return np.full(n_units, -1, dtype=np.int64)
    best = masked.argmax(axis=0)
    return np.where(masked[best, np.arange(n_units)] >= 0, best, -1)
