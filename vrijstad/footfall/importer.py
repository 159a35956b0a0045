"""Reading footfall counts from a CSV file, in one of three layouts told apart by the header.

The generic layout (documented on the upload page), one count a line::

    counter;start;count[;interval]
    HS-01;2026-11-02T09:00:00+01:00;412
    HS-01;2026-11-02 10:00;530          (no offset: Amsterdam time)
    HS-01;2026-11-03;9120;day

``interval`` is ``hour`` (the default) or ``day`` (then ``start`` is the day). Two layouts
that counting systems export are read as well:

* a day a line with the hours as columns: ``[counter;]date;0;1;…;23`` (an empty cell: not
  counted);
* the Dutch hour list: ``[teller;]datum;uur;aantal`` with ``dd-mm-jjjj`` dates and the hour
  as ``13``, ``13:00`` or ``13:00-14:00``.

Without a counter column the file is one counter's, chosen on upload. Commas, semicolons and
tabs all separate fields. Every bad line is reported with its number; a file with any bad
line is not imported at all (the service checks the counter codes, also per line).
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

from vrijstad import clock
from vrijstad.footfall.models import Interval
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.textfiles import NotText, decode_upload

HOURS = [str(h) for h in range(24)]
INTERVALS = {"": Interval.HOUR, "hour": Interval.HOUR, "day": Interval.DAY}
ZERO = timedelta(0)
#: More passers-by than this in one hour or day is a typing error, not a count.
MAX_COUNT = 10_000_000
_HOUR = re.compile(r"^(\d{1,2})(?::00)?(?:\s*-\s*\d{1,2}(?::00)?)?$")


class Row(NamedTuple):
    """One count: its line, the counter's code, the start in UTC, the local day it belongs
    to, hour or day, and the number of passers-by (a tuple: files have millions)."""

    line: int
    counter: str
    start: datetime
    day: date
    interval: Interval
    passers_by: int


@dataclass(frozen=True)
class LineError:
    line: int
    message: str


class FileError(Exception):
    """The file as a whole cannot be read (no known header, not text)."""


@dataclass
class Parsed:
    layout: str
    rows: list[Row]
    errors: list[LineError]


class BadValue(ValueError):
    pass


@lru_cache(maxsize=16_384)
def _local_offset(day: date, hour: int) -> timedelta | None:
    """Amsterdam's offset from UTC at a local hour; the clocks change between 02:00 and
    03:00, so the hours before 2 share one offset and those after 2 another."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=clock.AMSTERDAM).utcoffset()


@lru_cache(maxsize=16_384)
def _utc_offset(day: date, after_one: bool) -> timedelta | None:
    """Amsterdam's offset at a UTC day's hours before or from 01:00 UTC (when clocks change)."""
    moment = datetime(day.year, day.month, day.day, int(after_one), tzinfo=UTC)
    return moment.astimezone(clock.AMSTERDAM).utcoffset()


def _local(day: date, hour: int) -> datetime:
    """A local hour of a day as UTC; an hour the clocks skip (summer time) is refused."""
    if hour != 2:
        offset = _local_offset(day, 0 if hour < 2 else 3)
        return datetime(day.year, day.month, day.day, hour, tzinfo=UTC) - (offset or ZERO)
    moment = datetime(day.year, day.month, day.day, hour, tzinfo=clock.AMSTERDAM)
    utc = moment.astimezone(UTC)
    if utc.astimezone(clock.AMSTERDAM).hour != hour:
        raise BadValue(
            _l(
                "%(hour)s:00 does not exist on %(day)s: the clocks go forward.",
                hour=hour,
                day=day.strftime("%d-%m-%Y"),
            )
        )
    return utc


def _count(text: str) -> int:
    text = text.strip()
    if not text.isdigit() or int(text) > MAX_COUNT:
        raise BadValue(
            _l("The count %(value)s is not a whole number from 0 to 10.000.000.", value=repr(text))
        )
    return int(text)


def _date(text: str) -> date:
    """2026-11-02 or 02-11-2026 (also with slashes)."""
    text = text.strip().replace("/", "-")
    for pattern in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise BadValue(
        _l("The date %(value)s is not a date (jjjj-mm-dd or dd-mm-jjjj).", value=repr(text))
    )


def _start(text: str, interval: Interval) -> tuple[datetime, date]:
    """ISO 8601 with an offset, or without one in Amsterdam time; on the hour."""
    text = text.strip()
    if interval is Interval.DAY and len(text) <= 10:
        day = _date(text)
        return _local(day, 0), day
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise BadValue(
            _l(
                "The start %(value)s is not a time (ISO 8601, e.g. 2026-11-02T09:00+01:00).",
                value=repr(text),
            )
        ) from None
    if moment.minute or moment.second or moment.microsecond:
        raise BadValue(_l("The start %(value)s is not on the hour.", value=repr(text)))
    utc = _local(moment.date(), moment.hour) if moment.tzinfo is None else moment.astimezone(UTC)
    local = utc + (_utc_offset(utc.date(), utc.hour >= 1) or ZERO)
    if interval is Interval.DAY and local.hour:
        raise BadValue(
            _l("A day's count starts at midnight; %(value)s does not.", value=repr(text))
        )
    return utc, local.date()


