"""Reading the registers' CSV files: a BAG extract of verblijfsobjecten and a KvK register of
establishments, told apart by what the upload is for and read by their header's names.

Both are CSV with the column names on line 1, separated by semicolons, commas or tabs, in
UTF-8 (Windows-1252 is read as well). Names are matched without case, spaces, dashes or
underscores, so ``openbare_ruimte_naam``, ``Openbare ruimte naam`` and ``openbareruimte`` are
one column. The names below are those of the common exports: PDOK's and NLExtract's BAG CSV
(``bag-adressen``: openbareruimte;huisnummer;…;verblijfsobjectgebruiksdoel;
oppervlakteverblijfsobject;verblijfsobjectstatus;object_id;…;x;y;lon;lat) and the KvK's
establishment lists (vestigingsnummer;handelsnaam;straat;…;sbi).

A BAG line is kept when its gebruiksdoel names winkelfunctie (a line may list several uses);
other lines are passed over unread. Coordinates are lat/lon (WGS84) when the file has them,
else RD x/y (EPSG:28992) converted by rd.py. Every kept line is checked; each bad one is
reported with its line number and reason.
"""

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from vrijstad.core import DomainError
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.opendata.rd import rd_to_wgs84
from vrijstad.textfiles import NotText, decode_upload
from vrijstad.units.addresses import compact_addition

_POSTCODE = re.compile(r"^([1-9]\d{3}) ?([A-Z]{2})$")
_BAG_ID = re.compile(r"^\d{16}$")
_ESTABLISHMENT = re.compile(r"^\d{12}$")
_SBI = re.compile(r"^\d{2,5}$")
SHOP_USE = "winkelfunctie"


class FileError(DomainError):
    """The file as a whole cannot be read (not text, no known header, a column missing)."""


class BadValue(ValueError):
    pass


@dataclass(frozen=True)
class LineError:
    line: int
    message: str


class Address(NamedTuple):
    street: str
    house_number: int
    house_letter: str | None
    house_number_addition: str | None
    postcode: str
    city: str

    @property
    def key(self) -> str:
        return address_key(
            self.postcode, self.house_number, self.house_letter, self.house_number_addition
        )


class BagRow(NamedTuple):
    """A shop object of the extract (a tuple: extracts have hundreds of thousands)."""

    line: int
    bag_id: str
    address: Address
    floor_area: int | None
    latitude: float | None
    longitude: float | None
    status: str


class KvkRow(NamedTuple):
    line: int
    establishment_number: str
    trade_name: str
    address: Address
    sbi_code: str


@dataclass
class Parsed:
    rows: list = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)
    #: Lines read but not kept (another use than winkelfunctie, or outside the areas).
    passed_over: int = 0


def address_key(postcode: str, number: int, letter: str | None, addition: str | None) -> str:
    """'7411 KA', 12, 'a', '2' → '7411KA|12|A2': how a register's and a unit's address meet."""
    return f"{postcode.replace(' ', '').upper()}|{number}|{compact_addition(letter, addition)}"


def column_name(text: str) -> str:
    return re.sub(r"[\s_\-.]+", "", text.strip().lower())


#: Field → the column names that give it (compared by column_name), first found wins; the
#: first is the one an error names.
BAG_COLUMNS = {
    "bag_id": (
        "identificatie",
        "verblijfsobjectid",
        "verblijfsobjectidentificatie",
        "objectid",
        "vboid",
        "bagid",
    ),
    "street": ("openbare_ruimte_naam", "openbareruimte", "straatnaam", "straat", "street"),
    "number": ("huisnummer",),
    "letter": ("huisletter",),
    "addition": ("huisnummertoevoeging", "toevoeging"),
    "postcode": ("postcode",),
    "city": ("woonplaats_naam", "woonplaats", "plaats", "city"),
    "area": ("oppervlakte", "oppervlakteverblijfsobject", "oppervlaktem2"),
    "use": (
        "gebruiksdoel",
        "verblijfsobjectgebruiksdoel",
        "gebruiksdoelen",
        "gebruiksdoelverblijfsobject",
    ),
    "status": ("status", "verblijfsobjectstatus"),
    "x": ("x", "rdx", "xrd"),
    "y": ("y", "rdy", "yrd"),
    "lat": ("lat", "latitude", "breedtegraad"),
    "lon": ("lon", "lng", "longitude", "lengtegraad"),
}
BAG_REQUIRED = ("bag_id", "street", "number", "postcode", "city", "use")
KVK_COLUMNS = {
    "number": ("vestigingsnummer", "vestigingnummer"),
    "name": ("handelsnaam", "eerstehandelsnaam", "naam", "tradename"),
    "street": ("straatnaam", "straat", "openbareruimtenaam", "openbareruimte", "street"),
    "house": ("huisnummer",),
    "letter": ("huisletter",),
    "addition": ("huisnummertoevoeging", "toevoeging"),
    "postcode": ("postcode",),
    "city": ("plaats", "woonplaats", "woonplaatsnaam", "vestigingsplaats", "city"),
    "sbi": ("sbi", "sbicode", "hoofdactiviteit", "sbihoofdactiviteit", "activiteit"),
}
KVK_REQUIRED = ("number", "name", "street", "house", "postcode", "city", "sbi")


