"""The address service port: the PDOK adapter against a local server, the fake, distances."""

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from vrijstad.units.addresses import (
    AddressServiceDown,
    Distance,
    FakeLookup,
    PdokLookup,
    distance_m,
    parse_point,
)

#: Two documents as the Locatieserver's free search answers them (fields of type "adres").
PDOK_DOCS = [
    {
        "type": "adres",
        "weergavenaam": "Hoogstraat 4A, 7411KA Dijkerveen",
        "straatnaam": "Hoogstraat",
        "huisnummer": 4,
        "huisletter": "A",
        "postcode": "7411KA",
        "woonplaatsnaam": "Dijkerveen",
        "adresseerbaarobject_id": "0150010000012345",
        "centroide_ll": "POINT(6.159 52.2518)",
    },
    {
        "type": "adres",
        "weergavenaam": "Hoogstraat 4, 7411KA Dijkerveen",
        "straatnaam": "Hoogstraat",
        "huisnummer": 4,
        "postcode": "7411KA",
        "woonplaatsnaam": "Dijkerveen",
        "adresseerbaarobject_id": "0150010000012344",
        "centroide_ll": "POINT(6.1591 52.2519)",
    },
]


class Handler(BaseHTTPRequestHandler):
    requests: list[dict] = []
    answer: tuple[int, bytes] = (200, b"")

    def do_GET(self) -> None:
        Handler.requests.append(parse_qs(urlsplit(self.path).query))
        status, body = Handler.answer
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args) -> None:
        pass


@pytest.fixture
def pdok() -> Iterator[str]:
    """A Locatieserver stand-in on the loopback interface; yields its URL."""
    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Handler.requests = []
    Handler.answer = (200, json.dumps({"response": {"numFound": 2, "docs": PDOK_DOCS}}).encode())
    yield f"http://127.0.0.1:{server.server_address[1]}/free"
    server.shutdown()
    server.server_close()


def test_pdok_finds_the_address_with_its_letter(pdok):
    lookup = PdokLookup(pdok, timeout=2)
    address = lookup.lookup("7411 ka", 4, "a")
    assert address is not None
    assert (address.street, address.house_letter, address.postcode) == (
        "Hoogstraat",
        "A",
        "7411 KA",
    )
    assert (address.city, address.bag_id) == ("Dijkerveen", "0150010000012345")
    assert (address.latitude, address.longitude) == (52.2518, 6.159)
    assert Handler.requests[0]["q"] == ["postcode:7411KA and huisnummer:4"]
    assert Handler.requests[0]["fq"] == ["type:adres"]
    plain = lookup.lookup("7411KA", 4)
    assert plain is not None and plain.bag_id == "0150010000012344"
    assert lookup.lookup("7411KA", 4, "C") is None


def test_pdok_with_nothing_found_is_none(pdok):
    Handler.answer = (200, b'{"response": {"numFound": 0, "docs": []}}')
    assert PdokLookup(pdok, timeout=2).lookup("7411KA", 999) is None


@pytest.mark.parametrize(
    "answer", [(500, b"kapot"), (200, b"<html>onderhoud</html>"), (200, b'{"fout": 1}')]
)
def test_pdok_errors_say_the_service_is_down(pdok, answer):
    Handler.answer = answer
    with pytest.raises(AddressServiceDown):
        PdokLookup(pdok, timeout=2).lookup("7411KA", 4)


def test_pdok_unreachable_is_down():
    with pytest.raises(AddressServiceDown):
        PdokLookup("http://127.0.0.1:9/free", timeout=0.5).lookup("7411KA", 4)


def test_the_fake_knows_the_demo_city():
    lookup = FakeLookup()
    address = lookup.lookup("7411hn", 7)
    assert address is not None
    assert (address.street, address.city, address.postcode) == (
        "Kerkstraat",
        "Dijkerveen",
        "7411 HN",
    )
    assert address.bag_id is not None and len(address.bag_id) == 16
    assert lookup.lookup("7411 KA", 4) is None  # only 4A and 4B there
    assert lookup.lookup("7411 KA", 4, "b").house_letter == "B"  # type: ignore[union-attr]
    assert lookup.lookup("7411 KB", 6, "-2").house_number_addition == "2"  # type: ignore[union-attr]
    assert lookup.lookup("1234 AB", 1) is None


def test_points_and_distances(app):
    assert parse_point("POINT(6.159 52.2518)") == (52.2518, 6.159)
    # Amsterdam Dam to Utrecht Dom: about 35 km.
    assert 34_000 < distance_m(52.3731, 4.8926, 52.0907, 5.1214) < 36_000
    assert distance_m(52.2518, 6.159, 52.2518, 6.159) == 0
    with app.test_request_context():
        assert str(Distance(1234)) == "1,2 km"
        assert str(Distance(348.6)) == "349 m"
