"""Matching's services, by the names the views and other features import.

The work is done in: weights.py (component weights, street profiles), features.py (starters and
units as arrays), scoring.py (the arithmetic), explain.py (a score in words), recommend.py
(recommendations and invitations) and allocation.py (allocating units to starters).
"""

from vrijstad.matching.allocation import (
    INLINE_PAIRS,
    PAIRS_PER_PAGE,
    Allocated,
    Allocation,
    Scope,
    allocate,
    allocation_choices,
    allocation_of,
    allocation_table,
    area_of_scope,
    collectives_of,
    compute_allocation,
    plan_allocation,
    recent_allocations,
    run_allocation,
    runs_in_background,
    start_allocation,
)
from vrijstad.matching.errors import MatchingError
from vrijstad.matching.explain import Match, Part, exclusion_reasons, explain
from vrijstad.matching.features import starter_features, starter_row, unit_features, unit_rows
from vrijstad.matching.held import held_starters, held_units
from vrijstad.matching.recommend import (
    MAX_RECOMMENDATIONS,
    invite_pairs,
    invite_to_apply,
    invited_starter_ids,
    recommend_starters,
    recommend_units,
)
from vrijstad.matching.weights import (
    branch_limits_of,
    save_branch_limits,
    save_street_profile,
    save_weights,
    street_overview,
    street_profile_of,
    weights_of,
)

__all__ = [
    "INLINE_PAIRS",
    "MAX_RECOMMENDATIONS",
    "PAIRS_PER_PAGE",
    "Allocated",
    "Allocation",
    "Match",
    "MatchingError",
    "Part",
    "Scope",
    "allocate",
    "allocation_choices",
    "allocation_of",
    "allocation_table",
    "branch_limits_of",
    "area_of_scope",
    "collectives_of",
    "compute_allocation",
    "exclusion_reasons",
    "held_starters",
    "held_units",
    "explain",
    "invite_pairs",
    "invite_to_apply",
    "invited_starter_ids",
    "plan_allocation",
    "recent_allocations",
    "recommend_starters",
    "recommend_units",
    "run_allocation",
    "save_branch_limits",
    "runs_in_background",
    "save_street_profile",
    "save_weights",
    "start_allocation",
    "starter_features",
    "starter_row",
    "street_overview",
    "street_profile_of",
    "unit_features",
    "unit_rows",
    "weights_of",
]
