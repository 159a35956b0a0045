"""Matching: load units and starters as arrays, score them, explain, recommend, allocate.

The arithmetic lives in scoring.py; here the database is read, rules are checked (who may
tune, see and invite) and every score is explained in words.
"""

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from fractions import Fraction
from operator import itemgetter

import numpy as np
import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from vrijstad import clock, jobs
from vrijstad.applications.services import is_landlord_side
from vrijstad.areas.models import Area, Street
from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.core import DomainError
from vrijstad.exports import Column, Kind, Table
from vrijstad.extensions import db
from vrijstad.i18n import current_language, date_filter, force_locale
from vrijstad.i18n import gettext as _
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.letting.models import Collective
from vrijstad.matching import queries, scoring
from vrijstad.matching.models import (
    COMPONENTS,
    DEFAULT_WEIGHTS,
    MAX_WEIGHT,
    AllocationRun,
    MatchInvitation,
    MatchWeights,
    StreetProfile,
    mask_of,
)
from vrijstad.money import format_eur, split_cents
from vrijstad.notifications.services import notify
from vrijstad.organisations.models import Organisation
from vrijstad.organisations.services import can_manage
from vrijstad.starters.forms import branch_label
from vrijstad.starters.models import BranchGroup, SpaceKind, StarterProfile
from vrijstad.starters.services import profile_of
from vrijstad.units.forms import use_choices
from vrijstad.units.models import PermittedUse, Unit

MAX_RECOMMENDATIONS = 50


class MatchingError(DomainError):
    """A matching action was refused; the message says why."""


def component_labels() -> dict[str, str]:
    return {
        "size": _l("Floor area"),
        "budget": _l("Budget"),
        "use": _l("Permitted use"),
        "location": _l("Location"),
        "availability": _l("Availability"),
        "space_kind": _l("Kind of space"),
        "branch_mix": _l("Branch mix"),
    }


# Weights and street profiles ---------------------------------------------------------------


def weights_of(organisation_id: int | None) -> dict[str, int]:
    """The organisation's weights, or the defaults when it has not tuned them."""
    if organisation_id is None:
        return dict(DEFAULT_WEIGHTS)
    row = db.session.scalar(queries.weights_of_organisations([organisation_id]))
    return row.as_dict() if row else dict(DEFAULT_WEIGHTS)


def save_weights(actor: User, organisation: Organisation, values: dict) -> MatchWeights:
    """Staff tune how much each component counts: whole numbers 0–10, not all zero."""
    if not can_manage(actor, organisation.id):
        raise MatchingError(_("You do not work for this organisation."))
    cleaned = {}
    for name in COMPONENTS:
        value = values.get(name)
        if not isinstance(value, int) or isinstance(value, bool):
            raise MatchingError(_("Give every weight as a whole number."))
        if value < 0:
            raise MatchingError(_("A weight cannot be negative."))
        if value > MAX_WEIGHT:
            raise MatchingError(_("A weight is at most %(max)d.", max=MAX_WEIGHT))
        cleaned[name] = value
    if sum(cleaned.values()) == 0:
        raise MatchingError(_("At least one weight must be more than zero."))
    weights = db.session.scalar(queries.weights_of_organisations([organisation.id]))
    if weights is None:
        weights = MatchWeights(organisation_id=organisation.id)
        db.session.add(weights)
    for name, value in cleaned.items():
        setattr(weights, name, value)
    db.session.flush()
    record_event(actor, "matching.weights_saved", weights, organisation.id, **cleaned)
    return weights


def street_profile_of(street: Street) -> StreetProfile | None:
    return db.session.scalar(sa.select(StreetProfile).where(StreetProfile.street_id == street.id))


def save_street_profile(
    actor: User, street: Street, wanted: Sequence, excluded: Sequence, note: str | None = None
) -> StreetProfile:
    """Give a street its profile: branch groups it asks for, and those it wants no more of."""
    if not can_manage(actor, street.area.organisation_id):
        raise MatchingError(_("You do not work for this organisation."))
    try:
        wanted_mask, excluded_mask = mask_of(wanted), mask_of(excluded)
    except ValueError as exc:
        raise MatchingError(_("Choose branch groups from the list.")) from exc
    if wanted_mask & excluded_mask:
        raise MatchingError(_("A branch group cannot be both wanted and excluded."))
    profile = street_profile_of(street)
    if profile is None:
        profile = StreetProfile(street_id=street.id)
        db.session.add(profile)
    profile.wanted_mask, profile.excluded_mask = wanted_mask, excluded_mask
    profile.note = (note or "").strip()[:500] or None
    db.session.flush()
    record_event(
        actor,
        "matching.street_profile_saved",
        profile,
        street.area.organisation_id,
        street=street.name,
        wanted=wanted_mask,
        excluded=excluded_mask,
    )
    return profile


