"""The shipped sample extracts of Dijkerveen (tests/opendata/data) and an organisation whose
area is Dijkerveen's Hoogstraat (make_org's area).

In the BAG sample, four shop objects lie in the Hoogstraat: 1 (the bakery of the KvK sample
is there), 2 (nothing: hidden vacancy), 3 (the hair salon is there) and 4A; Hoogstraat 5 is a
dwelling, Markt 1 is in another street and Kalverstraat 1 in another city (passed over)."""

from pathlib import Path

DATA = Path(__file__).with_name("data")


def bag_file() -> bytes:
    return (DATA / "bag_dijkerveen.csv").read_bytes()


def kvk_file() -> bytes:
    return (DATA / "kvk_dijkerveen.csv").read_bytes()


BAG_HEADER = (
    "identificatie;openbare_ruimte_naam;huisnummer;huisletter;huisnummertoevoeging;postcode;"
    "woonplaats_naam;oppervlakte;gebruiksdoel;status;x;y"
)


def bag_lines(*lines: str) -> bytes:
    """A BAG extract of these lines under the sample's header."""
    return "\n".join([BAG_HEADER, *lines, ""]).encode()
