"""The footfall weight: for walk-in trade a busier street scores higher, and says why."""

from datetime import date

import pytest

from tests.footfall.conftest import hourly_csv
from tests.matching.factories import fits, starter, unit
from vrijstad.extensions import db
from vrijstad.footfall.importer import parse
from vrijstad.footfall.services import import_counts
from vrijstad.matching import scoring
from vrijstad.matching.models import DEFAULT_WEIGHTS
from vrijstad.matching.recommend import recommend_units
from vrijstad.starters.models import BranchGroup


def test_footfall_raises_the_score_of_walk_in_trade_only():
    quiet = unit(id=1, footfall=2_500)
    busy = unit(id=2, footfall=25_000)
    unknown = unit(id=3)
    fashion = starter(branch_group=BranchGroup.FASHION_LUXURY)
    services = starter(id=2, branch_group=BranchGroup.SERVICES)
    fit, excluded = fits([fashion, services], [quiet, busy, unknown], "footfall")
    assert fit.tolist() == [[pytest.approx(0.1), 1.0, 0.5], [0.5, 0.5, 0.5]]
    assert excluded is None
    scores, _excluded = fits([fashion, services], [quiet, busy])
    assert scores[0, 1] > scores[0, 0] and scores[1, 1] == scores[1, 0]
    # Without the weight, footfall changes nothing.
    off = dict(DEFAULT_WEIGHTS) | {"footfall": 0}
    weighted = [unit(id=1, footfall=2_500, weights=off), unit(id=2, footfall=25_000, weights=off)]
    scores, _excluded = fits([fashion], weighted)
    assert scores[0, 0] == scores[0, 1]


@pytest.mark.clock("2026-12-10T10:00+01:00")
def test_the_match_explains_the_streets_footfall(counted, make_unit, make_starter):
    unit_in_street = make_unit(area=counted.areas[0], street="Hoogstraat")
    fashion = make_starter(branch_group=BranchGroup.FASHION_LUXURY)
    before = next(p for p in recommend_units(fashion)[0].parts if p.name == "footfall")
    assert before.fit == 50 and "geen passantenteller" in before.note
    parsed = parse(hourly_csv(date(2026, 11, 9), 28))
    import_counts(None, counted, parsed.rows)
    db.session.commit()
    (match,) = recommend_units(fashion)
    assert match.unit.id == unit_in_street.id
    part = next(p for p in match.parts if p.name == "footfall")
    assert part.fit == round(16_800 / scoring.FOOTFALL_FULL * 100)
    assert part.weight == DEFAULT_WEIGHTS["footfall"] and part.points > before.points
    assert "16.800" in part.note and "25.000" in part.note
