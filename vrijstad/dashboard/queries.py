"""Reads for the dashboard: vacancy aggregated in SQL, snapshots, funnel, money, subsidies,
contests and street pages (the home cards' reads are in home_queries)."""

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles

from vrijstad.applications.models import Application, Offer
from vrijstad.areas.models import Street
from vrijstad.billing.models import Settlement
from vrijstad.contests.models import (
    Award,
    Contest,
    ContestEntry,
    ContestStatus,
    EntryStatus,
    contest_units,
)
from vrijstad.dashboard.models import WHOLE_AREA, VacancySnapshot, street_key
from vrijstad.ledger.models import Entry, Posting
from vrijstad.letting.models import (
    Collective,
    HeadLease,
    HeadLeaseStatus,
    Placement,
    PlacementStatus,
)
from vrijstad.matching.models import StreetProfile
from vrijstad.subsidies.models import (
    SubsidyApplication,
    SubsidyScheme,
    SubsidyStatus,
    scheme_areas,
    scheme_streets,
)
from vrijstad.units.models import PUBLIC_STATUSES, Unit, UnitStatus

#: Vacancy classes by days vacant (as Unit.vacancy_class): < 1 year, 1–3 years, > 3 years.
FRICTIONAL_DAYS = 365
STRUCTURAL_DAYS = 3 * 365
#: Placements whose starter is in the unit now or soon.
CURRENT_PLACEMENTS = (PlacementStatus.AGREED, PlacementStatus.ACTIVE)

# A unit in the stock is every unit of the area but a withdrawn one; it is vacant unless let.
_IN_STOCK = Unit.status != UnitStatus.WITHDRAWN
_VACANT = Unit.status != UnitStatus.LET


def street_is(column, street: str | None):
    """A condition on a street-name column (case and outer spaces ignored); None: any street."""
    if street is None:
        return sa.true()
    return sa.func.lower(sa.func.trim(column)) == street.strip().lower()


def _vacant_since(reference: date):
    return sa.func.coalesce(Unit.vacant_since, reference)


def vacancy_class(reference: date) -> sa.Case[str]:
    """A unit's state on the reference day: 'let', or how long it has been vacant."""
    since = _vacant_since(reference)
    return sa.case(
        (Unit.status == UnitStatus.LET, "let"),
        (since > reference - timedelta(days=FRICTIONAL_DAYS), "frictional"),
        (since >= reference - timedelta(days=STRUCTURAL_DAYS), "long_term"),
        else_="structural",
    )


def vacancy_by_street(
    area_id: int, reference: date, street: str | None = None
) -> sa.Select[str, str, int, int | None]:
    """(street name, class, units, m²) of an area's stock: let, or vacant by duration class.

    One CASE per unit and two sums per group: the database's cheapest way through the units."""
    state = vacancy_class(reference)
    return (
        sa.select(
            Unit.street.label("street"),
            state.label("state"),
            sa.func.count().label("units"),
            sa.func.sum(Unit.floor_area_vvo).label("m2"),
        )
        .where(Unit.area_id == area_id, _IN_STOCK, street_is(Unit.street, street))
        .group_by(Unit.street, state)
        .order_by(Unit.street)
    )


def structural_units(area_id: int, reference: date, street: str | None = None) -> sa.Select:
    """(id, street, number, letter, addition, vacant since, m²) of the units vacant for more
    than three years, longest first."""
    before = reference - timedelta(days=STRUCTURAL_DAYS)
    return (
        sa.select(
            Unit.id,
            Unit.street,
            Unit.house_number,
            Unit.house_letter,
            Unit.house_number_addition,
            Unit.vacant_since,
            Unit.floor_area_vvo,
        )
        .where(
            Unit.area_id == area_id,
            _IN_STOCK,
            _VACANT,
            Unit.vacant_since < before,
            street_is(Unit.street, street),
        )
        .order_by(Unit.vacant_since, Unit.id)
    )


