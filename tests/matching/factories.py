"""Helpers for matching tests: starters and units as the scoring sees them."""

from datetime import date

from vrijstad.matching import scoring
from vrijstad.matching.models import DEFAULT_WEIGHTS
from vrijstad.units.models import PermittedUse

TODAY = date(2026, 11, 28)


def starter(**wishes) -> dict:
    """A starter's wishes; by default every wish is left open."""
    return {"id": wishes.pop("id", 1), **wishes}


def unit(**facts) -> dict:
    """A unit: 100 m² for € 1.000 a month, retail, free now, in street 1 of area 1."""
    values = {
        "id": 1,
        "floor_area_vvo": 100,
        "rent_cents_per_year": 12 * 100_000,
        "service_charges_cents_per_year": 0,
        "uses_mask": PermittedUse.DETAILHANDEL.bit,
        "available_from": None,
        "vacancy_days": 100,
        "street_id": 1,
        "area_id": 1,
        "city": "Dijkerveen",
        "weights": dict(DEFAULT_WEIGHTS),
    }
    return values | facts


def fits(starters: list[dict], units: list[dict], component: str | None = None):
    """The fits of one component (or the scores) and the excluded pairs, starters × units."""
    s = scoring.StarterFeatures.build(starters)
    u = scoring.UnitFeatures.build(units)
    if component is None:
        return scoring.score_matrix(s, u, TODAY.toordinal())
    return scoring.COMPONENT_FITS[component](s, u, TODAY.toordinal())
