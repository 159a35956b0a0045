"""Allocation: give an area's (or a collective's) open units to the starters who fit best.

A run is planned (AllocationRun), computed in the request or as a background job when it is
large, stored as ids, and shown a page at a time with every pair explained from today's data.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from operator import itemgetter

import numpy as np
import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from vrijstad import clock, jobs
from vrijstad.areas.models import Area
from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.exports import Column, Kind, Table
from vrijstad.extensions import db
from vrijstad.i18n import current_language, force_locale
from vrijstad.i18n import gettext as _
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.letting.models import Collective
from vrijstad.matching import queries, scoring
from vrijstad.matching.errors import MatchingError
from vrijstad.matching.explain import Match, explain
from vrijstad.matching.features import (
    BRANCHES,
    UnitFeatures,
    load_profiles,
    starter_features,
    unit_features,
)
from vrijstad.matching.held import without_held
from vrijstad.matching.models import AllocationRun
from vrijstad.matching.solver import Limit
from vrijstad.organisations.models import Organisation
from vrijstad.organisations.services import can_manage
from vrijstad.starters.models import StarterProfile
from vrijstad.units.models import Unit

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
    #: With branch limits: the total the allocation would have without them (else None).
    unlimited_total: int | None = None


def area_of_scope(scope: Scope) -> Area:
    return scope.area if isinstance(scope, Collective) else scope


def allocation_choices(
    scope: Scope, today: date | None = None, with_held: bool = False
) -> tuple[list[Unit], list[StarterProfile]]:
    """The open units of an area (or the free units of a collective) and the starters
    interested in its area, to choose from; with_held: held ones too (see held.py)."""
    today = today or clock.today()
    if isinstance(scope, Collective):
        query = queries.free_units_of_collective(scope.id, today)
    else:
        query = queries.open_units_of_area(scope.id)
    units = list(db.session.scalars(query))
    profiles = load_profiles(queries.candidates_for_area(area_of_scope(scope)))
    return (units, profiles) if with_held else without_held(units, profiles, today)


def collectives_of(organisation: Organisation) -> list[Collective]:
    return list(db.session.scalars(queries.collectives_of_organisation(organisation.id)))


def recent_allocations(organisation: Organisation, limit: int = 10) -> list[AllocationRun]:
    return list(db.session.scalars(queries.allocation_runs_of(organisation.id).limit(limit)))


def _chosen(
    actor: User, scope: Scope, unit_ids, starter_ids, today: date, with_held: bool = False
) -> tuple[list[Unit], list[StarterProfile]]:
    """The chosen units and starters that may be allocated (others are ignored)."""
    if not can_manage(actor, scope.organisation_id):
        raise MatchingError(_("You do not work for this organisation."))
    unit_ids, starter_ids = set(unit_ids), set(starter_ids)
    units, profiles = allocation_choices(scope, today, with_held)
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
    result = scoring.assign(
        scores,
        excluded,
        min_score,
        lambda stage: progress(*stages[stage]),
        branch=s.branch,
        limits=branch_limits(u),
    )
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
        "unlimited_total": result.unlimited_total,
        "excluded_pairs": int(np.count_nonzero(excluded)),
        "pairs": pairs,
        "unassigned_units": [unit.id for j, unit in enumerate(units) if j not in given_cols],
        "unassigned_starters": [p.user_id for i, p in enumerate(profiles) if i not in given_rows],
    }


def branch_limits(u: UnitFeatures) -> list[Limit]:
    """The branch limits of the units' streets, as what each street still allows: its limit
    less the businesses of the group there now."""
    street_ids = {int(k) for k in np.unique(u.street) if k >= 0}
    if not street_ids:
        return []
    limits = []
    for limit in db.session.scalars(queries.branch_limits_of_streets(street_ids)):
        columns = np.flatnonzero(u.street == limit.street_id)
        code = BRANCHES.index(limit.branch_group)
        present = int(u.same_branch[code, columns[0]])
        limits.append(Limit(code, columns, limit.max_count - present))
    return limits


def allocate(
    actor: User,
    scope: Scope,
    unit_ids,
    starter_ids,
    min_score: int = 0,
    today: date | None = None,
    with_held: bool = False,
) -> Allocation:
    """Give the chosen units to the chosen starters so that the total fit is greatest.

    Each unit gets at most one starter and each starter at most one unit; excluded pairs and
    pairs under min_score are never chosen; held units and starters are left out unless
    with_held. Nothing is stored (see plan_allocation).
    """
    today = today or clock.today()
    units, profiles = _chosen(actor, scope, unit_ids, starter_ids, today, with_held)
    return _allocation(_assign(units, profiles, min_score, today), today)


def plan_allocation(
    actor: User,
    scope: Scope,
    unit_ids,
    starter_ids,
    min_score: int = 0,
    today: date | None = None,
    with_held: bool = False,
) -> AllocationRun:
    """Record an allocation of the chosen units and starters, to be computed next; held
    units and starters among them count only with_held (staff saw them marked)."""
    today = today or clock.today()
    if not 0 <= min_score <= 100:
        raise MatchingError(_("The lowest score is between 0 and 100."))
    units, profiles = _chosen(actor, scope, unit_ids, starter_ids, today, with_held)
    collective = scope if isinstance(scope, Collective) else None
    run = AllocationRun(
        organisation_id=scope.organisation_id,
        area_id=area_of_scope(scope).id,
        collective_id=collective.id if collective else None,
        created_by_id=actor.id,
        unit_ids=[unit.id for unit in units],
        starter_ids=[p.user_id for p in profiles],
        min_score=min_score,
        with_held=with_held,
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

    Units let and starters gone since the run was planned are left out, and so are those held
    since (an open offer, a placement) unless staff chose held ones on purpose.
    """
    today = today or clock.today()
    progress(2, _("Reading the units and starters…"))
    scope: Scope = run.collective or run.area
    units, profiles = allocation_choices(scope, today, run.with_held)
    unit_ids, starter_ids = set(run.unit_ids), set(run.starter_ids)
    units = [unit for unit in units if unit.id in unit_ids]
    profiles = [p for p in profiles if p.user_id in starter_ids]
    if units and profiles:
        result = _assign(units, profiles, run.min_score, today, progress)
    else:
        result = {
            "total": 0,
            "unlimited_total": None,
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
        for p in load_profiles(
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
        unlimited_total=result.get("unlimited_total"),
    )


#: Pairs on a page of a stored allocation: each is explained anew, which takes a while.
PAIRS_PER_PAGE = 100


def allocation_of(
    run: AllocationRun, today: date | None = None, page: int = 1
) -> Allocation | None:
    """A page of a computed run as the page shows it (None while it is being computed); a
    page past the end gives the last one."""
    result = run.result
    if result is None:
        return None
    every_pair = result["pairs"]
    pages = max(1, -(-len(every_pair) // PAIRS_PER_PAGE))
    page = min(max(page, 1), pages)
    shown = every_pair[(page - 1) * PAIRS_PER_PAGE : page * PAIRS_PER_PAGE]
    unit_ids = [p[0] for p in shown]
    invited = {tuple(row) for row in db.session.execute(queries.invitations_for_units(unit_ids))}
    allocation = _allocation({**result, "pairs": shown}, today or clock.today(), invited)
    return replace(allocation, page=page, pages=pages, pair_count=len(every_pair))


def allocation_table(run: AllocationRun) -> Table:
    """Every pair of a computed run, then the units and starters left over, for the download."""
    result = run.result
    if result is None:
        raise ValueError(f"allocation run {run.id} has not been computed")
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
