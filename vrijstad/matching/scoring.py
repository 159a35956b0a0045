"""The fit score of starters × units, vectorised with numpy; no database, no Flask.

Each component gives every pair a fit from 0 to 1; the score is their weighted mean on a
0–100 scale, rounded to a whole number. What a starter left open counts as a neutral 0.5.
Hard mismatches exclude a pair instead: a use that is not permitted, a unit far too small,
a rent far over budget, or a branch group the street wants no more of.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace
from functools import cached_property
from zlib import crc32

import numpy as np
from scipy.optimize import linear_sum_assignment

from vrijstad.matching.models import COMPONENTS
from vrijstad.starters.models import BranchGroup, SpaceKind
from vrijstad.units.models import PermittedUse

NEUTRAL = 0.5
#: Below the smallest area wanted the fit falls to 0 at half of it; smaller still is excluded.
SIZE_UNDER_SPAN = 0.5
#: Above the largest area wanted the fit falls to 0 at twice it (not for shop-in-shop).
SIZE_OVER_SPAN = 1.0
#: Over budget the fit falls to 0 at 150 % of it; more expensive still is excluded.
BUDGET_OVER_SPAN = 0.5
#: A unit that comes free this many days after the wanted start fits not at all.
AVAILABILITY_SPAN_DAYS = 180
#: A pop-up suits a unit that has stood empty a year or more best.
POPUP_VACANCY_DAYS = 365
#: A shop-in-shop needs a unit of at least twice its own floor area (default 30 m²) to share.
SHOP_IN_SHOP_DEFAULT_M2 = 30
LOCATION_STREET, LOCATION_AREA, LOCATION_CITY = 1.0, 0.7, 0.4
#: Without preferred areas or streets: the starter's own city, or anywhere else.
LOCATION_OWN_CITY, LOCATION_ELSEWHERE = 0.7, 0.3
BRANCH_WANTED, BRANCH_OPEN = 1.0, 0.6
#: Each occupant of the same branch group already in the street lowers the branch-mix fit.
SAME_BRANCH_PENALTY = 0.2
F32 = np.float32
#: Rows of starters scored at a time: bounds memory for large matrices.
CHUNK_ROWS = 512

BRANCHES = list(BranchGroup)
KINDS = list(SpaceKind)
_H1, _H2, _H3 = PermittedUse.HORECA_1.bit, PermittedUse.HORECA_2.bit, PermittedUse.HORECA_3.bit
#: A horeca permission covers the lighter categories too.
_ACCEPTED_USES = {
    PermittedUse.HORECA_1: _H1 | _H2 | _H3,
    PermittedUse.HORECA_2: _H2 | _H3,
}
#: The use a branch group usually needs, when the starter did not say.
BRANCH_USE = {
    BranchGroup.DAILY_GOODS: PermittedUse.DETAILHANDEL,
    BranchGroup.FASHION_LUXURY: PermittedUse.DETAILHANDEL,
    BranchGroup.LEISURE_GOODS: PermittedUse.DETAILHANDEL,
    BranchGroup.HOME_GARDEN: PermittedUse.DETAILHANDEL,
    BranchGroup.OTHER_RETAIL: PermittedUse.DETAILHANDEL,
    BranchGroup.LEISURE_HORECA: PermittedUse.HORECA_1,
    BranchGroup.SERVICES: PermittedUse.DIENSTVERLENING,
}


def accepted_uses(use: PermittedUse) -> int:
    """The unit uses (as a bit mask) that let a concept needing this use in."""
    use = PermittedUse(use)
    return _ACCEPTED_USES.get(use, use.bit)


def city_code(city: str | None) -> int:
    """A number standing for a city name, the same for every spelling in case and spaces."""
    return crc32(city.strip().casefold().encode()) if city and city.strip() else -1


def _floats(values) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


@dataclass(frozen=True)
class StarterFeatures:
    """The starters' wishes as arrays (one entry per starter; NaN or -1: not given)."""

    ids: np.ndarray
    min_area: np.ndarray
    max_area: np.ndarray
    budget: np.ndarray  # cents per month
    use_ok: np.ndarray  # bit mask of unit uses that fit; 0: unknown
    use_stated: np.ndarray  # the starter named the use (a mismatch excludes)
    earliest: np.ndarray  # day ordinal
    kind: np.ndarray  # index in KINDS
    branch: np.ndarray  # index in BRANCHES
    city: np.ndarray
    pref_streets: list[np.ndarray]  # street ids per starter
    pref_areas: list[np.ndarray]  # area ids per starter (those of preferred streets included)

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def build(cls, rows: Sequence[dict]) -> "StarterFeatures":
        """From one dict per starter with the profile's fields (missing keys: not given)."""

        def use_of(row) -> tuple[int, bool]:
            if row.get("required_use"):
                return accepted_uses(row["required_use"]), True
            if row.get("branch_group"):
                return accepted_uses(BRANCH_USE[BranchGroup(row["branch_group"])]), False
            return 0, False

        uses = [use_of(r) for r in rows]
        budgets = [r.get("budget_cents_per_month") or None for r in rows]  # 0: not given
        return cls(
            ids=np.array([r["id"] for r in rows], dtype=np.int64),
            min_area=_floats(r.get("min_area_m2") for r in rows),
            max_area=_floats(r.get("max_area_m2") for r in rows),
            budget=_floats(budgets),
            use_ok=np.array([u[0] for u in uses], dtype=np.int64),
            use_stated=np.array([u[1] for u in uses], dtype=bool),
            earliest=_floats(
                r["earliest_start"].toordinal() if r.get("earliest_start") else None for r in rows
            ),
            kind=np.array(
                [
                    KINDS.index(SpaceKind(r["space_kind"])) if r.get("space_kind") else -1
                    for r in rows
                ],
                dtype=np.int8,
            ),
            branch=np.array(
                [
                    BRANCHES.index(BranchGroup(r["branch_group"])) if r.get("branch_group") else -1
                    for r in rows
                ],
                dtype=np.int8,
            ),
            city=np.array([city_code(r.get("city")) for r in rows], dtype=np.int64),
            pref_streets=[np.array(sorted(r.get("street_ids", ())), np.int64) for r in rows],
            pref_areas=[np.array(sorted(r.get("area_ids", ())), np.int64) for r in rows],
        )

    def take(self, index) -> "StarterFeatures":
        index = np.asarray(index, dtype=np.int64)
        return replace(
            self,
            **{
                f.name: getattr(self, f.name)[index]
                for f in fields(self)
                if f.name not in ("pref_streets", "pref_areas")
            },
            pref_streets=[self.pref_streets[i] for i in index],
            pref_areas=[self.pref_areas[i] for i in index],
        )


