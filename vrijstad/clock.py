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
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

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


def add_months(day: date, months: int) -> date:
    """The same day so many months later (or earlier with a negative count); the month's last
    day when that month is shorter (31 January + 1 month is 28 or 29 February)."""
    return day + relativedelta(months=months)


def next_month(day: date) -> date:
    """The first day of the month after the one `day` falls in."""
    return add_months(month_start(day), 1)


def month_end(day: date) -> date:
    """The last day of the month that `day` falls in."""
    return next_month(day) - timedelta(days=1)


def months_between(earlier: date, later: date) -> int:
    """Whole months from one day to a later one (31 May to 30 November: six, because 30
    November is the last day of its month; to 29 November: five)."""
    span = relativedelta(later, earlier)
    return span.years * 12 + span.months


def this_month() -> date:
    """The first day of the current month in Amsterdam."""
    return month_start(today())


def stamp_file(file: os.PathLike | str | int) -> None:
    """Set a file's modification time to this clock's now: the ages that expiry compares are
    then on one clock, also when a test has moved it away from the file system's."""
    moment = timestamp()
    os.utime(file, (moment, moment))