def vacant_map_points(area_id: int, street: str | None = None) -> sa.Select:
    """(id, street, number, letter, addition, lat, lon, vacant since, m²) of vacant units."""
    return (
        sa.select(
            Unit.id,
            Unit.street,
            Unit.house_number,
            Unit.house_letter,
            Unit.house_number_addition,
            Unit.latitude,
            Unit.longitude,
            Unit.vacant_since,
            Unit.floor_area_vvo,
        )
        .where(
            Unit.area_id == area_id,
            _IN_STOCK,
            _VACANT,
            Unit.latitude.is_not(None),
            Unit.longitude.is_not(None),
            street_is(Unit.street, street),
        )
        .order_by(Unit.id)
    )


def snapshots(area_id: int, street: str | None, first: date, last: date) -> sa.Select:
    """An area's (street None) or a street's snapshots from the first to the last month."""
    return (
        sa.select(VacancySnapshot)
        .where(
            VacancySnapshot.area_id == area_id,
            VacancySnapshot.street_key == (WHOLE_AREA if street is None else street_key(street)),
            VacancySnapshot.period.between(first, last),
        )
        .order_by(VacancySnapshot.period)
    )


def snapshot_of_month(area_id: int, period: date) -> sa.Select:
    """Every row (the area's and each street's) of an area's snapshot of one month."""
    return (
        sa.select(VacancySnapshot)
        .where(VacancySnapshot.area_id == area_id, VacancySnapshot.period == period)
        .order_by(VacancySnapshot.street)
    )


def areas_with_snapshot(period: date) -> sa.Select:
    return sa.select(VacancySnapshot.area_id).where(
        VacancySnapshot.period == period, VacancySnapshot.street_key == WHOLE_AREA
    )


def profiles_of_area(area_id: int) -> sa.Select:
    """(street id, wanted branches, excluded branches) of the area's street profiles."""
    return (
        sa.select(StreetProfile.street_id, StreetProfile.wanted_mask, StreetProfile.excluded_mask)
        .join(Street, Street.id == StreetProfile.street_id)
        .where(Street.area_id == area_id)
    )


# The letting funnel -------------------------------------------------------------------------


def _in_area(area_id: int, street: str | None):
    return sa.and_(Unit.area_id == area_id, street_is(Unit.street, street))


def funnel_counts(area_id: int, start: datetime, end: datetime, street: str | None) -> sa.Select:
    """One row: units listed, applications, offers and placements made in [start, end)."""
    in_area = _in_area(area_id, street)
    listed = sa.select(sa.func.count()).where(
        in_area, Unit.listed_at >= start, Unit.listed_at < end
    )
    applications = (
        sa.select(sa.func.count())
        .select_from(Application)
        .join(Unit, Unit.id == Application.unit_id)
        .where(in_area, Application.created_at >= start, Application.created_at < end)
    )
    offers = (
        sa.select(sa.func.count())
        .select_from(Offer)
        .join(Application, Application.id == Offer.application_id)
        .join(Unit, Unit.id == Application.unit_id)
        .where(in_area, Offer.created_at >= start, Offer.created_at < end)
    )
    placements = (
        sa.select(sa.func.count())
        .select_from(Placement)
        .join(Unit, Unit.id == Placement.unit_id)
        .where(in_area, Placement.created_at >= start, Placement.created_at < end)
    )
    return sa.select(
        listed.scalar_subquery().label("listed"),
        applications.scalar_subquery().label("applications"),
        offers.scalar_subquery().label("offers"),
        placements.scalar_subquery().label("placements"),
    )


class days_between(sa.sql.functions.FunctionElement):  # noqa: N801 - used as a function
    """Whole days from one timestamp's date to another's, in SQL (each database its own way)."""

    type = sa.Integer()
    inherit_cache = True


@compiles(days_between)
def _days_between_sqlite(element, compiler, **kw) -> str:
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(julianday(date({later})) - julianday(date({earlier})) AS INTEGER)"


@compiles(days_between, "postgresql")
def _days_between_postgresql(element, compiler, **kw) -> str:
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"(CAST({later} AS DATE) - CAST({earlier} AS DATE))"


def days_to_let(area_id: int, start: datetime, end: datetime, street: str | None) -> sa.Select:
    """Days from the unit's listing to the placement, of the placements made in [start, end)."""
    days = days_between(Placement.created_at, Unit.listed_at)
    return (
        sa.select(days)
        .join(Unit, Unit.id == Placement.unit_id)
        .where(
            _in_area(area_id, street),
            Placement.created_at >= start,
            Placement.created_at < end,
            Unit.listed_at.is_not(None),
            days >= 0,
        )
    )


