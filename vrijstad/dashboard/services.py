"""The vacancy dashboard: periods, live and recorded vacancy, the funnel, money, snapshots.

The dashboard only reads other features' data; it writes its own snapshots, street stories
and reference settings."""

import re
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from flask import current_app

from vrijstad import clock, jobs
from vrijstad.areas.models import Area, Street
from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.clock import add_months, month_end, month_start, months_between
from vrijstad.core import DomainError
from vrijstad.dashboard import queries
from vrijstad.dashboard.figures import Column, Figure, Kind
from vrijstad.dashboard.models import (
    WHOLE_AREA,
    DashboardSettings,
    StreetStory,
    VacancySnapshot,
    street_key,
)
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.ledger import services as ledger
from vrijstad.letting.models import Placement
from vrijstad.matching import queries as matching_queries
from vrijstad.matching.models import StreetProfile, branch_bit
from vrijstad.organisations.models import MemberRole, Organisation
from vrijstad.organisations.services import can_manage, organisations_of
from vrijstad.starters.forms import branch_label
from vrijstad.starters.models import BranchGroup, StarterProfile
from vrijstad.units.models import Unit, VacancyClass

MAX_MONTHS = 120
DEFAULT_MONTHS = 24  # two years: a trend, not a blip
#: A longer list of people is only downloaded: the page shows how many there are.
PAGE_LIST_LIMIT = 50
EARLIEST_YEAR = 2000
_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


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


# Reference figures --------------------------------------------------------------------------


@dataclass(frozen=True)
class References:
    """National vacancy (Locatus) by count and by floor area, and the healthy maximum (bp)."""

    national_count_bp: int
    national_area_bp: int
    healthy_max_bp: int

    @staticmethod
    def pct(bp: int) -> Decimal:
        return (Decimal(bp) / 100).quantize(Decimal("0.1"), ROUND_HALF_UP)


def settings_of(organisation_id: int) -> DashboardSettings | None:
    return db.session.scalar(
        sa.select(DashboardSettings).where(DashboardSettings.organisation_id == organisation_id)
    )


def references_for(organisation_id: int) -> References:
    """The organisation's own reference figures where it set them, else the configured ones."""
    config = current_app.config
    own = settings_of(organisation_id)
    return References(
        national_count_bp=(own and own.national_count_bp) or config["NATIONAL_VACANCY_COUNT_BP"],
        national_area_bp=(own and own.national_area_bp) or config["NATIONAL_VACANCY_AREA_BP"],
        healthy_max_bp=(own and own.healthy_max_bp) or config["HEALTHY_VACANCY_MAX_BP"],
    )


def save_references(
    actor: User,
    organisation: Organisation,
    national_count_bp: int | None,
    national_area_bp: int | None,
    healthy_max_bp: int | None,
) -> DashboardSettings:
    """An organisation admin sets its reference figures (None: use the configured one)."""
    if not can_manage(actor, organisation.id, MemberRole.ADMIN):
        raise DashboardError(_("Only an administrator of this organisation can change this."))
    values = (national_count_bp, national_area_bp, healthy_max_bp)
    if any(v is not None and not 0 <= v <= 10000 for v in values):
        raise DashboardError(_("A percentage lies between 0 and 100."))
    own = settings_of(organisation.id)
    if own is None:
        own = DashboardSettings(organisation_id=organisation.id)
        db.session.add(own)
    own.national_count_bp, own.national_area_bp, own.healthy_max_bp = values
    db.session.flush()
    record_event(
        actor,
        "dashboard.references",
        own,
        organisation.id,
        count=national_count_bp,
        area=national_area_bp,
        healthy=healthy_max_bp,
    )
    return own


# Vacancy figures ----------------------------------------------------------------------------