def _interval(text: str) -> Interval:
    known = INTERVALS.get(text)
    if known is not None:
        return known
    text = (text or "hour").strip().lower() or "hour"
    try:
        return Interval(text)
    except ValueError:
        raise BadValue(_l("The interval %(value)s is not hour or day.", value=repr(text))) from None


def _hour(text: str) -> int:
    found = _HOUR.match(text.strip())
    if not found or int(found.group(1)) > 23:
        raise BadValue(_l("The hour %(value)s is not an hour from 0 to 23.", value=repr(text)))
    return int(found.group(1))


def _counter_of(cells: dict[str, str], default: str | None) -> str:
    code = (cells.get("counter") or cells.get("teller") or "").strip()
    if code:
        return code
    if default:
        return default
    raise BadValue(_l("The line names no counter."))


def _generic(cells: dict[str, str], line: int, default: str | None) -> list[Row]:
    interval = _interval(cells.get("interval", ""))
    start, day = _start(cells.get("start", ""), interval)
    count = _count(cells.get("count", ""))
    return [Row(line, _counter_of(cells, default), start, day, interval, count)]


def _wide(cells: dict[str, str], line: int, default: str | None) -> list[Row]:
    day = _date(cells.get("date") or cells.get("datum") or "")
    counter = _counter_of(cells, default)
    counts = [(hour, cells.get(str(hour), "").strip()) for hour in range(24)]
    rows = [(hour, _count(text)) for hour, text in counts if text]
    return [Row(line, counter, _local(day, hour), day, Interval.HOUR, n) for hour, n in rows]


def _dutch(cells: dict[str, str], line: int, default: str | None) -> list[Row]:
    day = _date(cells.get("datum", ""))
    start = _local(day, _hour(cells.get("uur", "")))
    count = _count(cells.get("aantal", ""))
    return [Row(line, _counter_of(cells, default), start, day, Interval.HOUR, count)]


LAYOUTS = {"generic": _generic, "wide": _wide, "dutch": _dutch}


def layout_of(header: list[str]) -> str:
    names = set(header)
    if {"datum", "uur", "aantal"} <= names:
        return "dutch"
    if set(HOURS) <= names and names & {"date", "datum"}:
        return "wide"
    if {"start", "count"} <= names:
        return "generic"
    raise FileError(
        _l(
            "The header is not one of the known layouts: counter;start;count, "
            "date;0;1;…;23 or datum;uur;aantal."
        )
    )


def has_counter_column(header: list[str]) -> bool:
    return bool({"counter", "teller"} & set(header))


def _delimiter(first_line: str) -> str:
    return max(";,\t", key=first_line.count)


def decode(data: bytes) -> str:
    """The upload as text (see vrijstad.textfiles); FileError when it is not a text file."""
    try:
        return decode_upload(data)
    except NotText:
        raise FileError(
            _l("This is not a CSV file: save it as CSV (UTF-8) and upload it again.")
        ) from None


def parse(text: str, default_counter: str | None = None) -> Parsed:
    """Every line's counts and every bad line's reason (a line with one bad cell adds no
    count); FileError when the header is not known or a counter is missing for the file."""
    first_line = text.lstrip("\ufeff").partition("\n")[0]
    if not first_line.strip():
        raise FileError(_l("The file is empty."))
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(first_line))
    header = [cell.strip().lower() for cell in next(reader)]
    layout = layout_of(header)
    if not has_counter_column(header) and not default_counter:
        raise FileError(_l("This file has no counter column: choose the counter it is from."))
    read = LAYOUTS[layout]
    rows: list[Row] = []
    errors: list[LineError] = []
    for values in reader:
        if not "".join(values).strip():
            continue
        line = reader.line_num
        try:
            rows.extend(read(dict(zip(header, values, strict=False)), line, default_counter))
        except BadValue as exc:
            errors.append(LineError(line, str(exc)))
    return Parsed(layout, rows, errors)


def from_items(items: list[dict]) -> Parsed:
    """Counts pushed as a list of {counter, start, count[, interval]} (already of the right
    types); an item's number (from 1) stands for its line."""
    rows: list[Row] = []
    errors: list[LineError] = []
    for number, item in enumerate(items, start=1):
        try:
            interval = _interval(item.get("interval", "hour"))
            start, day = _start(item["start"], interval)
            rows.append(Row(number, item["counter"].strip(), start, day, interval, item["count"]))
        except BadValue as exc:
            errors.append(LineError(number, str(exc)))
    return Parsed("api", rows, errors)
