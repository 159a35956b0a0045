"""The public street index: every published street with its vacancy and units on offer, and
the links to it from the home page, the search and every page's footer."""

import re

from tests.dashboard.test_pages import hoogstraat
from tests.dashboard.test_views import page_text
from vrijstad.areas.models import Street, StreetGrade
from vrijstad.dashboard.models import StreetStory
from vrijstad.extensions import db


def publish(street: Street, published: bool = True) -> None:
    db.session.add(StreetStory(street_id=street.id, story="A story.", published=published))
    db.session.commit()


def test_the_index_lists_published_streets_only(client, city):
    hoog = hoogstraat(city)
    kerk = next(s for s in city.area.streets if s.name == "Kerkstraat")
    publish(hoog)
    publish(kerk, published=False)
    elders = city.other_org.areas[0]
    publish(elders.streets[0])
    unknown = Street(area_id=city.area.id, name="Nieuwstraat", grade=StreetGrade.C)
    db.session.add(unknown)
    db.session.commit()
    publish(unknown)

    response = client.get("/streets?lang=en")
    assert response.status_code == 200
    text = page_text(response)
    assert "Kerkstraat" not in text  # not published
    # Hoogstraat: 3 of 4 units vacant; h2 and h3 listed (the draft h4 is not on offer).
    assert "Hoogstraat · vacancy 75.0 % · 2 units on offer" in text
    assert "Nieuwstraat · 0 units on offer" in text  # no units on Vrijstad: no vacancy figure
    assert "Elders" in text and "Dijkerveen" in text  # grouped by city
    assert text.index("Dijkerveen") < text.index("Elders")
    links = re.findall(r'href="/streets/(\d+)"', response.text)
    assert sorted(map(int, links)) == sorted([hoog.id, unknown.id, elders.streets[0].id])


def test_pages_link_the_index(client, city):
    for url in ("/", "/units", "/contests", "/terms"):
        assert 'href="/streets"' in client.get(url).text, url