@dataclass(frozen=True)
class UnitFeatures:
    """The units and their streets as arrays (one entry per unit; NaN or -1: not known)."""

    ids: np.ndarray
    vvo: np.ndarray
    cost: np.ndarray  # rent plus service charges, cents per month
    uses: np.ndarray  # bit mask of permitted uses; 0: unknown
    available: np.ndarray  # day ordinal; NaN: now
    vacancy_days: np.ndarray
    street: np.ndarray  # Street id, -1 when the street is not one of an area's streets
    area: np.ndarray
    city: np.ndarray
    wanted: np.ndarray  # bit mask of branch groups the street profile asks for
    excluded: np.ndarray  # bit mask of branch groups the street wants no more of
    same_branch: np.ndarray  # (branch groups + 1) × units: occupants per group in the street
    weights: np.ndarray  # units × components

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def build(cls, rows: Sequence[dict]) -> "UnitFeatures":
        """From one dict per unit (see services.unit_rows for the keys)."""
        counts = np.zeros((len(BRANCHES) + 1, len(rows)), dtype=np.int16)
        for j, row in enumerate(rows):
            for group, n in row.get("occupants", {}).items():
                counts[BRANCHES.index(BranchGroup(group)), j] = n
        return cls(
            ids=np.array([r["id"] for r in rows], dtype=np.int64),
            vvo=_floats(r["floor_area_vvo"] for r in rows),
            cost=np.array(
                [
                    (r["rent_cents_per_year"] + (r.get("service_charges_cents_per_year") or 0)) / 12
                    for r in rows
                ],
                dtype=np.float64,
            ),
            uses=np.array([r.get("uses_mask") or 0 for r in rows], dtype=np.int64),
            available=_floats(
                r["available_from"].toordinal() if r.get("available_from") else None for r in rows
            ),
            vacancy_days=_floats(r.get("vacancy_days") for r in rows),
            street=np.array([r.get("street_id") or -1 for r in rows], dtype=np.int64),
            area=np.array([r.get("area_id") or -1 for r in rows], dtype=np.int64),
            city=np.array([city_code(r.get("city")) for r in rows], dtype=np.int64),
            wanted=np.array([r.get("wanted_mask", 0) for r in rows], dtype=np.int64),
            excluded=np.array([r.get("excluded_mask", 0) for r in rows], dtype=np.int64),
            same_branch=counts,
            weights=np.array(
                [[r["weights"][name] for name in COMPONENTS] for r in rows], dtype=np.float64
            ).reshape(len(rows), len(COMPONENTS)),
        )

    def take(self, index) -> "UnitFeatures":
        index = np.asarray(index, dtype=np.int64)
        values = {f.name: getattr(self, f.name)[index] for f in fields(self)}
        values["same_branch"] = self.same_branch[:, index]
        return replace(self, **values)

    # What depends on the units alone is worked out once, for every starter scored after.

    @cached_property
    def vvo32(self) -> np.ndarray:
        return self.vvo.astype(F32)

    @cached_property
    def cost32(self) -> np.ndarray:
        return self.cost.astype(F32)

    @cached_property
    def weights32(self) -> np.ndarray:
        """Components × units, each unit's weights scaled so that the parts add up to 100."""
        return (self.weights * (100.0 / self.weights.sum(axis=1))[:, None]).T.astype(F32)

    @cached_property
    def streets_sorted(self) -> tuple[np.ndarray, np.ndarray]:
        order = np.argsort(self.street, kind="stable")
        return order, self.street[order]

    @cached_property
    def areas_sorted(self) -> tuple[np.ndarray, np.ndarray]:
        order = np.argsort(self.area, kind="stable")
        return order, self.area[order]

    @cached_property
    def popup(self) -> np.ndarray:
        vacancy = (self.vacancy_days / POPUP_VACANCY_DAYS).clip(0, 1)
        return np.nan_to_num(0.5 + 0.5 * vacancy, nan=0.5).astype(F32)

    @cached_property
    def branch_tables(self) -> tuple[np.ndarray, np.ndarray]:
        """Branch-mix fit and exclusion per branch group (the last row: group not given)."""
        bits = np.left_shift(1, np.arange(len(BRANCHES), dtype=np.int64))[:, None]
        wanted = (self.wanted[None, :] & bits) != 0
        hard = (self.excluded[None, :] & bits) != 0
        table = (
            np.where(wanted, BRANCH_WANTED, BRANCH_OPEN)
            - SAME_BRANCH_PENALTY * (self.same_branch[:-1])
        )
        table = np.where(hard, 0.0, table.clip(0, 1)).astype(F32)
        table = np.vstack([table, np.full((1, len(self)), NEUTRAL, dtype=F32)])
        return table, np.vstack([hard, np.zeros((1, len(self)), dtype=bool)])


