"""Money, subsidies and contests of an area, read from the ledger and the other features."""

from collections import defaultdict
from datetime import date

from vrijstad.areas.models import Area
from vrijstad.clock import month_start
from vrijstad.contests.models import FINALIST_STATUSES, RESULT_STATUSES, EntryStatus
from vrijstad.dashboard import queries
from vrijstad.dashboard.figures import Column, Figure, Kind
from vrijstad.dashboard.services.board import Dashboard, address
from vrijstad.dashboard.services.periods import Period
from vrijstad.dashboard.services.stock import percent
from vrijstad.extensions import db
from vrijstad.i18n import eur_filter
from vrijstad.i18n import gettext as _
from vrijstad.labels import label
from vrijstad.subsidies.services import budget_of


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


def money_figures(board: Dashboard) -> list[Figure]:
    """Revenue and payouts per month from the ledger, and the fund balance."""
    last_day = min(board.today, board.period.last_day)
    rows, fund = money_rows(board.area, board.period, last_day)
    totals = [sum(row[i] for row in rows) for i in range(1, 6)]
    columns = [
        Column(_("Month"), Kind.MONTH),
        Column(_("Collected revenue"), Kind.EUR),
        Column(_("Landlords' share"), Kind.EUR),
        Column(_("Organisation fee"), Kind.EUR),
        Column(_("To the fund"), Kind.EUR),
        Column(_("Paid out to landlords"), Kind.EUR),
    ]
    note = _(
        "Total: %(collected)s collected, %(paid)s paid out to landlords.",
        collected=eur_filter(totals[0]),
        paid=eur_filter(totals[4]),
    )
    return [
        Figure("money", _("Revenue and payouts"), columns, rows, note=note),
        Figure(
            "fund",
            _("Fund balance"),
            [Column(_("On"), Kind.DATE), Column(_("Fund balance"), Kind.EUR)],
            [[last_day, fund]],
        ),
    ]


def subsidies_figure(board: Dashboard) -> list[Figure]:
    """Each subsidy scheme covering the area against its ceiling."""
    columns = [
        Column(_("Scheme")),
        Column(_("Provider")),
        Column(_("Ceiling"), Kind.EUR),
        Column(_("Committed"), Kind.EUR),
        Column(_("Reserved"), Kind.EUR),
        Column(_("Paid"), Kind.EUR),
        Column(_("Still available"), Kind.EUR),
        Column(_("Committed of the ceiling"), Kind.PERCENT),
    ]
    note = _(
        "Committed: granted, or the final amount once settled. Reserved: asked by "
        "first-come applications awaiting a decision."
    )
    title = _("Subsidies against their ceilings")
    return [Figure("subsidies", title, columns, subsidy_rows(board.area), note=note)]


def contests_figure(board: Dashboard) -> list[Figure]:
    """The Win een winkel contests for the area's units and how they worked out."""
    columns = [
        Column(_("Contest")),
        Column(_("Status")),
        Column(_("Entries"), Kind.INT),
        Column(_("Finalists"), Kind.INT),
        Column(_("Winners")),
        Column(_("Outcome")),
        Column(_("Winner date"), Kind.DATE),
    ]
    rows = contest_rows(board.area, board.period, board.street)
    return [Figure("contests", _("Win een winkel: contest results"), columns, rows)]
