"""The one clock of the app: "now" is an aware UTC instant, "today" is a date in Amsterdam.

Every Dutch deadline, invoice month, reminder, contest phase, subsidy clock and vacancy length
is a calendar date in the Netherlands, so "today" is the date in Europe/Amsterdam, whatever the
server's own time zone. Times are stored in UTC. No other module reads the wall clock (ruff's
banned-API rule enforces it); services that decide by date take the date as an argument, so a
scheduled run for a past month and a test can both say which day it is.

Tests move this clock with time-machine, which replaces the interpreter's clock: nothing here
needs a hook for it.
"""

import os
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def now() -> datetime:
    """The current instant, aware, in UTC (also the callable default of DateTime columns)."""
    return datetime.now(UTC)  # noqa: TID251 - the one place that reads the wall clock


def timestamp() -> float:
    """Now as seconds since the epoch (for records that keep a number)."""
    return now().timestamp()


def local_now() -> datetime:
    """The current instant on the clock in Amsterdam."""
    return now().astimezone(AMSTERDAM)


def today() -> date:
    """Today's date in Amsterdam."""
    return local_now().date()


def as_utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; treat them as the UTC they were stored as."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def local_date(moment: datetime) -> date:
    """The Amsterdam calendar date of an instant."""
    return as_utc(moment).astimezone(AMSTERDAM).date()


def month_start(day: date) -> date:
    """The first day of the month that `day` falls in."""
    return day.replace(day=1)


def this_month() -> date:
    """The first day of the current month in Amsterdam."""
    return month_start(today())


def stamp_file(file: os.PathLike | str | int) -> None:
    """Set a file's modification time to this clock's now: the ages that expiry compares are
    then on one clock, also when a test has moved it away from the file system's."""
    moment = timestamp()
    os.utime(file, (moment, moment))
