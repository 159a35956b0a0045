"""The national address service behind a port: postcode and house number to an address.

``lookup(postcode, number, addition)`` answers the address with its street, city, BAG id
(the verblijfsobject's id) and coordinates, ``None`` when the service knows no such address,
and raises :class:`AddressServiceDown` when the service cannot be asked (a timeout, an error,
an answer that makes no sense). Two adapters: :class:`PdokLookup` asks the PDOK
Locatieserver (production), :class:`FakeLookup` reads the demo city's addresses shipped with
the code (``addresses.json``: Dijkerveen's streets as vrijstad/demo/city.py lays them out, with
made-up BAG ids from the unused municipality code 9999) for tests, the demo and development
without network. ``ADDRESS_LOOKUP`` picks one ("fake" by default, "pdok" in production).

The addition is what follows the house number, as a person types it: a letter ("A"), a
toevoeging ("2", "bis") or both ("A-2"); it is matched against the register's huisletter and
huisnummertoevoeging together.
"""

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import requests
from flask import Flask, current_app
from flask_babel import format_decimal

from vrijstad.forms import normalise_postcode

PDOK_URL = "https://api.pdok.nl/bzk/locatieserver/search/v3_1/free"
FIXTURE = Path(__file__).with_name("addresses.json")
#: A pin further than this from its address's point needs the landlord's confirmation.
PIN_TOLERANCE_M = 200
EARTH_RADIUS_M = 6_371_000
_POINT = re.compile(r"POINT\(\s*(-?[\d.]+)\s+(-?[\d.]+)\s*\)")


@dataclass(frozen=True)
class Address:
    """One address of the register, with its BAG verblijfsobject id and its point."""

    street: str
    house_number: int
    house_letter: str | None
    house_number_addition: str | None
    postcode: str
    city: str
    bag_id: str | None
    latitude: float
    longitude: float


class AddressServiceDown(Exception):
    """The address service could not be asked or gave an answer that makes no sense."""


class AddressLookup(Protocol):
    def lookup(self, postcode: str, number: int, addition: str | None = None) -> Address | None:
        """The address at this postcode and house number (and addition), or None."""
        ...


def compact_addition(letter: str | None, addition: str | None) -> str:
    """'A' and '2' → 'A2': letter and toevoeging as one key, without spaces or dashes."""
    return re.sub(r"[\s-]", "", f"{letter or ''}{addition or ''}").upper()


def pick(addresses: list[Address], addition: str | None) -> Address | None:
    """The address whose letter and toevoeging match the typed addition; without an addition
    the plain number (or the only address there is)."""
    wanted = compact_addition(addition, None)
    for address in addresses:
        if compact_addition(address.house_letter, address.house_number_addition) == wanted:
            return address
    if not wanted and len(addresses) == 1:
        return addresses[0]
    return None


def parse_point(value: str) -> tuple[float, float]:
    """'POINT(6.159 52.2518)' (longitude first) → (latitude, longitude)."""
    match = _POINT.fullmatch(value.strip())
    if match is None:
        raise ValueError(f"not a point: {value!r}")
    return float(match[2]), float(match[1])


class PdokLookup:
    """The PDOK Locatieserver's free search, filtered on addresses."""

    def __init__(self, url: str = PDOK_URL, timeout: float = 5.0) -> None:
        self.url = url
        self.timeout = timeout

    def lookup(self, postcode: str, number: int, addition: str | None = None) -> Address | None:
        compact = normalise_postcode(postcode).replace(" ", "")
        params = {
            "q": f"postcode:{compact} and huisnummer:{number}",
            "fq": "type:adres",
            "rows": "50",
        }
        try:
            response = requests.get(self.url, params=params, timeout=self.timeout)
            response.raise_for_status()
            docs = response.json()["response"]["docs"]
            found = [self._address(doc) for doc in docs if doc.get("huisnummer") == number]
        except (requests.RequestException, ValueError, KeyError, TypeError) as exc:
            raise AddressServiceDown(str(exc)) from exc
        return pick(found, addition)

    @staticmethod
    def _address(doc: dict) -> Address:
        latitude, longitude = parse_point(doc["centroide_ll"])
        return Address(
            street=doc["straatnaam"],
            house_number=int(doc["huisnummer"]),
            house_letter=doc.get("huisletter") or None,
            house_number_addition=doc.get("huisnummertoevoeging") or None,
            postcode=normalise_postcode(doc["postcode"]),
            city=doc["woonplaatsnaam"],
            bag_id=doc.get("adresseerbaarobject_id") or None,
            latitude=latitude,
            longitude=longitude,
        )


class FakeLookup:
    """Addresses from a JSON file (a list of Address fields): the demo city's by default."""

    def __init__(self, path: Path = FIXTURE) -> None:
        rows = json.loads(path.read_text(encoding="utf-8"))
        self.addresses = [Address(**row) for row in rows]

    def lookup(self, postcode: str, number: int, addition: str | None = None) -> Address | None:
        wanted = normalise_postcode(postcode)
        found = [a for a in self.addresses if a.postcode == wanted and a.house_number == number]
        return pick(found, addition)


def create_lookup(config) -> AddressLookup:
    """The adapter the configuration asks for (ADDRESS_LOOKUP: 'pdok' or 'fake')."""
    kind = (config.get("ADDRESS_LOOKUP") or "fake").lower()
    if kind == "pdok":
        return PdokLookup(
            config.get("ADDRESS_LOOKUP_URL") or PDOK_URL,
            float(config.get("ADDRESS_LOOKUP_TIMEOUT", 5)),
        )
    if kind == "fake":
        return FakeLookup()
    raise RuntimeError(f"unknown ADDRESS_LOOKUP {kind!r}; use 'pdok' or 'fake'")


def init_app(app: Flask) -> None:
    app.extensions["address_lookup"] = create_lookup(app.config)


def address_lookup() -> AddressLookup:
    """The application's address service."""
    return current_app.extensions["address_lookup"]


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance in metres between two points (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


class Distance(float):
    """A distance in metres, shown as '350 m' or '1,2 km' in the reader's language."""

    def __str__(self) -> str:
        if self < 1000:
            return f"{format_decimal(round(self), format='#,##0')} m"
        return f"{format_decimal(self / 1000, format='#,##0.#')} km"