def street_overview(organisation: Organisation, today: date | None = None) -> list[dict]:
    """Every street of the organisation's areas with its profile and current branch mix."""
    area_ids = [a.id for a in organisation.areas]
    occupants = _occupants(area_ids, today or clock.today())
    return [
        {
            "street": street,
            "profile": profile,
            "occupants": occupants.get((street.area_id, street.name.casefold()), {}),
        }
        for street, profile in db.session.execute(queries.streets_of_areas(area_ids))
    ]


# Features from the database ----------------------------------------------------------------


def starter_row(profile: StarterProfile) -> dict:
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


def starter_features(profiles: Sequence[StarterProfile]) -> scoring.StarterFeatures:
    return scoring.StarterFeatures.build([starter_row(p) for p in profiles])


def _occupants(area_ids, today: date) -> dict[tuple[int, str], dict[str, int]]:
    counts: dict = defaultdict(lambda: defaultdict(int))
    if area_ids:
        for area_id, street, group, n in db.session.execute(
            queries.current_occupants(area_ids, today)
        ):
            counts[(area_id, street.strip().casefold())][BranchGroup(group).value] += n
    return counts


def unit_rows(units: Sequence[Unit], today: date) -> list[dict]:
    """The units with their street's profile, its occupants and their organisation's weights."""
    area_ids = sorted({u.area_id for u in units if u.area_id})
    organisation_of = dict(db.session.execute(queries.area_of_units(area_ids)).all())
    weights = {
        row.organisation_id: row.as_dict()
        for row in db.session.scalars(
            queries.weights_of_organisations(set(organisation_of.values()))
        )
    }
    streets = {}
    if area_ids:
        for street, profile in db.session.execute(queries.streets_of_areas(area_ids)):
            streets[(street.area_id, street.name.strip().casefold())] = (street, profile)
    occupants = _occupants(area_ids, today)
    rows = []
    for unit in units:
        key = (unit.area_id, unit.street.strip().casefold())
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
                "weights": weights.get(organisation_of.get(unit.area_id), DEFAULT_WEIGHTS),
            }
        )
    return rows


def unit_features(units: Sequence[Unit], today: date) -> scoring.UnitFeatures:
    return scoring.UnitFeatures.build(unit_rows(units, today))


# Explanations ------------------------------------------------------------------------------


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


def _use_label(use: PermittedUse) -> str:
    return next(str(c.label) for c in use_choices() if c.value == PermittedUse(use).value)


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
    s: scoring.StarterFeatures,
    u: scoring.UnitFeatures,
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
        scoring.BRANCH_USE[profile.branch_group] if profile.branch_group else None
    )
    if use is None:
        notes["use"] = _("No use given for the concept.")
    elif not unit.uses_mask:
        notes["use"] = _("The permitted uses of this unit are not known.")
    elif fits["use"] >= 1:
        notes["use"] = _("Needs %(use)s: permitted here.", use=_use_label(use))
    else:
        notes["use"] = _("Needs %(use)s: not permitted here.", use=_use_label(use))

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
        index = scoring.BRANCHES.index(BranchGroup(group))
        bit = 1 << index
        same = int(u.same_branch[index, 0])
        label = branch_label(group)
        if int(u.excluded[0]) & bit:
            notes["branch_mix"] = _("The street wants no more %(branch)s.", branch=label)
        elif int(u.wanted[0]) & bit:
            notes["branch_mix"] = _(
                "The street asks for %(branch)s; already there: %(n)d.", branch=label, n=same
            )
        else:
            notes["branch_mix"] = _(
                "%(branch)s already in the street: %(n)d.", branch=label, n=same
            )
    return notes