# The components ---------------------------------------------------------------------------
# Each takes starters (S) and units (U) and returns an S × U float32 array of fits in [0, 1],
# and an S × U array of excluded pairs (or None when the component never excludes). They work
# on whole rows and columns: per-starter and per-unit constants, and tables indexed by a small
# code (a use, a branch group, a city) that are gathered into the S × U result.


def _col(values: np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=F32)[:, None]


def _row(values: np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=F32)[None, :]


def size_fit(s: StarterFeatures, u: UnitFeatures, today: int):
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


def budget_fit(s: StarterFeatures, u: UnitFeatures, today: int):
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


def use_fit(s: StarterFeatures, u: UnitFeatures, today: int):
    wanted, code = np.unique(s.use_ok, return_inverse=True)
    permitted = (u.uses[None, :] & wanted[:, None]) != 0  # one row per kind of wish
    table = permitted.astype(F32)
    table[:, u.uses == 0] = NEUTRAL
    table[wanted == 0] = NEUTRAL
    hard = ~permitted & (u.uses != 0)[None, :] & (wanted != 0)[:, None]
    code = code.ravel()
    return table[code], hard[code] & s.use_stated[:, None]


def _preferred_pairs(prefs: list[np.ndarray], index) -> tuple[np.ndarray, np.ndarray]:
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


