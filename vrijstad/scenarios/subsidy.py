"""The subsidy the organisation's open schemes would pay for a scenario.

Only schemes of the area's organisation that cover the area (listed for it or one of its
streets, or open everywhere) and take applications today count. Two rules, both from the
scheme's own columns; nothing is paid where neither fits ("no scheme covers this"):

* **Moves into the core**: a scheme that admits starters and pays for rent (cost category
  "rent", as the starter-rent preset does) pays, for each starter the allocation moves into a
  core unit in a street the scheme covers, its percentage of the unit's first year's rent
  (excl. VAT), at most its maximum per activity, rounded down (``compute_amount``, the same
  rule an application gets); an amount under the scheme's minimum is not paid. A move is
  counted once: where more schemes would pay, the one paying most counts in the total.
* **Transformation**: a scheme that admits organisations or groups of entrepreneurs and pays
  for research or process support (as HIRB+ does for transformation) pays its percentage of a
  study's costs, which no scenario knows: it is shown as "at most" its maximum per activity
  (or its budget left, if less), and kept out of the total.

Each scheme's budget left (its ceiling less what is granted and reserved) is shown beside
what it would pay: a scenario that needs more than is left says so rather than assuming it.
"""

from dataclasses import dataclass
from datetime import date

from vrijstad.areas.models import Area
from vrijstad.dashboard.queries import subsidy_schemes_for
from vrijstad.extensions import db
from vrijstad.subsidies.models import ApplicantKind, CostCategory, CostLine, SubsidyScheme
from vrijstad.subsidies.services.amounts import budget_of, compute_amount
from vrijstad.subsidies.services.applications import (
    check_open,
    eligible_streets,
    location_restricted,
)
from vrijstad.subsidies.services.base import SubsidyError

MOVES = "moves"
TRANSFORMATION = "transformation"
STUDY_CATEGORIES = {CostCategory.RESEARCH.value, CostCategory.PROCESS_SUPPORT.value}
STUDY_APPLICANTS = {ApplicantKind.ORGANISATION.value, ApplicantKind.GROUP.value}


@dataclass(frozen=True)
class Move:
    """A move into a core unit: the unit's rent a year (cents, excl. VAT) and its street."""

    rent_cents_per_year: int
    street_id: int | None


def open_schemes(area: Area, today: date) -> list[SubsidyScheme]:
    """The organisation's schemes covering the area that take applications today."""
    schemes = []
    for scheme in db.session.scalars(subsidy_schemes_for(area.organisation_id, area.id)):
        try:
            check_open(scheme, today)
        except SubsidyError:
            continue
        schemes.append(scheme)
    return schemes


def _covers(scheme: SubsidyScheme, street_id: int | None) -> bool:
    if not location_restricted(scheme):
        return True
    return street_id is not None and street_id in {s.id for s in eligible_streets(scheme)}


def _pays_for_move(scheme: SubsidyScheme, move: Move) -> int:
    if not _covers(scheme, move.street_id):
        return 0
    line = CostLine(
        description="rent", category=CostCategory.RENT, amount_cents=move.rent_cents_per_year
    )
    amount = compute_amount(scheme, [line]).amount_cents
    return amount if amount >= scheme.min_amount_cents else 0


def needed(area: Area, moves: list[Move], has_transformation: bool, today: date) -> dict:
    """Per scheme what it would pay and by which rule, and the total for the moves."""
    rows = []
    best = [0] * len(moves)
    study_caps = []
    for scheme in open_schemes(area, today):
        available = budget_of(scheme).available_cents
        row = {
            "id": scheme.id,
            "name": scheme.name,
            "percentage_bp": scheme.percentage_bp,
            "cap_cents": scheme.max_per_activity_cents,
            "min_cents": scheme.min_amount_cents,
            "available_cents": available,
        }
        if (
            ApplicantKind.STARTER.value in scheme.applicant_kinds
            and CostCategory.RENT.value in scheme.cost_categories
        ):
            amounts = [_pays_for_move(scheme, move) for move in moves]
            best = [max(a, b) for a, b in zip(best, amounts, strict=True)]
            paid = sum(1 for a in amounts if a)
            rows.append(row | {"rule": MOVES, "count": paid, "amount_cents": sum(amounts)})
        if (
            has_transformation
            and STUDY_APPLICANTS & set(scheme.applicant_kinds)
            and STUDY_CATEGORIES & set(scheme.cost_categories)
        ):
            at_most = max(0, min(scheme.max_per_activity_cents, available))
            study_caps.append(at_most)
            rows.append(row | {"rule": TRANSFORMATION, "count": 0, "amount_cents": at_most})
    return {
        "schemes": rows,
        "moves_cents": sum(best),
        "moves_covered": sum(1 for b in best if b),
        "moves": len(moves),
        "transformation_at_most_cents": max(study_caps) if study_caps else None,
    }