# Money, from the ledger ---------------------------------------------------------------------


def _settlement_keys(area_id: int) -> sa.Select:
    return (
        sa.select(sa.literal("settlement:") + sa.cast(Settlement.id, sa.String))
        .join(Collective, Collective.id == Settlement.collective_id)
        .where(Collective.area_id == area_id)
    )


def _payout_keys(area_id: int) -> sa.Select:
    return (
        sa.select(sa.literal("payout:settlement:") + sa.cast(Settlement.id, sa.String))
        .join(Collective, Collective.id == Settlement.collective_id)
        .where(Collective.area_id == area_id)
    )


ACCOUNT_KIND = sa.case(
    (Entry.account.startswith("income/"), "income"),
    (Entry.account.startswith("payable/"), "payable"),
    (Entry.account.startswith("revenue/"), "revenue"),
    (Entry.account.startswith("fund/"), "fund"),
    else_="other",
)


def settlement_and_payout_sums(
    organisation_id: int, area_id: int, first: date, last: date
) -> sa.Select[date, str, str, int]:
    """(booked on, posting kind, account kind, sum) of the settlements and payouts of the
    area's collectives booked between the first and the last day."""
    keys = _settlement_keys(area_id).union_all(_payout_keys(area_id))
    return (
        sa.select(
            Posting.booked_on,
            Posting.kind,
            ACCOUNT_KIND.label("account_kind"),
            sa.func.sum(Entry.amount_cents).label("cents"),
        )
        .join(Posting, Posting.id == Entry.posting_id)
        .where(
            Entry.organisation_id == organisation_id,
            Posting.key.in_(keys),
            Posting.booked_on.between(first, last),
        )
        .group_by(Posting.booked_on, Posting.kind, ACCOUNT_KIND)
        .order_by(Posting.booked_on)
    )


def fund_total(organisation_id: int, area_id: int, last: date) -> sa.Select:
    """The sum of every entry on the funds of the area's collectives up to the last day."""
    accounts = sa.select(sa.literal("fund/collective/") + sa.cast(Collective.id, sa.String)).where(
        Collective.area_id == area_id
    )
    return (
        sa.select(sa.func.coalesce(sa.func.sum(Entry.amount_cents), 0))
        .join(Posting, Posting.id == Entry.posting_id)
        .where(
            Entry.organisation_id == organisation_id,
            Entry.account.in_(accounts),
            Posting.booked_on <= last,
        )
    )


# Subsidies and contests (issue 8's features, read only) ----------------------------------


def subsidy_schemes_for(organisation_id: int, area_id: int) -> sa.Select:
    """The organisation's schemes that cover the area: listed for it or one of its streets,
    or open to every location."""
    for_area = sa.select(scheme_areas.c.scheme_id).where(scheme_areas.c.area_id == area_id)
    for_street = (
        sa.select(scheme_streets.c.scheme_id)
        .join(Street, Street.id == scheme_streets.c.street_id)
        .where(Street.area_id == area_id)
    )
    restricted = sa.union(
        sa.select(scheme_areas.c.scheme_id), sa.select(scheme_streets.c.scheme_id)
    )
    return (
        sa.select(SubsidyScheme)
        .where(
            SubsidyScheme.organisation_id == organisation_id,
            sa.or_(
                SubsidyScheme.id.in_(for_area),
                SubsidyScheme.id.in_(for_street),
                SubsidyScheme.id.not_in(restricted),
            ),
        )
        .order_by(SubsidyScheme.name, SubsidyScheme.id)
    )


def contests_in_area(
    organisation_id: int, area_id: int, street: str | None, first: date, last: date
) -> sa.Select:
    """The organisation's contests (past their draft) for units of the area that ran in the
    period: entries opened before its end, the winner was due after its start."""
    with_units = (
        sa.select(contest_units.c.contest_id)
        .join(Unit, Unit.id == contest_units.c.unit_id)
        .where(_in_area(area_id, street))
    )
    return (
        sa.select(Contest)
        .where(
            Contest.organisation_id == organisation_id,
            Contest.status != ContestStatus.DRAFT,
            Contest.id.in_(with_units),
            Contest.entries_open_on <= last,
            Contest.winner_on >= first,
        )
        .order_by(Contest.winner_on, Contest.id)
    )


