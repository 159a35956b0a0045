"""A score in words: each component's fit, weight, points and why (Match, explain)."""

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

import numpy as np
from babel.numbers import format_decimal

from vrijstad import labels
from vrijstad.footfall.figures import rounded
from vrijstad.i18n import current_language, date_filter
from vrijstad.i18n import gettext as _
from vrijstad.matching import scoring
from vrijstad.matching.features import BRANCH_USE, BRANCHES, StarterFeatures, UnitFeatures
from vrijstad.matching.models import COMPONENTS, Component
from vrijstad.money import format_eur, split_cents
from vrijstad.starters.models import BranchGroup, SpaceKind, StarterProfile
from vrijstad.units.models import PermittedUse, Unit


@dataclass(frozen=True)
class Part:
    """One component of a score: how well it fits (0–100 %), its weight, and its points."""

    name: str
    label: str
    fit: int
    weight: int
    points: int
    note: str


@dataclass(frozen=True)
class Match:
    """A starter and a unit, their score and why."""

    unit: Unit
    profile: StarterProfile
    score: int
    parts: list[Part]

    @property
    def starter_id(self) -> int:
        return self.profile.user_id


def _area_range(profile: StarterProfile) -> str:
    low, high = profile.min_area_m2, profile.max_area_m2
    if low and high:
        return f"{low}–{high}"
    return f"≥ {low}" if low else f"≤ {high}"


def _eur(cents: float) -> str:
    return format_eur(int(round(cents)), current_language())


def _notes(
    profile: StarterProfile,
    unit: Unit,
    s: StarterFeatures,
    u: UnitFeatures,
    fits: dict[str, float],
    today: date,
) -> dict[str, str]:
    """Why each component scores as it does, in words (s and u hold one starter and one unit)."""
    notes = {}
    area = unit.floor_area_vvo
    if profile.min_area_m2 or profile.max_area_m2:
        notes["size"] = _(
            "%(area)d m²; wanted %(range)s m².", area=area, range=_area_range(profile)
        )
    else:
        notes["size"] = _("%(area)d m²; no floor area range given.", area=area)

    cost = float(scoring.monthly_cost(s, u)[0, 0])
    whole = float(u.cost[0])
    if not profile.budget_cents_per_month:
        notes["budget"] = _("%(cost)s a month; no budget given.", cost=_eur(cost))
    elif cost < whole:
        notes["budget"] = _(
            "About %(cost)s a month for a share of %(area)d m²; budget %(budget)s.",
            cost=_eur(cost),
            area=profile.max_area_m2,
            budget=_eur(profile.budget_cents_per_month),
        )
    else:
        notes["budget"] = _(
            "%(cost)s a month with service charges; budget %(budget)s.",
            cost=_eur(cost),
            budget=_eur(profile.budget_cents_per_month),
        )

    use = profile.required_use or (
        BRANCH_USE[profile.branch_group] if profile.branch_group else None
    )
    if use is None:
        notes["use"] = _("No use given for the concept.")
    elif not unit.uses_mask:
        notes["use"] = _("The permitted uses of this unit are not known.")
    elif fits["use"] >= 1:
        notes["use"] = _("Needs %(use)s: permitted here.", use=labels.label(PermittedUse(use)))
    else:
        notes["use"] = _("Needs %(use)s: not permitted here.", use=labels.label(PermittedUse(use)))

    in_street = int(u.street[0]) in set(s.pref_streets[0].tolist())
    in_area = int(u.area[0]) in set(s.pref_areas[0].tolist())
    same_city = profile.city and s.city[0] == u.city[0]
    if len(s.pref_streets[0]) + len(s.pref_areas[0]):
        if in_street:
            notes["location"] = _("In a preferred street.")
        elif in_area:
            notes["location"] = _("In a preferred area.")
        elif same_city:
            notes["location"] = _("Not in a preferred area, but in %(city)s.", city=unit.city)
        else:
            notes["location"] = _("Outside the preferred areas and streets.")
    elif profile.city:
        notes["location"] = (
            _("In %(city)s, where the business is based.", city=unit.city)
            if same_city
            else _("Outside %(city)s, where the business is based.", city=profile.city)
        )
    else:
        notes["location"] = _("No areas, streets or city given.")

    free = unit.available_from if unit.available_from and unit.available_from > today else today
    if profile.earliest_start:
        notes["availability"] = _(
            "Free from %(free)s; wanted from %(start)s.",
            free=date_filter(free),
            start=date_filter(profile.earliest_start),
        )
    else:
        notes["availability"] = _(
            "Free from %(free)s; no start date given.", free=date_filter(free)
        )

    kind = profile.space_kind
    if kind is None:
        notes["space_kind"] = _("No kind of space given.")
    elif kind == SpaceKind.WHOLE_UNIT:
        notes["space_kind"] = _("A whole unit is wanted.")
    elif kind == SpaceKind.POPUP:
        days = unit.days_vacant(today)
        notes["space_kind"] = (
            _("A pop-up is wanted; the unit has been empty for %(days)d days.", days=days)
            if days is not None
            else _("A pop-up is wanted; how long the unit has been empty is not known.")
        )
    else:
        notes["space_kind"] = (
            _("A shop-in-shop is wanted: %(area)d m² leaves room to share.", area=area)
            if fits["space_kind"] >= 1
            else _("A shop-in-shop is wanted: %(area)d m² leaves little room to share.", area=area)
        )

    group = profile.branch_group
    if group is None:
        notes["branch_mix"] = _("No branch group given.")
    else:
        index = BRANCHES.index(BranchGroup(group))
        bit = 1 << index
        same = int(u.same_branch[index, 0])
        branch = labels.label(BranchGroup(group))
        if int(u.excluded[0]) & bit:
            notes["branch_mix"] = _("The street wants no more %(branch)s.", branch=branch)
        elif int(u.wanted[0]) & bit:
            notes["branch_mix"] = _(
                "The street asks for %(branch)s; already there: %(n)d.", branch=branch, n=same
            )
        else:
            notes["branch_mix"] = _(
                "%(branch)s already in the street: %(n)d.", branch=branch, n=same
            )
    notes["footfall"] = _footfall_note(group, float(u.footfall[0]))
    return notes