def location_fit(s: StarterFeatures, u: UnitFeatures, today: int):
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


def availability_fit(s: StarterFeatures, u: UnitFeatures, today: int):
    unknown = np.isnan(s.earliest)
    # Whole days from today (exact in float32): when the unit is free, when the starter wants it.
    free = np.fmax(u.available, today) - today  # fmax passes over NaN: not known is now
    wanted = np.fmax(np.where(unknown, today, s.earliest), today) - today
    fit = _row(free) - _col(wanted)
    fit /= AVAILABILITY_SPAN_DAYS
    fit = np.subtract(1, fit, out=fit).clip(0, 1, out=fit)
    fit[unknown] = NEUTRAL
    return fit, None


def space_kind_fit(s: StarterFeatures, u: UnitFeatures, today: int):
    fit = np.empty((len(s), len(u)), dtype=F32)
    fit[s.kind < 0] = NEUTRAL
    fit[s.kind == KINDS.index(SpaceKind.WHOLE_UNIT)] = 1.0
    fit[s.kind == KINDS.index(SpaceKind.POPUP)] = u.popup
    shop = s.kind == KINDS.index(SpaceKind.SHOP_IN_SHOP)
    if shop.any():
        own = np.nan_to_num(s.min_area[shop], nan=SHOP_IN_SHOP_DEFAULT_M2)
        fit[shop] = (u.vvo32[None, :] / _col(2 * own)).clip(0, 1)
    return fit, None


def branch_mix_fit(s: StarterFeatures, u: UnitFeatures, today: int):
    table, hard = u.branch_tables
    code = np.where(s.branch >= 0, s.branch, len(BRANCHES)).astype(np.int64)
    return table[code], hard[code]


COMPONENT_FITS = {
    "size": size_fit,
    "budget": budget_fit,
    "use": use_fit,
    "location": location_fit,
    "availability": availability_fit,
    "space_kind": space_kind_fit,
    "branch_mix": branch_mix_fit,
}
assert tuple(COMPONENT_FITS) == COMPONENTS


def components(s: StarterFeatures, u: UnitFeatures, today: int) -> tuple[dict, np.ndarray]:
    """Every component's S × U fits, and the S × U excluded pairs."""
    excluded = np.zeros((len(s), len(u)), dtype=bool)
    fits = {}
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
    """Chosen (starter row, unit column) pairs, their total, and each unit's runner-up row."""

    rows: np.ndarray
    cols: np.ndarray
    total: int
    runner_up: np.ndarray  # per unit column: the best other starter row, -1 when none


def assign(
    scores: np.ndarray,
    excluded: np.ndarray,
    min_score: int = 0,
    stage: Callable[[str], None] | None = None,
) -> Assignment:
    """The pairs that maximise the total score, each starter and unit used at most once.

    Excluded pairs (and those under min_score) are worth 0 to the solver and dropped from its
    answer: any matching of allowed pairs extends to a full assignment with such zero-worth
    pairs, so the allowed pairs left over still have the greatest total there is.
    stage, when given, hears "assigning" and then "runner_ups" as the work gets there.
    """
    stage = stage or (lambda name: None)
    stage("assigning")
    blocked = excluded | (scores < min_score)
    worth = np.where(blocked, 0.0, scores.astype(np.float64))
    if worth.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Assignment(empty, empty, 0, np.full(scores.shape[1], -1, dtype=np.int64))
    # The solver adds one row of the smaller side at a time; those with the fewest allowed pairs
    # first makes it markedly faster (a reordering: the optimum is the same).
    if worth.shape[0] <= worth.shape[1]:
        order = np.argsort((~blocked).sum(axis=1), kind="stable")
        rows, cols = linear_sum_assignment(worth[order], maximize=True)
        rows = order[rows]
    else:
        order = np.argsort((~blocked).sum(axis=0), kind="stable")
        rows, cols = linear_sum_assignment(worth[:, order], maximize=True)
        cols = order[cols]
    keep = ~blocked[rows, cols]
    rows, cols = rows[keep], cols[keep]
    total = int(scores[rows, cols].astype(np.int64).sum())
    stage("runner_ups")
    return Assignment(rows, cols, total, runner_ups(scores, blocked, rows, cols))


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
