"""The vacancy dashboard: periods, live and recorded vacancy, the figures, snapshots, the
street pages and the home cards.

The dashboard only reads other features' data; it writes its own snapshots, street stories
and reference settings. A dashboard is a list of figure builders (``build.FIGURE_BUILDERS``),
one small function per figure, each beside the rows it reads (``vacancy_figures``, ``market``,
``money``).
"""

from vrijstad.clock import add_months, month_end, months_between
from vrijstad.dashboard.services.board import (
    Dashboard,
    address,
    check_street,
    dashboard_organisations,
    map_points,
    street_names,
)
from vrijstad.dashboard.services.build import TAB_BUILDERS, build_dashboard
from vrijstad.dashboard.services.home import (
    LandlordCard,
    StarterCard,
    TurnoverDue,
    home_cards,
    landlord_card,
    starter_card,
    turnover_due,
)
from vrijstad.dashboard.services.levers import Levers, levers_of
from vrijstad.dashboard.services.market import (
    branch_rows,
    funnel,
    latest_start,
    open_starter_counts,
    open_starters,
)
from vrijstad.dashboard.services.money import contest_rows, money_rows, subsidy_rows
from vrijstad.dashboard.services.periods import (
    DEFAULT_MONTHS,
    EARLIEST_YEAR,
    MAX_MONTHS,
    PAGE_LIST_LIMIT,
    DashboardError,
    Period,
    choose_period,
    parse_month,
)
from vrijstad.dashboard.services.references import (
    References,
    references_for,
    save_references,
    settings_of,
)
from vrijstad.dashboard.services.snapshots import (
    SnapshotRun,
    check_snapshot_period,
    snapshot_reference,
    take_snapshot,
    take_snapshots,
)
from vrijstad.dashboard.services.stock import (
    Stock,
    Vacancy,
    live_stock,
    percent,
    recorded_stock,
    stock_for,
)
from vrijstad.dashboard.services.streets import (
    AreaStreets,
    IndexedStreet,
    StreetPage,
    can_see_street_page,
    profile_of,
    published_street,
    save_story,
    story_of,
    street_index,
    street_page,
)
from vrijstad.dashboard.services.trend import VacancyTrend, trend_rows, vacancy_trend

__all__ = [
    "DEFAULT_MONTHS",
    "TAB_BUILDERS",
    "Levers",
    "levers_of",
    "Dashboard",
    "AreaStreets",
    "DashboardError",
    "EARLIEST_YEAR",
    "IndexedStreet",
    "LandlordCard",
    "MAX_MONTHS",
    "PAGE_LIST_LIMIT",
    "Period",
    "References",
    "SnapshotRun",
    "StarterCard",
    "Stock",
    "StreetPage",
    "TurnoverDue",
    "Vacancy",
    "VacancyTrend",
    "add_months",
    "address",
    "branch_rows",
    "build_dashboard",
    "can_see_street_page",
    "check_snapshot_period",
    "check_street",
    "choose_period",
    "contest_rows",
    "dashboard_organisations",
    "funnel",
    "home_cards",
    "landlord_card",
    "latest_start",
    "live_stock",
    "map_points",
    "money_rows",
    "month_end",
    "months_between",
    "open_starter_counts",
    "open_starters",
    "parse_month",
    "percent",
    "published_street",
    "recorded_stock",
    "references_for",
    "profile_of",
    "save_references",
    "save_story",
    "settings_of",
    "snapshot_reference",
    "starter_card",
    "stock_for",
    "story_of",
    "street_index",
    "street_names",
    "street_page",
    "subsidy_rows",
    "take_snapshot",
    "take_snapshots",
    "trend_rows",
    "turnover_due",
    "vacancy_trend",
]