def _footfall_note(group: str | None, weekly: float) -> str:
    """Why footfall counts (for walk-in trade, a busy street fits better) or does not."""
    known = not np.isnan(weekly)
    if group is None or BranchGroup(group) not in scoring.WALK_IN:
        return _("Footfall counts only for branch groups that live on walk-in trade.")
    if not known:
        return _("Walk-in trade; the street has no footfall counter.")
    return _(
        "Walk-in trade: ± %(count)s passers-by a week in the street; %(full)s or more fits fully.",
        count=format_decimal(rounded(int(weekly)), "#,##0", locale=current_language()),
        full=format_decimal(scoring.FOOTFALL_FULL, "#,##0", locale=current_language()),
    )


def explain(
    s: StarterFeatures,
    u: UnitFeatures,
    profile: StarterProfile,
    unit: Unit,
    score: int,
    today: date,
) -> Match:
    """The score of one starter (s) and one unit (u), broken down into its components."""
    fits, _excluded = scoring.components(s, u, today.toordinal())
    values = {name: float(fits[name][0, 0]) for name in COMPONENTS}
    weights = [int(w) for w in u.weights[0]]
    shares = [w * values[name] for name, w in zip(COMPONENTS, weights, strict=True)]
    # The points add up to the score exactly: the score split by each component's share.
    if sum(shares) > 0:
        points = split_cents(score, [Fraction(float(x)) for x in shares])
    else:
        points = [0] * len(COMPONENTS)
    notes = _notes(profile, unit, s, u, values, today)
    parts = [
        Part(
            name,
            labels.label(Component(name)),
            round(values[name] * 100),
            weight,
            point,
            notes[name],
        )
        for name, weight, point in zip(COMPONENTS, weights, points, strict=True)
    ]
    return Match(unit=unit, profile=profile, score=score, parts=parts)


def exclusion_reasons(s: StarterFeatures, u: UnitFeatures, today: date) -> list[str]:
    """Why one starter and one unit are not matched at all (empty when they may be)."""
    reasons = {
        "size": _("The unit is far too small."),
        "budget": _("The rent is far over the budget."),
        "use": _("The use the concept needs is not permitted."),
        "branch_mix": _("The street wants no more of this branch group."),
    }
    found = []
    for name, fit in scoring.COMPONENT_FITS.items():
        _values, hard = fit(s, u, today.toordinal())
        if hard is not None and hard[0, 0]:
            found.append(reasons[name])
    return found
