"""The dashboard as a list of figure builders: each reads the board's area, period and street
and returns its figures (a few aggregate queries each), in the order the page shows them."""

from collections.abc import Callable
from datetime import date

from vrijstad.areas.models import Area
from vrijstad.dashboard.figures import Figure
from vrijstad.dashboard.services.board import Dashboard
from vrijstad.dashboard.services.market import branches_figure, funnel_figures, starters_figures
from vrijstad.dashboard.services.money import contests_figure, money_figures, subsidies_figure
from vrijstad.dashboard.services.periods import Period
from vrijstad.dashboard.services.references import references_for
from vrijstad.dashboard.services.stock import stock_for
from vrijstad.dashboard.services.vacancy_figures import (
    durations_figure,
    headline_figure,
    streets_figure,
    structural_figure,
    trend_figure,
)

FigureBuilder = Callable[[Dashboard], list[Figure]]

FIGURE_BUILDERS: tuple[FigureBuilder, ...] = (
    headline_figure,
    trend_figure,
    streets_figure,
    durations_figure,
    structural_figure,
    branches_figure,
    funnel_figures,
    starters_figures,
    money_figures,
    subsidies_figure,
    contests_figure,
)

#: The dashboard's tabs and the figures each shows (the overview: the key figures).
TAB_BUILDERS: dict[str, tuple[FigureBuilder, ...]] = {
    "overview": (headline_figure,),
    "vacancy": (trend_figure, streets_figure, durations_figure, structural_figure),
    "letting": (branches_figure, funnel_figures, starters_figures),
    "money": (money_figures,),
    "subsidies": (subsidies_figure,),
    "contests": (contests_figure,),
}


def build_dashboard(
    area: Area,
    period: Period,
    street: str | None,
    today: date,
    lists: bool = False,
    builders: tuple[FigureBuilder, ...] = FIGURE_BUILDERS,
) -> Dashboard:
    """Compute the figures of ``builders`` (every figure of the dashboard by default); with
    lists, also the long lists the page only counts (for a download)."""
    stock = stock_for(area, period, today)
    reference = stock.reference_date if stock else min(today, period.last_day)
    board = Dashboard(
        area,
        period,
        street,
        stock,
        references_for(area.organisation_id),
        reference=reference,
        today=today,
        lists=lists,
    )
    for builder in builders:
        for figure in builder(board):
            board.figures[figure.key] = figure
    return board
