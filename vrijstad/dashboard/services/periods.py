"""Months and periods: the month a user types, the period a dashboard covers, the limits."""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from vrijstad.clock import add_months, month_end, month_start
from vrijstad.core import DomainError
from vrijstad.i18n import gettext as _

MAX_MONTHS = 120
DEFAULT_MONTHS = 24  # two years: a trend, not a blip
#: A longer list of people is only downloaded: the page shows how many there are.
PAGE_LIST_LIMIT = 50
EARLIEST_YEAR = 2000
_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


class DashboardError(DomainError):
    """A dashboard request or change was refused; the message says why."""


# Months and periods -------------------------------------------------------------------------


def parse_month(text: str) -> date:
    """'2026-11' → 1 November 2026; DashboardError for anything else."""
    match = _MONTH_RE.match((text or "").strip())
    if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < EARLIEST_YEAR:
        raise DashboardError(
            _("Give a month as YYYY-MM, for example %(example)s.", example="2026-11")
        )
    return date(int(match[1]), int(match[2]), 1)


@dataclass(frozen=True)
class Period:
    """Whole months from first to last (both the first day of their month)."""

    first: date
    last: date

    @property
    def months(self) -> list[date]:
        count = (self.last.year - self.first.year) * 12 + self.last.month - self.first.month
        return [add_months(self.first, n) for n in range(count + 1)]

    @property
    def last_day(self) -> date:
        return month_end(self.last)

    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end) as UTC datetimes, for timestamp columns."""
        start = datetime.combine(self.first, datetime.min.time(), UTC)
        return start, datetime.combine(add_months(self.last, 1), datetime.min.time(), UTC)


def choose_period(first_text: str | None, last_text: str | None, today: date) -> Period:
    """The period picker: both months optional (default: the last twenty-four, up to now)."""
    current = month_start(today)
    last = parse_month(last_text) if last_text else current
    first = parse_month(first_text) if first_text else add_months(last, 1 - DEFAULT_MONTHS)
    if last > current:
        raise DashboardError(_("The period cannot end after the current month."))
    if first > last:
        raise DashboardError(_("The period's first month comes after its last."))
    period = Period(first, last)
    if len(period.months) > MAX_MONTHS:
        raise DashboardError(_("Choose a period of at most %(n)d months.", n=MAX_MONTHS))
    return period
