"""Every public page describes itself to search engines and link previews, in the reader's
language: a <meta name="description"> of its own (a unit's: address, floor area and rent)."""

import re

import pytest

from vrijstad.dashboard.models import StreetStory
from vrijstad.extensions import db

META = re.compile(r'<meta name="description" content="([^"]*)">')


def description(client, url: str, lang: str = "en") -> str:
    response = client.get(url, query_string={"lang": lang})
    assert response.status_code == 200, url
    [content] = META.findall(response.text)
    return content


@pytest.fixture
def pages(make_org, make_unit):
    org = make_org()
    area = org.areas[0]
    unit = make_unit(area=area, house_number=12, floor_area_vvo=85, rent_cents_per_year=1_800_000)
    street = area.streets[0]
    db.session.add(
        StreetStory(street_id=street.id, story="Since 1350 a market street.", published=True)
    )
    db.session.commit()
    return {
        "/": "find an affordable shop",
        "/units": "Search vacant shop units",
        f"/units/{unit.id}": "Hoogstraat 12, Dijkerveen: 85 m², €1,500.00 per month",
        "/streets": "The shopping streets on Vrijstad",
        f"/streets/{street.id}": "Since 1350 a market street.",
        "/contests": "Win een winkel",
        "/terms": "The terms of use of Vrijstad",
        "/privacy": "How Vrijstad handles your personal data",
    }


def test_each_public_page_has_its_own_translated_description(client, pages):
    untranslated = {url for url in pages if url.startswith("/streets/")}  # staff's own words
    seen = set()
    for url, expected in pages.items():
        english = description(client, url)
        assert expected in english, (url, english)
        if url not in untranslated:
            assert description(client, url, "nl") != english, url  # translated
        seen.add(english)
    assert len(seen) == len(pages)  # no two pages share one