def explain(
    s: scoring.StarterFeatures,
    u: scoring.UnitFeatures,
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
    labels = component_labels()
    parts = [
        Part(name, str(labels[name]), round(values[name] * 100), weight, point, notes[name])
        for name, weight, point in zip(COMPONENTS, weights, points, strict=True)
    ]
    return Match(unit=unit, profile=profile, score=score, parts=parts)


def exclusion_reasons(s: scoring.StarterFeatures, u: scoring.UnitFeatures, today: date):
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


# Recommendations ---------------------------------------------------------------------------


def _load_profiles(query: sa.Select) -> list[StarterProfile]:
    return list(
        db.session.scalars(
            query.options(
                selectinload(StarterProfile.areas),
                selectinload(StarterProfile.streets),
                selectinload(StarterProfile.user),
            )
        )
    )


def recommend_units(starter: User, limit: int = 10, today: date | None = None) -> list[Match]:
    """The open units that fit a starter best, best first; never an excluded pair."""
    today = today or clock.today()
    profile = profile_of(starter)
    if profile is None:
        return []
    units = list(db.session.scalars(queries.units_for_starter(starter, profile)))
    s, u = starter_features([profile]), unit_features(units, today)
    scores, excluded = scoring.score_matrix(s, u, today.toordinal())
    best = scoring.top_k(scores[0], excluded[0], min(limit, MAX_RECOMMENDATIONS))
    return [explain(s, u.take([j]), profile, units[j], int(scores[0, j]), today) for j in best]


def recommend_starters(unit: Unit, limit: int = 10, today: date | None = None) -> list[Match]:
    """The starters who fit a unit best and have not applied for it, best first."""
    today = today or clock.today()
    profiles = _load_profiles(queries.candidates_for_unit(unit))
    s, u = starter_features(profiles), unit_features([unit], today)
    scores, excluded = scoring.score_matrix(s, u, today.toordinal())
    best = scoring.top_k(scores[:, 0], excluded[:, 0], min(limit, MAX_RECOMMENDATIONS))
    return [explain(s.take([i]), u, profiles[i], unit, int(scores[i, 0]), today) for i in best]


def invited_starter_ids(unit: Unit) -> set[int]:
    return set(db.session.scalars(queries.invited_starters(unit.id)))


def invite_to_apply(
    actor: User, unit: Unit, starter_id: int, today: date | None = None
) -> MatchInvitation:
    """Invite a starter who fits a unit to apply for it (once); the starter is notified."""
    today = today or clock.today()
    if not is_landlord_side(actor, unit):
        raise MatchingError(_("Only the landlord or the area's organisation can invite."))
    if unit.status not in queries.OPEN_UNIT_STATUSES:
        raise MatchingError(_("This unit is not open for applications."))
    profile = db.session.scalar(
        queries.candidates_for_unit(unit).where(StarterProfile.user_id == starter_id)
    )
    if profile is None:
        raise MatchingError(_("This starter cannot be invited for this unit (any more)."))
    if profile.invitations_opt_out:
        raise MatchingError(_("This starter does not want to be invited to apply."))
    if starter_id in invited_starter_ids(unit):
        raise MatchingError(_("This starter has already been invited for this unit."))
    s, u = starter_features([profile]), unit_features([unit], today)
    reasons = exclusion_reasons(s, u, today)
    if reasons:
        raise MatchingError(" ".join(reasons))
    scores, _excluded = scoring.score_matrix(s, u, today.toordinal())
    invitation = MatchInvitation(
        unit_id=unit.id, starter_id=starter_id, invited_by_id=actor.id, score=int(scores[0, 0])
    )
    db.session.add(invitation)
    db.session.flush()
    organisation_id = unit.area.organisation_id if unit.area else None
    record_event(
        actor,
        "matching.invited",
        invitation,
        organisation_id,
        unit=unit.id,
        starter=starter_id,
        score=invitation.score,
    )
    notify(
        [profile.user],
        "matching.invited",
        "units.detail",
        {"unit_id": unit.id},
        {"unit": f"{unit.address}, {unit.city}", "score": invitation.score},
    )
    return invitation


# Allocation --------------------------------------------------------------------------------

#: Allocations of more starter × unit pairs than this run as a background job (the setting
#: MATCHING_INLINE_PAIRS overrides it); smaller ones are computed in the request.
INLINE_PAIRS = 250_000

#: What staff allocate from: an area's open units, or a collective's free units.
Scope = Area | Collective


@dataclass(frozen=True)
class Allocated:
    """A unit, the starter it is given to and why, and the next-best starter for it."""

    match: Match
    runner_up: StarterProfile | None
    runner_up_score: int | None


@dataclass(frozen=True)
class Allocation:
    pairs: list[Allocated]
    total: int
    unassigned_units: list[Unit]
    unassigned_starters: list[StarterProfile]
    excluded_pairs: int
    #: (unit id, starter id) of the pairs already invited.
    invited: frozenset[tuple[int, int]] = frozenset()
    #: A stored run's page of pairs: its number, the number of pages and of pairs in all.
    page: int = 1
    pages: int = 1
    pair_count: int | None = None


def area_of_scope(scope: Scope) -> Area:
    return scope.area if isinstance(scope, Collective) else scope


def allocation_choices(
    scope: Scope, today: date | None = None
) -> tuple[list[Unit], list[StarterProfile]]:
    """The open units of an area (or the free units of a collective) and the starters
    interested in its area, to choose from."""
    if isinstance(scope, Collective):
        query = queries.free_units_of_collective(scope.id, today or clock.today())
    else:
        query = queries.open_units_of_area(scope.id)
    units = list(db.session.scalars(query))
    return units, _load_profiles(queries.candidates_for_area(area_of_scope(scope)))


def collectives_of(organisation: Organisation) -> list[Collective]:
    return list(db.session.scalars(queries.collectives_of_organisation(organisation.id)))


def recent_allocations(organisation: Organisation, limit: int = 10) -> list[AllocationRun]:
    return list(db.session.scalars(queries.allocation_runs_of(organisation.id).limit(limit)))


def _chosen(
    actor: User, scope: Scope, unit_ids, starter_ids, today: date
) -> tuple[list[Unit], list[StarterProfile]]:
    """The chosen units and starters that may be allocated (others are ignored)."""
    if not can_manage(actor, scope.organisation_id):
        raise MatchingError(_("You do not work for this organisation."))
    unit_ids, starter_ids = set(unit_ids), set(starter_ids)
    units, profiles = allocation_choices(scope, today)
    units = [unit for unit in units if unit.id in unit_ids]
    profiles = [p for p in profiles if p.user_id in starter_ids]
    if not units:
        raise MatchingError(_("There are no units to allocate: choose at least one open unit."))
    if not profiles:
        raise MatchingError(_("There are no candidates: choose at least one starter."))
    return units, profiles


def _no_progress(pct: float, message: str = "") -> None:
    """Progress reports go nowhere outside a job."""


def _assign(
    units: list[Unit],
    profiles: list[StarterProfile],
    min_score: int,
    today: date,
    progress: Callable[[float, str], None] = _no_progress,
) -> dict:
    """Score every pair, choose the best assignment and each unit's runner-up (ids only)."""
    s, u = starter_features(profiles), unit_features(units, today)
    n = len(profiles)

    def scored(share: float) -> None:
        done = round(share * n)
        progress(
            5 + 60 * share,
            _("Building the score matrix: %(done)d of %(n)d starters.", done=done, n=n),
        )

    scores, excluded = scoring.score_matrix(s, u, today.toordinal(), scored)
    stages = {
        "assigning": (70, _("Assigning units to starters…")),
        "runner_ups": (90, _("Finding the runner-up for each unit…")),
    }
    result = scoring.assign(scores, excluded, min_score, lambda stage: progress(*stages[stage]))
    pairs = []
    for i, j in sorted(zip(result.rows, result.cols, strict=True), key=lambda p: units[p[1]].id):
        other = int(result.runner_up[j])
        pairs.append(
            [
                units[j].id,
                profiles[i].user_id,
                int(scores[i, j]),
                profiles[other].user_id if other >= 0 else None,
                int(scores[other, j]) if other >= 0 else None,
            ]
        )
    given_rows, given_cols = set(result.rows.tolist()), set(result.cols.tolist())
    return {
        "total": result.total,
        "excluded_pairs": int(np.count_nonzero(excluded)),
        "pairs": pairs,
        "unassigned_units": [unit.id for j, unit in enumerate(units) if j not in given_cols],
        "unassigned_starters": [p.user_id for i, p in enumerate(profiles) if i not in given_rows],
    }


def allocate(
    actor: User,
    scope: Scope,
    unit_ids,
    starter_ids,
    min_score: int = 0,
    today: date | None = None,
) -> Allocation:
    """Give the chosen units to the chosen starters so that the total fit is greatest.

    Each unit gets at most one starter and each starter at most one unit; excluded pairs and
    pairs under min_score are never chosen. Nothing is stored (see plan_allocation).
    """
    today = today or clock.today()
    units, profiles = _chosen(actor, scope, unit_ids, starter_ids, today)
    return _allocation(_assign(units, profiles, min_score, today), today)


def plan_allocation(
    actor: User,
    scope: Scope,
    unit_ids,
    starter_ids,
    min_score: int = 0,
    today: date | None = None,
) -> AllocationRun:
    """Record an allocation of the chosen units and starters, to be computed next."""
    today = today or clock.today()
    if not 0 <= min_score <= 100:
        raise MatchingError(_("The lowest score is between 0 and 100."))
    units, profiles = _chosen(actor, scope, unit_ids, starter_ids, today)
    collective = scope if isinstance(scope, Collective) else None
    run = AllocationRun(
        organisation_id=scope.organisation_id,
        area_id=area_of_scope(scope).id,
        collective_id=collective.id if collective else None,
        created_by_id=actor.id,
        unit_ids=[unit.id for unit in units],
        starter_ids=[p.user_id for p in profiles],
        min_score=min_score,
    )
    db.session.add(run)
    db.session.flush()
    record_event(
        actor,
        "matching.allocation_planned",
        run,
        run.organisation_id,
        units=len(units),
        starters=len(profiles),
        min_score=min_score,
    )
    return run


def runs_in_background(run: AllocationRun) -> bool:
    """Whether the allocation is large enough to run as a background job."""
    limit = current_app.config.get("MATCHING_INLINE_PAIRS", INLINE_PAIRS)
    return len(run.unit_ids) * len(run.starter_ids) > limit


def start_allocation(run: AllocationRun, result_url: str) -> jobs.JobHandle | None:
    """Compute a small allocation now (None), or queue a large one as a job (its handle)."""
    if not runs_in_background(run):
        compute_allocation(run)
        return None
    handle = jobs.enqueue(
        run_allocation,
        run.id,
        current_language(),
        result_url,
        job_key=f"allocation-{run.id}",
        job_title=_("Allocating units to starters"),
    )
    run.job_id = handle.id
    db.session.flush()
    return handle


def compute_allocation(
    run: AllocationRun,
    today: date | None = None,
    progress: Callable[[float, str], None] = _no_progress,
) -> AllocationRun:
    """Find the run's assignment and store it (flushes).

    Units let and starters gone since the run was planned are left out.
    """
    today = today or clock.today()
    progress(2, _("Reading the units and starters…"))
    scope: Scope = run.collective or run.area
    units, profiles = allocation_choices(scope, today)
    unit_ids, starter_ids = set(run.unit_ids), set(run.starter_ids)
    units = [unit for unit in units if unit.id in unit_ids]
    profiles = [p for p in profiles if p.user_id in starter_ids]
    if units and profiles:
        result = _assign(units, profiles, run.min_score, today, progress)
    else:
        result = {
            "total": 0,
            "excluded_pairs": 0,
            "pairs": [],
            "unassigned_units": [u.id for u in units],
            "unassigned_starters": [p.user_id for p in profiles],
        }
    progress(97, _("Saving the result…"))
    run.result = result
    run.finished_at = clock.now()
    db.session.flush()
    return run


def run_allocation(run_id: int, locale: str, result_url: str) -> dict:
    """The background job of a large allocation; a retry after it was stored does nothing."""
    with force_locale(locale):
        run = db.session.get(AllocationRun, run_id)
        if run is None:
            raise MatchingError(_("This allocation no longer exists."))
        if not run.done:
            compute_allocation(run, progress=jobs.set_progress)
            db.session.commit()
        return {"url": result_url, "label": _("View the allocation")}


def _ids_in(result: dict) -> tuple[set[int], set[int]]:
    """The unit ids and the starter ids a stored result names (runner-ups included)."""
    units = {p[0] for p in result["pairs"]} | set(result["unassigned_units"])
    starters = (
        {p[1] for p in result["pairs"]}
        | {p[3] for p in result["pairs"] if p[3] is not None}
        | set(result["unassigned_starters"])
    )
    return units, starters


def _allocation(result: dict, today: date, invited=frozenset()) -> Allocation:
    """A stored result with its units and starters, each pair explained from today's data."""
    ids_of_units, ids_of_starters = _ids_in(result)
    units = {
        unit.id: unit
        for unit in db.session.scalars(sa.select(Unit).where(Unit.id.in_(ids_of_units)))
    }
    profiles = {
        p.user_id: p
        for p in _load_profiles(
            sa.select(StarterProfile).where(StarterProfile.user_id.in_(ids_of_starters))
        )
    }
    shown = [p for p in result["pairs"] if p[0] in units and p[1] in profiles]
    s = starter_features([profiles[p[1]] for p in shown])
    u = unit_features([units[p[0]] for p in shown], today)
    pairs = [
        Allocated(
            explain(s.take([k]), u.take([k]), profiles[starter_id], units[unit_id], score, today),
            profiles.get(other),
            other_score if other in profiles else None,
        )
        for k, (unit_id, starter_id, score, other, other_score) in enumerate(shown)
    ]
    return Allocation(
        pairs=pairs,
        total=result["total"],
        unassigned_units=[units[i] for i in result["unassigned_units"] if i in units],
        unassigned_starters=[profiles[i] for i in result["unassigned_starters"] if i in profiles],
        excluded_pairs=result["excluded_pairs"],
        invited=frozenset(invited),
    )


#: Pairs on a page of a stored allocation: each is explained anew, which takes a while.
PAIRS_PER_PAGE = 100


def allocation_of(
    run: AllocationRun, today: date | None = None, page: int = 1
) -> Allocation | None:
    """A page of a computed run as the page shows it (None while it is being computed); a
    page past the end gives the last one."""
    if not run.done:
        return None
    every_pair = run.result["pairs"]
    pages = max(1, -(-len(every_pair) // PAIRS_PER_PAGE))
    page = min(max(page, 1), pages)
    shown = every_pair[(page - 1) * PAIRS_PER_PAGE : page * PAIRS_PER_PAGE]
    unit_ids = [p[0] for p in shown]
    invited = {tuple(row) for row in db.session.execute(queries.invitations_for_units(unit_ids))}
    allocation = _allocation({**run.result, "pairs": shown}, today or clock.today(), invited)
    return replace(allocation, page=page, pages=pages, pair_count=len(every_pair))


def allocation_table(run: AllocationRun) -> Table:
    """Every pair of a computed run, then the units and starters left over, for the download."""
    result = run.result
    unit_ids, starter_ids = _ids_in(result)
    units = dict(db.session.execute(sa.select(Unit.id, Unit).where(Unit.id.in_(unit_ids))).all())
    profiles = {
        p.user_id: p
        for p in db.session.scalars(
            sa.select(StarterProfile)
            .where(StarterProfile.user_id.in_(starter_ids))
            .options(selectinload(StarterProfile.user))
        )
    }

    def unit_text(unit_id: int) -> str:
        unit = units.get(unit_id)
        return f"{unit.address}, {unit.city}" if unit else _("Unit %(id)d", id=unit_id)

    def starter_text(starter_id: int | None) -> str:
        if starter_id is None:
            return ""
        profile = profiles.get(starter_id)
        if profile is None:
            return _("Starter #%(id)d", id=starter_id)  # the account was deleted since
        return profile.trade_name or profile.user.name

    rows = [
        (
            unit_text(unit_id),
            starter_text(starter_id),
            score,
            starter_text(other),
            None if other is None else other_score,
        )
        for unit_id, starter_id, score, other, other_score in result["pairs"]
    ]
    rows += [(unit_text(unit_id), "", None, "", None) for unit_id in result["unassigned_units"]]
    rows += [("", starter_text(s), None, "", None) for s in result["unassigned_starters"]]
    columns = [
        Column(_l("Unit"), itemgetter(0)),
        Column(_l("Starter"), itemgetter(1)),
        Column(_l("Score"), itemgetter(2), Kind.INT),
        Column(_l("Runner-up"), itemgetter(3)),
        Column(_l("Runner-up score"), itemgetter(4), Kind.INT),
    ]
    return Table(_("Allocation"), columns, rows)


def invite_pairs(actor: User, organisation: Organisation, pairs) -> tuple[int, list[str]]:
    """Turn chosen (unit id, starter id) pairs into invitations; returns the number sent and
    why the others were not."""
    sent, problems = 0, []
    for unit_id, starter_id in pairs:
        unit = db.session.get(Unit, unit_id)
        if unit is None or unit.area is None or unit.area.organisation_id != organisation.id:
            problems.append(_("Unit %(id)d is not one of this organisation's units.", id=unit_id))
            continue
        try:
            invite_to_apply(actor, unit, starter_id)
        except MatchingError as exc:
            problems.append(f"{unit.address}: {exc}")
        else:
            sent += 1
    return sent, problems
