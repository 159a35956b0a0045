"""One rule for "this use fits that unit": the search's use filter and the matching's hard
exclusion answer alike, checked against the same table of cases."""

import re

import pytest

from tests.matching.factories import fits as matching_fits
from tests.matching.factories import starter, unit
from vrijstad.units.models import PermittedUse
from vrijstad.units.uses import fits

D, S = PermittedUse.DETAILHANDEL, PermittedUse.DIENSTVERLENING
H1, H2, H3 = PermittedUse.HORECA_1, PermittedUse.HORECA_2, PermittedUse.HORECA_3

#: (the use a concept needs, the uses a unit permits, whether it fits). A heavier horeca
#: category permits the lighter ones (DOMAIN.md: 1 light, 2 medium, 3 heavy), never the other
#: way; retail and services fit only themselves.
CASES = [
    (H1, [H1], True),
    (H1, [H2], True),
    (H1, [H3], True),
    (H2, [H1], False),
    (H2, [H2], True),
    (H2, [H3], True),
    (H3, [H1, H2], False),
    (H3, [H3], True),
    (H1, [D], False),
    (D, [H1, H2, H3], False),
    (D, [D, S], True),
    (S, [D], False),
    (S, [S], True),
    (PermittedUse.OTHER, [D], False),
]


def mask(uses) -> int:
    return sum(use.bit for use in uses)


@pytest.mark.parametrize(("needed", "permitted", "expected"), CASES)
def test_the_rule(needed, permitted, expected):
    assert fits(needed, mask(permitted)) is expected


@pytest.mark.parametrize(("needed", "permitted", "expected"), CASES)
def test_the_matching_excludes_exactly_the_units_that_do_not_fit(needed, permitted, expected):
    fit, excluded = matching_fits(
        [starter(required_use=needed)], [unit(uses_mask=mask(permitted))], "use"
    )
    assert bool(excluded[0, 0]) is not expected
    assert float(fit[0, 0]) == (1.0 if expected else 0.0)


def test_the_search_finds_exactly_the_units_the_matching_lets_in(client, make_unit):
    """Every unit of the table is listed; a search by each use shows the ones that fit."""
    shapes = sorted({tuple(p) for _n, p, _e in CASES})
    for n, permitted in enumerate(shapes, start=1):
        make_unit(house_number=n, permitted_uses=list(permitted))
    for needed in {n for n, _p, _e in CASES}:
        page = client.get("/units", query_string={"use": needed.value}).text
        found = set(re.findall(r'<h3><a href="/units/\d+">Hoogstraat (\d+)</a></h3>', page))
        expected = {str(n) for n, p in enumerate(shapes, start=1) if fits(needed, mask(p))}
        assert found == expected, needed
        for wanted, permitted, fit in CASES:
            if wanted == needed:
                assert (str(shapes.index(tuple(permitted)) + 1) in found) is fit


def test_a_horeca_1_search_finds_a_unit_permitted_for_horeca_2(client, make_unit):
    make_unit(street="Kerkstraat", permitted_uses=[H2])
    page = client.get("/units", query_string={"use": "horeca_1"}).text
    assert "1 pand gevonden" in page
