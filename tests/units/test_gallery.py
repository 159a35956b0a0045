"""A unit's photos: one strip of photos (the first loaded at once, the others lazily, each
with its alt text), thumbnails and step buttons when there are several, and the owner's
controls to order and delete them."""

import re

from tests.main.test_home import add_photo


def images(html: str) -> list[str]:
    strip = html[
        html.index('class="gallery-strip"') : html.index(
            "</ul>", html.index('class="gallery-strip"')
        )
    ]
    return re.findall(r"<img[^>]*>", strip, re.S)


def test_the_first_photo_loads_first_and_the_others_lazily(client, make_unit):
    unit = make_unit(street="Kerkstraat", house_number=7)
    for n in range(3):
        add_photo(unit, f"p{n}", position=n)
    html = client.get(f"/units/{unit.id}", query_string={"lang": "en"}).text
    first, *others = images(html)
    assert 'fetchpriority="high"' in first and "loading=" not in first
    assert all('loading="lazy"' in img and "fetchpriority" not in img for img in others)
    assert [re.search(r'alt="([^"]*)"', img)[1] for img in (first, *others)] == [
        f"Photo {n} of Kerkstraat 7" for n in (1, 2, 3)
    ]
    assert 'width="1600" height="1000"' in first
    assert f"/media/units/{unit.id}/p0-thumb.jpg 480w" in first  # the phone's size
    assert 'aria-label="Next photo"' in html and html.count('href="#photo-') == 3
    assert "Order or delete photos" not in html


def test_one_photo_has_no_buttons_and_owners_get_their_controls(client, make_unit, login):
    unit = make_unit()
    add_photo(unit, "only")
    html = client.get(f"/units/{unit.id}", query_string={"lang": "en"}).text
    assert len(images(html)) == 1
    assert "Next photo" not in html and 'href="#photo-' not in html
    login(unit.owner)
    html = client.get(f"/units/{unit.id}").text  # in the owner's own language
    assert "Foto's ordenen of verwijderen" in html and 'aria-label="Foto 1 verwijderen"' in html