def contest_entry_counts(contest_ids: list[int]) -> sa.Select[int, EntryStatus, int]:
    """(contest, entry status, entries) of the contests."""
    return (
        sa.select(ContestEntry.contest_id, ContestEntry.status, sa.func.count())
        .where(ContestEntry.contest_id.in_(contest_ids))
        .group_by(ContestEntry.contest_id, ContestEntry.status)
    )


def contest_awards(contest_ids: list[int]) -> sa.Select:
    """(contest, winner's trade name, street, number, letter, addition, outcome) per award."""
    return (
        sa.select(
            Award.contest_id,
            ContestEntry.trade_name,
            Unit.street,
            Unit.house_number,
            Unit.house_letter,
            Unit.house_number_addition,
            Award.outcome,
        )
        .join(ContestEntry, ContestEntry.id == Award.entry_id)
        .join(Unit, Unit.id == Award.unit_id)
        .where(Award.contest_id.in_(contest_ids))
        .order_by(Award.contest_id, Award.id)
    )


# Street pages -------------------------------------------------------------------------------


def public_units_of_street(area_id: int, street: str) -> sa.Select:
    return (
        sa.select(Unit)
        .where(
            Unit.area_id == area_id,
            Unit.status.in_(PUBLIC_STATUSES),
            street_is(Unit.street, street),
        )
        .order_by(Unit.house_number, Unit.id)
    )


def new_starters_of_street(area_id: int, street: str, since: date, today: date) -> sa.Select:
    """Placements in the street that started since the date and run now, newest first."""
    return (
        sa.select(Placement)
        .join(Unit, Unit.id == Placement.unit_id)
        .where(
            _in_area(area_id, street),
            Placement.status == PlacementStatus.ACTIVE,
            Placement.start_date >= since,
            Placement.start_date <= today,
            Placement.end_date >= today,
        )
        .order_by(Placement.start_date.desc(), Placement.id.desc())
    )


#: Contest statuses in which a call still draws starters to the area (entries to the prize).
RUNNING_CONTESTS = (
    ContestStatus.OPEN,
    ContestStatus.CLOSED,
    ContestStatus.SHORTLISTED,
    ContestStatus.JUDGING,
    ContestStatus.JUDGED,
    ContestStatus.WINNER_ANNOUNCED,
    ContestStatus.RUNNING,
)
#: Subsidy applications that are neither drafts nor ended without money.
LIVE_APPLICATIONS = tuple(
    s
    for s in SubsidyStatus
    if s
    not in (
        SubsidyStatus.INTAKE,
        SubsidyStatus.DRAFT,
        SubsidyStatus.REJECTED,
        SubsidyStatus.WITHDRAWN,
    )
)


def carrot_counts(organisation_id: int, area_id: int) -> sa.Select[int, int, int]:
    """One row: the area's running contests, live subsidy applications of the schemes that
    cover it, and units in collective letting (an active or signed head lease)."""
    with_units = (
        sa.select(contest_units.c.contest_id)
        .join(Unit, Unit.id == contest_units.c.unit_id)
        .where(Unit.area_id == area_id)
    )
    contests = sa.select(sa.func.count()).where(
        Contest.organisation_id == organisation_id,
        Contest.status.in_(RUNNING_CONTESTS),
        Contest.id.in_(with_units),
    )
    schemes = subsidy_schemes_for(organisation_id, area_id).with_only_columns(SubsidyScheme.id)
    applications = sa.select(sa.func.count()).where(
        SubsidyApplication.scheme_id.in_(schemes.order_by(None)),
        SubsidyApplication.status.in_(LIVE_APPLICATIONS),
    )
    letting = (
        sa.select(sa.func.count(sa.distinct(HeadLease.unit_id)))
        .join(Unit, Unit.id == HeadLease.unit_id)
        .where(
            Unit.area_id == area_id,
            HeadLease.status.in_((HeadLeaseStatus.SIGNED, HeadLeaseStatus.ACTIVE)),
        )
    )
    return sa.select(
        contests.scalar_subquery(), applications.scalar_subquery(), letting.scalar_subquery()
    )
