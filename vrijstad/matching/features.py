"""The starters' wishes and the units' facts as arrays, read from the database.

StarterFeatures and UnitFeatures hold one entry per starter or unit (NaN or -1: not given);
they are built from plain dicts, so the scoring can be tested and benchmarked without a
database. starter_row and unit_rows read those dicts from the database.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date
from functools import cached_property
from typing import Any
from zlib import crc32

import numpy as np
import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from vrijstad.areas.models import Street
from vrijstad.extensions import db
from vrijstad.footfall.figures import weekly_by_street
from vrijstad.matching import queries
from vrijstad.matching.models import COMPONENTS, DEFAULT_WEIGHTS, StreetProfile
from vrijstad.starters.models import BranchGroup, SpaceKind, StarterProfile
from vrijstad.units.models import PermittedUse, Unit
from vrijstad.units.uses import accepted_mask

NEUTRAL = 0.5
#: A pop-up suits a unit that has stood empty a year or more best.
POPUP_VACANCY_DAYS = 365
BRANCH_WANTED, BRANCH_OPEN = 1.0, 0.6
#: Each occupant of the same branch group already in the street lowers the branch-mix fit.
SAME_BRANCH_PENALTY = 0.2
F32 = np.float32

BRANCHES = list(BranchGroup)
KINDS = list(SpaceKind)
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
                return accepted_mask(row["required_use"]), True
            if row.get("branch_group"):
                return accepted_mask(BRANCH_USE[BranchGroup(row["branch_group"])]), False
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
    footfall: np.ndarray  # passers-by a week in the street (last 4 full weeks); NaN: not counted
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
            footfall=_floats(r.get("footfall") for r in rows),
            weights=np.array(
                [[r["weights"].get(name, 0) for name in COMPONENTS] for r in rows],
                dtype=np.float64,
            ).reshape(len(rows), len(COMPONENTS)),
        )

    def take(self, index) -> "UnitFeatures":
        index = np.asarray(index, dtype=np.int64)
        values = {
            f.name: getattr(self, f.name)[index] for f in fields(self) if f.name != "same_branch"
        }
        values["same_branch"] = self.same_branch[:, index]  # groups × units: by column
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


# From the database -------------------------------------------------------------------------

#: Occupants per (area id, street name folded) and branch group value.
Occupants = dict[tuple[int, str], dict[BranchGroup, int]]


def starter_row(profile: StarterProfile) -> dict[str, Any]:
    """A profile's wishes for the scoring; a preferred street's area counts as preferred too."""
    return {
        "id": profile.user_id,
        "min_area_m2": profile.min_area_m2,
        "max_area_m2": profile.max_area_m2,
        "budget_cents_per_month": profile.budget_cents_per_month,
        "required_use": profile.required_use,
        "branch_group": profile.branch_group,
        "earliest_start": profile.earliest_start,
        "space_kind": profile.space_kind,
        "city": profile.city,
        "street_ids": [s.id for s in profile.streets],
        "area_ids": sorted({a.id for a in profile.areas} | {s.area_id for s in profile.streets}),
    }


def starter_features(profiles: Sequence[StarterProfile]) -> StarterFeatures:
    return StarterFeatures.build([starter_row(p) for p in profiles])


def street_key(area_id: int | None, street: str) -> tuple[int, str]:
    """How a unit's street and a street profile find each other (-1: no area)."""
    return (-1 if area_id is None else area_id, street.strip().casefold())


def occupants_of(area_ids: Iterable[int], today: date) -> Occupants:
    """How many current occupants of each branch group every street of the areas has."""
    counts: defaultdict[tuple[int, str], defaultdict[BranchGroup, int]] = defaultdict(
        lambda: defaultdict(int)
    )
    area_ids = list(area_ids)
    if area_ids:
        rows = db.session.execute(queries.current_occupants(area_ids, today))
        for area_id, street, group, n in rows:
            if group is None:
                continue  # the query leaves these out already
            counts[street_key(area_id, street)][BranchGroup(group)] += n
    return {key: dict(groups) for key, groups in counts.items()}


def unit_rows(units: Sequence[Unit], today: date) -> list[dict[str, Any]]:
    """The units with their street's profile, its occupants and their organisation's weights."""
    area_ids = sorted({u.area_id for u in units if u.area_id})
    organisation_of: dict[int, int] = dict(
        db.session.execute(queries.area_of_units(area_ids)).all()
    )
    weights = {
        row.organisation_id: row.as_dict()
        for row in db.session.scalars(
            queries.weights_of_organisations(set(organisation_of.values()))
        )
    }
    streets: dict[tuple[int, str], tuple[Street | None, StreetProfile | None]] = {}
    if area_ids:
        for found, street_profile in db.session.execute(queries.streets_of_areas(area_ids)):
            streets[street_key(found.area_id, found.name)] = (found, street_profile)
    occupants = occupants_of(area_ids, today)
    footfall = weekly_by_street(
        [street.id for street, _profile in streets.values() if street], today
    )
    rows = []
    for unit in units:
        key = street_key(unit.area_id, unit.street)
        street, profile = streets.get(key, (None, None))
        rows.append(
            {
                "id": unit.id,
                "floor_area_vvo": unit.floor_area_vvo,
                "rent_cents_per_year": unit.rent_cents_per_year,
                "service_charges_cents_per_year": unit.service_charges_cents_per_year,
                "uses_mask": unit.uses_mask,
                "available_from": unit.available_from,
                "vacancy_days": (today - unit.vacant_since).days if unit.vacant_since else None,
                "street_id": street.id if street else None,
                "area_id": unit.area_id,
                "city": unit.city,
                "wanted_mask": profile.wanted_mask if profile else 0,
                "excluded_mask": profile.excluded_mask if profile else 0,
                "occupants": occupants.get(key, {}),
                "footfall": footfall.get(street.id) if street else None,
                "weights": weights.get(
                    organisation_of.get(unit.area_id or -1, -1), DEFAULT_WEIGHTS
                ),
            }
        )
    return rows


def unit_features(units: Sequence[Unit], today: date) -> UnitFeatures:
    return UnitFeatures.build(unit_rows(units, today))


def load_profiles(query: sa.Select[StarterProfile]) -> list[StarterProfile]:
    """The starter profiles a query selects, with what starter_row reads loaded at once."""
    return list(
        db.session.scalars(
            query.options(
                selectinload(StarterProfile.areas),
                selectinload(StarterProfile.streets),
                selectinload(StarterProfile.user),
            )
        )
    )