def decode(data: bytes) -> str:
    """The upload as text (see vrijstad.textfiles); FileError when it is not a text file."""
    try:
        return decode_upload(data)
    except NotText:
        raise FileError(
            _l("This is not a CSV file: save it as CSV (UTF-8) and upload it again.")
        ) from None


def _columns(
    header: list[str], names: dict[str, tuple[str, ...]], required: tuple[str, ...]
) -> dict[str, int]:
    """The position of each field's column; FileError naming every required one missing."""
    found = [column_name(cell) for cell in header]
    positions = {}
    for key, aliases in names.items():
        for alias in aliases:
            if column_name(alias) in found:
                positions[key] = found.index(column_name(alias))
                break
    missing = [names[key][0] for key in required if key not in positions]
    if missing:
        raise FileError(
            _l(
                "The file has no column %(columns)s (line 1 must hold the column names).",
                columns=", ".join(missing),
            )
        )
    return positions


def _lines(text: str) -> Iterator[tuple[int, list[str]]]:
    first_line = text.lstrip("\ufeff").partition("\n")[0]
    if not first_line.strip():
        raise FileError(_l("The file is empty."))
    delimiter = max(";,\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=delimiter)
    try:
        for values in reader:
            yield reader.line_num, values
    except csv.Error as exc:
        raise FileError(
            _l("The file could not be read as CSV: %(problem)s", problem=str(exc))
        ) from exc


def _cell(values: list[str], position: int | None) -> str:
    if position is None or position >= len(values):
        return ""
    return values[position].strip()


def _postcode(text: str) -> str:
    found = _POSTCODE.match(text.upper())
    if not found or found.group(2) in ("SA", "SD", "SS"):
        raise BadValue(
            _l("The postcode %(value)s is not a Dutch postcode (1234 AB).", value=repr(text))
        )
    return f"{found.group(1)} {found.group(2)}"


def _whole(text: str, what: Callable[[str], object], upto: int = 1_000_000) -> int:
    if not text.isdigit() or not 1 <= int(text) <= upto:
        raise BadValue(what(text))
    return int(text)


def _number(text: str) -> float:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        raise BadValue(_l("The coordinate %(value)s is not a number.", value=repr(text))) from None


def _address(values: list[str], at: dict[str, int], number_key: str) -> Address:
    street, city = _cell(values, at["street"]), _cell(values, at["city"])
    if not street:
        raise BadValue(_l("The street is empty."))
    if not city:
        raise BadValue(_l("The city (woonplaats) is empty."))
    number = _whole(
        _cell(values, at[number_key]),
        lambda v: _l(
            "The house number %(value)s is not a whole number from 1 to 99999.", value=repr(v)
        ),
        99_999,
    )
    letter = _cell(values, at.get("letter")).upper() or None
    if letter is not None and not (len(letter) == 1 and letter.isalpha()):
        raise BadValue(_l("The house letter %(value)s is not one letter.", value=repr(letter)))
    addition = _cell(values, at.get("addition")).upper() or None
    if addition is not None and len(addition) > 4:
        raise BadValue(
            _l("The addition %(value)s is longer than 4 characters.", value=repr(addition))
        )
    postcode = _postcode(_cell(values, at["postcode"]))
    return Address(street[:120], number, letter, addition, postcode, city[:80])


def _point(values: list[str], at: dict[str, int]) -> tuple[float | None, float | None]:
    lat, lon = _cell(values, at.get("lat")), _cell(values, at.get("lon"))
    if lat and lon:
        latitude, longitude = _number(lat), _number(lon)
    else:
        x, y = _cell(values, at.get("x")), _cell(values, at.get("y"))
        if not (x and y):
            return None, None
        latitude, longitude = rd_to_wgs84(_number(x), _number(y))
    if not (50.5 <= latitude <= 53.8 and 3.2 <= longitude <= 7.3):
        raise BadValue(
            _l(
                "The position %(lat)s, %(lon)s is not in the Netherlands.",
                lat=round(latitude, 5),
                lon=round(longitude, 5),
            )
        )
    return latitude, longitude


def _bag_row(line: int, values: list[str], at: dict[str, int]) -> BagRow:
    bag_id = _cell(values, at["bag_id"])
    if not _BAG_ID.match(bag_id):
        raise BadValue(_l("The BAG id %(value)s is not 16 digits.", value=repr(bag_id)))
    address = _address(values, at, "number")
    area_text = _cell(values, at.get("area"))
    floor_area = (
        _whole(
            area_text,
            lambda v: _l(
                "The floor area %(value)s is not a whole number of m² from 1 to 1.000.000.",
                value=repr(v),
            ),
        )
        if area_text
        else None
    )
    latitude, longitude = _point(values, at)
    return BagRow(
        line, bag_id, address, floor_area, latitude, longitude, _cell(values, at.get("status"))[:80]
    )


def read_bag(text: str, keep: Callable[[str, str], bool]) -> Parsed:
    """The shop objects of a BAG extract that ``keep(city, street)`` wants, and every bad
    line among them; a BAG id given twice is a bad line too."""
    lines = _lines(text)
    at = _columns(next(lines)[1], BAG_COLUMNS, BAG_REQUIRED)
    use, city, street = at["use"], at["city"], at["street"]
    parsed = Parsed()
    seen: dict[str, int] = {}
    for line, values in lines:
        if not "".join(values).strip():
            continue
        if SHOP_USE not in _cell(values, use).lower() or not keep(
            _cell(values, city), _cell(values, street)
        ):
            parsed.passed_over += 1
            continue
        try:
            row = _bag_row(line, values, at)
        except BadValue as exc:
            parsed.errors.append(LineError(line, str(exc)))
            continue
        if row.bag_id in seen:
            parsed.errors.append(
                LineError(
                    line,
                    str(
                        _l(
                            "The BAG id %(value)s was given before, on line %(line)s.",
                            value=row.bag_id,
                            line=seen[row.bag_id],
                        )
                    ),
                )
            )
            continue
        seen[row.bag_id] = line
        parsed.rows.append(row)
    return parsed


def _kvk_row(line: int, values: list[str], at: dict[str, int]) -> KvkRow:
    number = _cell(values, at["number"])
    if not _ESTABLISHMENT.match(number):
        raise BadValue(
            _l("The establishment number %(value)s is not 12 digits.", value=repr(number))
        )
    name = _cell(values, at["name"])
    if not name:
        raise BadValue(_l("The trade name is empty."))
    address = _address(values, at, "house")
    sbi = _cell(values, at["sbi"]).replace(".", "")
    if not _SBI.match(sbi):
        raise BadValue(_l("The SBI code %(value)s is not 2 to 5 digits.", value=repr(sbi)))
    return KvkRow(line, number, name[:200], address, sbi)


def read_kvk(text: str, keep: Callable[[str, str], bool]) -> Parsed:
    """The establishments of a KvK register that ``keep(city, street)`` wants, and every bad
    line among them; an establishment number given twice is a bad line too."""
    lines = _lines(text)
    at = _columns(next(lines)[1], KVK_COLUMNS, KVK_REQUIRED)
    parsed = Parsed()
    seen: dict[str, int] = {}
    for line, values in lines:
        if not "".join(values).strip():
            continue
        if not keep(_cell(values, at["city"]), _cell(values, at["street"])):
            parsed.passed_over += 1
            continue
        try:
            row = _kvk_row(line, values, at)
        except BadValue as exc:
            parsed.errors.append(LineError(line, str(exc)))
            continue
        if row.establishment_number in seen:
            parsed.errors.append(
                LineError(
                    line,
                    str(
                        _l(
                            "The establishment number %(value)s was given before, on line "
                            "%(line)s.",
                            value=row.establishment_number,
                            line=seen[row.establishment_number],
                        )
                    ),
                )
            )
            continue
        seen[row.establishment_number] = line
        parsed.rows.append(row)
    return parsed
