"""The market around the vacancy: branch mix against the street profiles, the letting
funnel and the starters still looking."""

import statistics
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from vrijstad.areas.models import Area
from vrijstad.auth.models import User
from vrijstad.clock import add_months, month_end, month_start, months_between
from vrijstad.dashboard import queries
from vrijstad.dashboard.figures import Column, Figure, Kind
from vrijstad.dashboard.models import street_key
from vrijstad.dashboard.services.board import Dashboard
from vrijstad.dashboard.services.periods import PAGE_LIST_LIMIT, Period
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _
from vrijstad.letting.models import Placement
from vrijstad.matching import queries as matching_queries
from vrijstad.matching.models import branch_bit
from vrijstad.starters.forms import branch_label
from vrijstad.starters.models import BranchGroup, StarterProfile


def branch_rows(
    area: Area, street: str | None, reference: date, branches: dict[BranchGroup, str]
) -> list[list]:
    """Per street and branch group: starters placed now, against the street's profile."""
    occupants: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    names: dict[str, str] = {}
    for row in db.session.execute(matching_queries.current_occupants([area.id], reference)):
        street_name, group, n = row[1], row[2], row[3]
        if group is None:  # a placement whose starter has no branch: not in the mix
            continue
        occupants[street_key(street_name)][BranchGroup(group)] += n
        names.setdefault(street_key(street_name), street_name.strip())
    masks = {row.street_id: row for row in db.session.execute(queries.profiles_of_area(area.id))}
    profiles = {street_key(s.name): (s.name, masks.get(s.id)) for s in area.streets}
    keys = sorted(set(occupants) | set(profiles))
    if street is not None:
        keys = [k for k in keys if k == street_key(street)]
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


def open_starters_query(area: Area, reference: date) -> sa.Select:
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
    counts = open_starters_query(area, reference).with_only_columns(
        sa.func.count(),
        sa.func.coalesce(sa.func.sum(sa.case((StarterProfile.created_at < year, 1), else_=0)), 0),
    )
    row = db.session.execute(counts).one()
    return int(row[0]), int(row[1])


def open_starters(area: Area, reference: date) -> list[sa.Row]:
    """(trade name, name, branch group, profile made at) of those starters, longest first."""
    query = (
        open_starters_query(area, reference)
        .with_only_columns(
            StarterProfile.trade_name,
            User.name,
            StarterProfile.branch_group,
            StarterProfile.created_at,
        )
        .order_by(StarterProfile.created_at, StarterProfile.id)
    )
    return list(db.session.execute(query))


def branches_figure(board: Dashboard) -> list[Figure]:
    """Starters placed per street and branch group, against the street's profile."""
    branches = {group: branch_label(group) for group in BranchGroup}
    columns = [
        Column(_("Street")),
        Column(_("Branch group")),
        Column(_("Starters placed"), Kind.INT),
        Column(_("Street profile")),
        Column(_("Remark")),
    ]
    rows = branch_rows(board.area, board.street, board.reference, branches)
    return [Figure("branches", _("Branch mix against the street profile"), columns, rows)]


def funnel_figures(board: Dashboard) -> list[Figure]:
    """The letting funnel, and the days from listing to placement."""
    stages, days = funnel(board.area, board.period, board.street)
    return [
        Figure(
            "funnel",
            _("Letting funnel"),
            [Column(_("Stage")), Column(_("Count"), Kind.INT)],
            stages,
        ),
        Figure(
            "days_to_let",
            _("Days from listing to placement"),
            [Column(_("Placements"), Kind.INT), Column(_("Median days"), Kind.INT)],
            days,
        ),
    ]


def starters_figures(board: Dashboard) -> list[Figure]:
    """How many starters are still looking, and who (a long list only for a download)."""
    reference = board.reference
    six, twelve = open_starter_counts(board.area, reference)
    listed = board.lists or six <= PAGE_LIST_LIMIT
    waiting = open_starters(board.area, reference) if listed else []
    branches = {group: branch_label(group) for group in BranchGroup}
    rows = [
        [
            w.trade_name or w.name,
            branches.get(w.branch_group),
            w.created_at.date(),
            months_between(w.created_at.date(), reference),
        ]
        for w in waiting
    ]
    return [
        Figure(
            "starters_open",
            _("Starters still looking"),
            [Column(_("Looking for at least")), Column(_("Starters"), Kind.INT)],
            [[_("6 months"), six], [_("12 months"), twelve]],
        ),
        Figure(
            "starters_list",
            _("Starters looking for 6 months or more"),
            [
                Column(_("Starter")),
                Column(_("Branch group")),
                Column(_("Profile since"), Kind.DATE),
                Column(_("Months looking"), Kind.INT),
            ],
            rows,
            on_page=six <= PAGE_LIST_LIMIT,
            size=six,
        ),
    ]