def percent(part: int, whole: int) -> Decimal | None:
    """part / whole as a percentage with one decimal (half up); None when whole is 0."""
    if not whole:
        return None
    return (Decimal(part * 100) / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


_COUNTS = (
    "units_total",
    "units_vacant",
    "floor_area_total_m2",
    "floor_area_vacant_m2",
    "frictional_units",
    "long_term_units",
    "structural_units",
    "frictional_m2",
    "long_term_m2",
    "structural_m2",
)


@dataclass
class Vacancy:
    """Stock and vacancy of an area or a street, by count and floor area, by vacancy class."""

    street: str = WHOLE_AREA
    street_id: int | None = None
    grade: str | None = None
    units_total: int = 0
    units_vacant: int = 0
    floor_area_total_m2: int = 0
    floor_area_vacant_m2: int = 0
    frictional_units: int = 0
    long_term_units: int = 0
    structural_units: int = 0
    frictional_m2: int = 0
    long_term_m2: int = 0
    structural_m2: int = 0

    @property
    def rate_count(self) -> Decimal | None:
        return percent(self.units_vacant, self.units_total)

    @property
    def rate_area(self) -> Decimal | None:
        return percent(self.floor_area_vacant_m2, self.floor_area_total_m2)

    def add(self, other: "Vacancy") -> None:
        for name in _COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def counts(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in _COUNTS}


@dataclass
class Stock:
    """The vacancy of an area and of each of its streets at one moment."""

    reference_date: date
    live: bool
    area: Vacancy
    streets: list[Vacancy]

    def street(self, name: str) -> Vacancy | None:
        key = street_key(name)
        return next((s for s in self.streets if street_key(s.street) == key), None)


_key = street_key


def live_stock(area: Area, reference: date) -> Stock:
    """The area's vacancy now, aggregated in SQL per street; streets merged by name."""
    registered = {_key(s.name): s for s in area.streets}
    merged: dict[str, Vacancy] = {}
    rows = db.session.execute(queries.vacancy_by_street(area.id, reference))
    for name, state, units, m2 in rows:
        key = _key(name)
        figures = merged.get(key)
        if figures is None:
            street = registered.get(key)
            figures = merged[key] = Vacancy(
                street=street.name if street else name.strip(),
                street_id=street.id if street else None,
                grade=street.grade.value if street else None,
            )
        units, m2 = int(units), int(m2 or 0)
        figures.units_total += units
        figures.floor_area_total_m2 += m2
        if state != "let":
            figures.units_vacant += units
            figures.floor_area_vacant_m2 += m2
            setattr(figures, f"{state}_units", getattr(figures, f"{state}_units") + units)
            setattr(figures, f"{state}_m2", getattr(figures, f"{state}_m2") + m2)
    total = Vacancy()
    for figures in merged.values():
        total.add(figures)
    # A unit without a street name counts for the area, not for any street.
    streets = sorted((v for k, v in merged.items() if k), key=lambda v: v.street.casefold())
    return Stock(reference, True, total, streets)


def recorded_stock(area: Area, period: date) -> Stock | None:
    """The area's vacancy as its snapshot of the month recorded it; None without one."""
    rows = list(db.session.scalars(queries.snapshot_of_month(area.id, period)))
    whole = next((r for r in rows if r.street == WHOLE_AREA), None)
    if whole is None:
        return None
    grades = {s.id: s.grade.value for s in area.streets}

    def figures(row: VacancySnapshot) -> Vacancy:
        return Vacancy(
            street=row.street,
            street_id=row.street_id,
            grade=grades.get(row.street_id),
            **{name: getattr(row, name) for name in _COUNTS},
        )

    streets = sorted(
        (figures(r) for r in rows if r.street != WHOLE_AREA), key=lambda v: v.street.casefold()
    )
    return Stock(whole.reference_date, False, figures(whole), streets)


def stock_for(area: Area, period: Period, today: date) -> Stock | None:
    """Now for the current month; for an earlier month, what its snapshot recorded."""
    if period.last == month_start(today):
        return live_stock(area, today)
    return recorded_stock(area, period.last)


# Snapshots ----------------------------------------------------------------------------------


def snapshot_reference(period: date, today: date) -> date:
    return min(today, month_end(period))


def check_snapshot_period(period: date, today: date) -> None:
    """A snapshot records the units as they are now: only this month or the previous one."""
    current = month_start(today)
    if period > current:
        raise DashboardError(_("A month in the future cannot be recorded yet."))
    if period < add_months(current, -1):
        raise DashboardError(
            _(
                "A snapshot records the units as they are now, so only the current or the "
                "previous month can be recorded."
            )
        )


def take_snapshot(area: Area, period: date, today: date) -> int:
    """Record the area's vacancy for the month once; returns the rows written (0: had one)."""
    exists = db.session.scalar(
        sa.select(VacancySnapshot.id).where(
            VacancySnapshot.area_id == area.id,
            VacancySnapshot.period == period,
            VacancySnapshot.street_key == WHOLE_AREA,
        )
    )
    if exists:
        return 0
    reference = snapshot_reference(period, today)
    stock = live_stock(area, reference)
    rows = [(WHOLE_AREA, None, stock.area)] + [(s.street, s.street_id, s) for s in stock.streets]
    db.session.execute(
        VacancySnapshot.__table__.insert(),
        [
            {
                "area_id": area.id,
                "street": street[:120],
                "street_key": _key(street)[:120],
                "street_id": street_id,
                "period": period,
                "reference_date": reference,
                "taken_at": clock.now(),
                **figures.counts(),
            }
            for street, street_id, figures in rows
        ],
    )
    return len(rows)


@dataclass
class SnapshotRun:
    period: date
    areas_recorded: int = 0
    areas_skipped: int = 0
    rows: int = 0


def take_snapshots(period: date, today: date, organisation_id: int | None = None) -> SnapshotRun:
    """Record every area's vacancy for the month (of one organisation, or all); areas already
    recorded are left as they are. A background job shows the progress per area."""
    check_snapshot_period(period, today)
    run = SnapshotRun(period)
    query = sa.select(Area).order_by(Area.id)
    if organisation_id is not None:
        query = query.where(Area.organisation_id == organisation_id)
    areas = db.session.scalars(query).all()
    for done, area in enumerate(areas, start=1):
        jobs.set_progress(
            100 * (done - 1) / len(areas),
            _l(
                "Recording %(area)s (%(done)d of %(total)d)",
                area=area.name,
                done=done,
                total=len(areas),
            ),
        )
        written = take_snapshot(area, period, today)
        run.rows += written
        if written:
            run.areas_recorded += 1
        else:
            run.areas_skipped += 1
    return run


def map_points(area: Area, street: str | None, today: date, limit: int) -> list[dict]:
    """The vacant units with a pin, coloured on the map by how long they have been vacant."""
    from flask import url_for

    points = []
    for row in db.session.execute(queries.vacant_map_points(area.id, street).limit(limit)):
        days = max((today - row.vacant_since).days, 0) if row.vacant_since else 0
        if days < queries.FRICTIONAL_DAYS:
            vacancy = VacancyClass.FRICTIONAL
        elif days <= queries.STRUCTURAL_DAYS:
            vacancy = VacancyClass.LONG_TERM
        else:
            vacancy = VacancyClass.STRUCTURAL
        points.append(
            {
                "lat": row.latitude,
                "lon": row.longitude,
                "address": address(row),
                "days": days,
                "class": vacancy.value,
                "m2": row.floor_area_vvo,
                "url": url_for("units.detail", unit_id=row.id),
            }
        )
    return points


# Durations, streets, trend ------------------------------------------------------------------


def class_labels() -> dict[VacancyClass, str]:
    return {
        VacancyClass.FRICTIONAL: _("frictional (< 1 year)"),
        VacancyClass.LONG_TERM: _("long-term (1–3 years)"),
        VacancyClass.STRUCTURAL: _("structural (> 3 years)"),
    }


def trend_rows(
    area: Area, period: Period, street: str | None, today: date, stock: Stock | None
) -> tuple[list[list], list[date]]:
    """One row per month (snapshots; the current month live); also the months with none."""
    recorded = {
        s.period: s
        for s in db.session.scalars(queries.snapshots(area.id, street, period.first, period.last))
    }
    current = month_start(today)
    rows, missing = [], []
    for month in period.months:
        if month == current and stock is not None and stock.live:
            figures = stock.area if street is None else stock.street(street) or Vacancy()
            source = _("now")
        elif month in recorded:
            snap = recorded[month]
            figures = Vacancy(**{name: getattr(snap, name) for name in _COUNTS})
            source = _("snapshot")
        else:
            missing.append(month)
            continue
        rows.append(
            [
                month,
                figures.units_total,
                figures.units_vacant,
                figures.rate_count,
                figures.floor_area_total_m2,
                figures.floor_area_vacant_m2,
                figures.rate_area,
                figures.frictional_units,
                figures.long_term_units,
                figures.structural_units,
                source,
            ]
        )
    return rows, missing


# Branch mix ---------------------------------------------------------------------------------


def branch_rows(
    area: Area, street: str | None, reference: date, branches: dict[BranchGroup, str]
) -> list[list]:
    """Per street and branch group: starters placed now, against the street's profile."""
    occupants: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    names: dict[str, str] = {}
    for _area_id, street_name, group, n in db.session.execute(
        matching_queries.current_occupants([area.id], reference)
    ):
        occupants[_key(street_name)][BranchGroup(group)] += n
        names.setdefault(_key(street_name), street_name.strip())
    masks = {row.street_id: row for row in db.session.execute(queries.profiles_of_area(area.id))}
    profiles = {_key(s.name): (s.name, masks.get(s.id)) for s in area.streets}
    keys = sorted(set(occupants) | set(profiles))
    if street is not None:
        keys = [k for k in keys if k == _key(street)]
    wanted_text, excluded_text = _("wanted"), _("excluded")
    absent, too_many = _("asked for, none yet"), _("more than the street wants")
    rows = []
    for key in keys:
        name, profile = profiles.get(key, (names.get(key, key), None))
        for group in BranchGroup:
            count = occupants[key].get(group, 0)
            wanted = bool(profile and profile.wanted_mask & branch_bit(group))
            excluded = bool(profile and profile.excluded_mask & branch_bit(group))
            if not (count or wanted or excluded):
                continue
            stance = wanted_text if wanted else excluded_text if excluded else ""
            remark = absent if wanted and not count else too_many if excluded and count else ""
            rows.append([name, branches[group], count, stance, remark])
    return rows


# The letting funnel -------------------------------------------------------------------------


def funnel(area: Area, period: Period, street: str | None) -> tuple[list[list], list[list]]:
    """(stage rows, days-to-let row) for units of the area in the period."""
    start, end = period.bounds()
    counts = db.session.execute(queries.funnel_counts(area.id, start, end, street)).one()
    stages = [
        [_("Units listed"), counts.listed],
        [_("Applications"), counts.applications],
        [_("Offers"), counts.offers],
        [_("Placements"), counts.placements],
    ]
    days = list(db.session.scalars(queries.days_to_let(area.id, start, end, street)))
    median = round(statistics.median(days)) if days else None
    return stages, [[len(days), median]]


# Starters still looking ---------------------------------------------------------------------


def latest_start(reference: date, months: int) -> date:
    """The last day from which at least the months have passed by the reference day."""
    back = add_months(month_start(reference), -months)
    if reference == month_end(reference):
        return month_end(back)
    return back.replace(day=min(reference.day, month_end(back).day))


def _open_starters(area: Area, reference: date) -> sa.Select:
    """The starters interested in the area, looking for 6 months or more and not placed."""
    cutoff = latest_start(reference, 6) + timedelta(days=1)
    placed = sa.select(Placement.starter_id).where(
        Placement.status.in_(queries.CURRENT_PLACEMENTS), Placement.end_date >= reference
    )
    return (
        matching_queries.candidates_for_area(area)
        .where(
            StarterProfile.created_at < datetime.combine(cutoff, datetime.min.time(), UTC),
            StarterProfile.user_id.not_in(placed),
        )
        .order_by(None)
    )


def open_starter_counts(area: Area, reference: date) -> tuple[int, int]:
    """How many starters have been looking for 6 months or more, and for 12 or more."""
    year = datetime.combine(
        latest_start(reference, 12) + timedelta(days=1), datetime.min.time(), UTC
    )
    counts = _open_starters(area, reference).with_only_columns(
        sa.func.count(),
        sa.func.coalesce(sa.func.sum(sa.case((StarterProfile.created_at < year, 1), else_=0)), 0),
    )
    six, twelve = db.session.execute(counts).one()
    return int(six), int(twelve)


def open_starters(area: Area, reference: date) -> list[sa.Row]:
    """(trade name, name, branch group, profile made at) of those starters, longest first."""
    query = (
        _open_starters(area, reference)
        .with_only_columns(
            StarterProfile.trade_name,
            User.name,
            StarterProfile.branch_group,
            StarterProfile.created_at,
        )
        .order_by(StarterProfile.created_at, StarterProfile.id)
    )
    return list(db.session.execute(query))


# Money --------------------------------------------------------------------------------------


def money_rows(area: Area, period: Period, last_day: date) -> tuple[list[list], int]:
    """Per month: collected (settled) revenue, landlords' share, organisation fee, fund share,
    landlord payouts; and the fund balance on the last day — all from the ledger."""
    per_month: dict[date, list[int]] = {m: [0, 0, 0, 0, 0] for m in period.months}
    for booked_on, posting_kind, account_kind, cents in db.session.execute(
        queries.settlement_and_payout_sums(
            area.organisation_id, area.id, period.first, period.last_day
        )
    ):
        cents = int(cents)
        month = per_month[month_start(booked_on)]
        if posting_kind == "settlement":
            if account_kind == "income":
                month[0] += cents  # income is debited with what was received
            elif account_kind == "payable":
                month[1] -= cents
            elif account_kind == "revenue":
                month[2] -= cents
            elif account_kind == "fund":
                month[3] -= cents
        elif posting_kind == "payout" and account_kind == "payable":
            month[4] += cents
    rows = [[m, *values] for m, values in per_month.items()]
    fund = -int(db.session.scalar(queries.fund_total(area.organisation_id, area.id, last_day)))
    return rows, fund


# Subsidies and contests ---------------------------------------------------------------------


def subsidy_rows(area: Area) -> list[list]:
    """Per scheme covering the area: its ceiling, and what is committed, reserved and paid."""
    from vrijstad.subsidies.services import budget_of

    rows = []
    for scheme in db.session.scalars(queries.subsidy_schemes_for(area.organisation_id, area.id)):
        budget = budget_of(scheme)
        rows.append(
            [
                scheme.name,
                scheme.provider_name,
                budget.ceiling_cents,
                budget.committed_cents,
                budget.reserved_cents,
                budget.paid_cents,
                budget.available_cents,
                percent(budget.committed_cents, budget.ceiling_cents),
            ]
        )
    return rows


def contest_rows(area: Area, period: Period, street: str | None) -> list[list]:
    """Per contest for the area's units in the period: entries, finalists, winners, outcome."""
    from vrijstad.contests.models import FINALIST_STATUSES, RESULT_STATUSES, EntryStatus
    from vrijstad.labels import label

    contests = list(
        db.session.scalars(
            queries.contests_in_area(
                area.organisation_id, area.id, street, period.first, period.last_day
            )
        )
    )
    ids = [c.id for c in contests]
    entries: dict[int, int] = defaultdict(int)
    finalists: dict[int, int] = defaultdict(int)
    awards: dict[int, list] = defaultdict(list)
    if ids:
        for contest_id, status, n in db.session.execute(queries.contest_entry_counts(ids)):
            if status != EntryStatus.WITHDRAWN:
                entries[contest_id] += n
            if status in FINALIST_STATUSES:
                finalists[contest_id] += n
        for row in db.session.execute(queries.contest_awards(ids)):
            awards[row.contest_id].append(row)
    rows = []
    for contest in contests:
        public = contest.status in RESULT_STATUSES
        won = awards[contest.id] if public else []
        winners = "; ".join(f"{a.trade_name} ({address(a)})" for a in won)
        outcomes = "; ".join(label(a.outcome) for a in won if a.outcome)
        rows.append(
            [
                contest.title,
                label(contest.status),
                entries[contest.id],
                finalists[contest.id],
                winners or None,
                outcomes or None,
                contest.winner_on,
            ]
        )
    return rows


# The dashboard ------------------------------------------------------------------------------


@dataclass
class Dashboard:
    """Every figure of an area (or one of its streets) for a period."""

    area: Area
    period: Period
    street: str | None
    stock: Stock | None
    references: References
    figures: dict[str, Figure] = field(default_factory=dict)
    missing_months: list[date] = field(default_factory=list)
    structural_ids: list[int] = field(default_factory=list)

    @property
    def vacancy(self) -> Vacancy | None:
        if self.stock is None:
            return None
        if self.street is None:
            return self.stock.area
        return self.stock.street(self.street) or Vacancy(street=self.street)


def dashboard_organisations(user: User) -> list[Organisation]:
    """The organisations whose dashboards a user may open (platform admins: all)."""
    if user.is_admin:
        return list(db.session.scalars(sa.select(Organisation).order_by(Organisation.name)))
    return organisations_of(user)


def address(row) -> str:
    """'Hoogstraat 12a-2' from a row with street, house number, letter and addition."""
    number = f"{row.house_number}{row.house_letter or ''}"
    if row.house_number_addition:
        number += f"-{row.house_number_addition}"
    return f"{row.street} {number}"


def street_names(area: Area, stock: Stock | None) -> list[str]:
    """The streets one can pick: the area's registered streets and those its units name."""
    names = {_key(s.name): s.name for s in area.streets}
    if stock is not None:
        for figures in stock.streets:
            names.setdefault(_key(figures.street), figures.street)
    return sorted(names.values(), key=str.casefold)


def check_street(area: Area, street: str | None) -> str | None:
    """The street filter: a street of the area, or None for the whole area."""
    if street is None or not street.strip():
        return None
    key = _key(street)
    if (
        len(street) > 120
        or _CONTROL.search(street)
        or (
            key not in {_key(s.name) for s in area.streets}
            and not db.session.scalar(
                sa.select(Unit.id)
                .where(Unit.area_id == area.id, queries.street_is(Unit.street, street))
                .limit(1)
            )
        )
    ):
        raise DashboardError(_("This street is not part of the area."))
    return street.strip()


def build_dashboard(
    area: Area, period: Period, street: str | None, today: date, lists: bool = False
) -> Dashboard:
    """Compute every figure of the dashboard (each one a few aggregate queries); with lists,
    also the long lists the page only counts (for a download)."""
    stock = stock_for(area, period, today)
    board = Dashboard(area, period, street, stock, references_for(area.organisation_id))
    reference = stock.reference_date if stock else min(today, period.last_day)
    figures = board.figures

    def add(figure: Figure) -> None:
        figures[figure.key] = figure

    vacancy = board.vacancy
    refs = board.references
    branches = {group: branch_label(group) for group in BranchGroup}
    add(
        Figure(
            "headline",
            _("Vacancy"),
            [
                Column(_("Measure")),
                Column(_("This area"), Kind.PERCENT),
                Column(_("National reference"), Kind.PERCENT),
                Column(_("Healthy at most"), Kind.PERCENT),
            ],
            [
                [
                    _("By number of units"),
                    vacancy.rate_count if vacancy else None,
                    refs.pct(refs.national_count_bp),
                    refs.pct(refs.healthy_max_bp),
                ],
                [
                    _("By floor area"),
                    vacancy.rate_area if vacancy else None,
                    refs.pct(refs.national_area_bp),
                    refs.pct(refs.healthy_max_bp),
                ],
            ],
        )
    )

    rows, board.missing_months = trend_rows(area, period, street, today, stock)
    add(
        Figure(
            "trend",
            _("Vacancy by month"),
            [
                Column(_("Month"), Kind.MONTH),
                Column(_("Units"), Kind.INT),
                Column(_("Vacant"), Kind.INT),
                Column(_("Vacancy by count"), Kind.PERCENT),
                Column(_("Floor area (m²)"), Kind.INT),
                Column(_("Vacant floor area (m²)"), Kind.INT),
                Column(_("Vacancy by floor area"), Kind.PERCENT),
                Column(_("Frictional"), Kind.INT),
                Column(_("Long-term"), Kind.INT),
                Column(_("Structural"), Kind.INT),
                Column(_("Source")),
            ],
            rows,
        )
    )

    streets = []
    if stock is not None:
        streets = [s for s in stock.streets if street is None or _key(s.street) == _key(street)]
    add(
        Figure(
            "streets",
            _("Vacancy per street"),
            [
                Column(_("Street")),
                Column(_("Grade")),
                Column(_("Units"), Kind.INT),
                Column(_("Vacant"), Kind.INT),
                Column(_("Vacancy by count"), Kind.PERCENT),
                Column(_("Floor area (m²)"), Kind.INT),
                Column(_("Vacant floor area (m²)"), Kind.INT),
                Column(_("Vacancy by floor area"), Kind.PERCENT),
                Column(_("Frictional"), Kind.INT),
                Column(_("Long-term"), Kind.INT),
                Column(_("Structural"), Kind.INT),
            ],
            [
                [
                    s.street,
                    s.grade,
                    s.units_total,
                    s.units_vacant,
                    s.rate_count,
                    s.floor_area_total_m2,
                    s.floor_area_vacant_m2,
                    s.rate_area,
                    s.frictional_units,
                    s.long_term_units,
                    s.structural_units,
                ]
                for s in streets
            ],
        )
    )

    labels = class_labels()
    add(
        Figure(
            "durations",
            _("Vacancy by duration"),
            [
                Column(_("Duration")),
                Column(_("Units"), Kind.INT),
                Column(_("Floor area (m²)"), Kind.INT),
            ],
            []
            if vacancy is None
            else [
                [labels[VacancyClass.FRICTIONAL], vacancy.frictional_units, vacancy.frictional_m2],
                [labels[VacancyClass.LONG_TERM], vacancy.long_term_units, vacancy.long_term_m2],
                [labels[VacancyClass.STRUCTURAL], vacancy.structural_units, vacancy.structural_m2],
            ],
        )
    )

    structural = []
    if stock is not None and stock.live:
        structural = db.session.execute(queries.structural_units(area.id, reference, street)).all()
    board.structural_ids = [u.id for u in structural]
    add(
        Figure(
            "structural",
            _("Structural vacancy (over three years)"),
            [
                Column(_("Address")),
                Column(_("Vacant since"), Kind.DATE),
                Column(_("Days vacant"), Kind.INT),
                Column(_("Floor area (m²)"), Kind.INT),
            ],
            [
                [address(u), u.vacant_since, (reference - u.vacant_since).days, u.floor_area_vvo]
                for u in structural
            ],
            note=""
            if stock is None or stock.live
            else _("The list of cases is kept for the current month only."),
        )
    )

    add(
        Figure(
            "branches",
            _("Branch mix against the street profile"),
            [
                Column(_("Street")),
                Column(_("Branch group")),
                Column(_("Starters placed"), Kind.INT),
                Column(_("Street profile")),
                Column(_("Remark")),
            ],
            branch_rows(area, street, reference, branches),
        )
    )

    stages, days = funnel(area, period, street)
    add(
        Figure(
            "funnel",
            _("Letting funnel"),
            [Column(_("Stage")), Column(_("Number"), Kind.INT)],
            stages,
        )
    )
    add(
        Figure(
            "days_to_let",
            _("Days from listing to placement"),
            [
                Column(_("Placements"), Kind.INT),
                Column(_("Median days"), Kind.INT),
            ],
            days,
        )
    )

    six, twelve = open_starter_counts(area, reference)
    add(
        Figure(
            "starters_open",
            _("Starters still looking"),
            [
                Column(_("Looking for at least")),
                Column(_("Starters"), Kind.INT),
            ],
            [[_("6 months"), six], [_("12 months"), twelve]],
        )
    )
    listed = lists or six <= PAGE_LIST_LIMIT  # a long list only for a download
    waiting = open_starters(area, reference) if listed else []
    add(
        Figure(
            "starters_list",
            _("Starters looking for 6 months or more"),
            [
                Column(_("Starter")),
                Column(_("Branch group")),
                Column(_("Profile since"), Kind.DATE),
                Column(_("Months looking"), Kind.INT),
            ],
            [
                [
                    w.trade_name or w.name,
                    branches.get(w.branch_group),
                    w.created_at.date(),
                    months_between(w.created_at.date(), reference),
                ]
                for w in waiting
            ],
            on_page=six <= PAGE_LIST_LIMIT,
            size=six,
        )
    )

    last_day = min(today, period.last_day)
    rows, fund = money_rows(area, period, last_day)
    totals = [sum(row[i] for row in rows) for i in range(1, 6)]
    add(
        Figure(
            "money",
            _("Revenue and payouts"),
            [
                Column(_("Month"), Kind.MONTH),
                Column(_("Collected revenue"), Kind.EUR),
                Column(_("Landlords' share"), Kind.EUR),
                Column(_("Organisation fee"), Kind.EUR),
                Column(_("To the fund"), Kind.EUR),
                Column(_("Paid out to landlords"), Kind.EUR),
            ],
            rows,
            note=_(
                "Total: %(collected)s collected, %(paid)s paid out to landlords.",
                collected=_eur(totals[0]),
                paid=_eur(totals[4]),
            ),
        )
    )
    add(
        Figure(
            "fund",
            _("Fund balance"),
            [
                Column(_("On"), Kind.DATE),
                Column(_("Fund balance"), Kind.EUR),
            ],
            [[last_day, fund]],
        )
    )

    add(
        Figure(
            "subsidies",
            _("Subsidies against their ceilings"),
            [
                Column(_("Scheme")),
                Column(_("Provider")),
                Column(_("Ceiling"), Kind.EUR),
                Column(_("Committed"), Kind.EUR),
                Column(_("Reserved"), Kind.EUR),
                Column(_("Paid"), Kind.EUR),
                Column(_("Still available"), Kind.EUR),
                Column(_("Committed of the ceiling"), Kind.PERCENT),
            ],
            subsidy_rows(area),
            note=_(
                "Committed: granted, or the final amount once settled. Reserved: asked by "
                "first-come applications awaiting a decision."
            ),
        )
    )
    add(
        Figure(
            "contests",
            _("Win een winkel: contest results"),
            [
                Column(_("Contest")),
                Column(_("Status")),
                Column(_("Entries"), Kind.INT),
                Column(_("Finalists"), Kind.INT),
                Column(_("Winners")),
                Column(_("Outcome")),
                Column(_("Winner date"), Kind.DATE),
            ],
            contest_rows(area, period, street),
        )
    )
    return board


def _eur(cents: int) -> str:
    from vrijstad.i18n import eur_filter

    return eur_filter(cents)


# Street pages -------------------------------------------------------------------------------


def story_of(street: Street) -> StreetStory | None:
    return db.session.scalar(sa.select(StreetStory).where(StreetStory.street_id == street.id))


def save_story(actor: User, street: Street, story: str, published: bool) -> StreetStory:
    """Staff write a street's public story and publish (or hide) the street page."""
    if not can_manage(actor, street.area.organisation_id):
        raise DashboardError(_("You do not work for this organisation."))
    own = story_of(street)
    if own is None:
        own = StreetStory(street_id=street.id)
        db.session.add(own)
    own.story = story.strip()
    own.published = published
    own.updated_by_id = actor.id
    db.session.flush()
    record_event(actor, "street.story", own, street.area.organisation_id, published=published)
    return own


def can_see_street_page(user: User, street: Street, story: StreetStory | None) -> bool:
    return bool(story and story.published) or can_manage(user, street.area.organisation_id)


@dataclass
class StreetPage:
    street: Street
    story: StreetStory | None
    profile: StreetProfile | None
    vacancy: Vacancy
    units: list[Unit]
    starters: list


def street_page(street: Street, today: date) -> StreetPage:
    """What a street's public page shows: story, profile, new starters, units, vacancy."""
    area = street.area
    figures = live_stock(area, today).street(street.name) or Vacancy(street=street.name)
    profile = db.session.scalar(
        sa.select(StreetProfile).where(StreetProfile.street_id == street.id)
    )
    since = add_months(month_start(today), -12)
    return StreetPage(
        street=street,
        story=story_of(street),
        profile=profile,
        vacancy=figures,
        units=list(db.session.scalars(queries.public_units_of_street(area.id, street.name))),
        starters=list(
            db.session.scalars(
                queries.new_starters_of_street(area.id, street.name, since, today).limit(24)
            )
        ),
    )


# Home cards ---------------------------------------------------------------------------------


@dataclass
class LandlordCard:
    units: list[Unit]
    payouts_this_year_cents: int


@dataclass
class StarterCard:
    applications: list
    invoices: list
    turnover: "TurnoverDue"


@dataclass
class TurnoverDue:
    """A starter's turnover reports: the months past their deadline and the next one due."""

    overdue: list[date] = field(default_factory=list)
    next_month: date | None = None
    next_deadline: date | None = None


def landlord_card(user: User, today: date) -> LandlordCard:
    """A landlord's own units (days vacant) and what was paid out to them this year."""
    from vrijstad.units.queries import units_of_owner

    units = list(db.session.scalars(units_of_owner(user.id).limit(10)))
    paid = db.session.scalar(
        queries.landlord_payouts(
            ledger.payable(user.id), date(today.year, 1, 1), date(today.year, 12, 31)
        )
    )
    return LandlordCard(units, int(paid))


def turnover_due(starter_id: int, today: date) -> TurnoverDue:
    """The months of current turnover placements still to report (each due on the 10th of
    the month after): those past their deadline, and the earliest deadline still ahead, which
    may be the running month's, reported once it is over."""
    from vrijstad.letting.services import report_deadline

    placements = list(db.session.scalars(queries.turnover_placements_of(starter_id)))
    due = TurnoverDue()
    if not placements:
        return due
    ids = [p.id for p in placements]
    done = {tuple(row) for row in db.session.execute(queries.reported_periods(ids))}
    done |= {tuple(row) for row in db.session.execute(queries.invoiced_periods(ids))}
    current = month_start(today)
    ahead = []
    for placement in placements:
        month = max(month_start(placement.start_date), add_months(current, -24))
        last = min(current, month_start(placement.end_date))
        while month <= last:
            if (placement.id, month) not in done:
                if report_deadline(month) < today:
                    due.overdue.append(month)
                else:
                    ahead.append((report_deadline(month), month))
            month = add_months(month, 1)
    due.overdue = sorted(set(due.overdue))
    if ahead:
        due.next_deadline, due.next_month = min(ahead)
    return due


def starter_card(user: User, today: date) -> StarterCard:
    """A starter's open applications, open invoices and next turnover-report deadline."""
    return StarterCard(
        applications=list(db.session.scalars(queries.open_applications_of(user.id).limit(10))),
        invoices=list(db.session.scalars(queries.open_invoices_of(user.id).limit(10))),
        turnover=turnover_due(user.id, today),
    )


def home_cards(user: User, today: date | None = None) -> dict:
    """The home page's own cards for a landlord and a starter (only their own data)."""
    today = today or clock.today()
    if not user.is_authenticated:
        return {}
    cards = {}
    if user.is_landlord:
        cards["landlord_card"] = landlord_card(user, today)
    if user.is_starter:
        cards["starter_card"] = starter_card(user, today)
    return cards
