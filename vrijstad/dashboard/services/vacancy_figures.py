"""The vacancy figures of a dashboard: the headline rates, the monthly trend, the streets,
vacancy by duration and the structural cases. One builder per figure."""

from vrijstad.dashboard import queries
from vrijstad.dashboard.figures import Column, Figure, Kind
from vrijstad.dashboard.models import street_key
from vrijstad.dashboard.services.board import Dashboard, address
from vrijstad.dashboard.services.trend import trend_rows
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _
from vrijstad.labels import label
from vrijstad.units.models import VacancyClass


def headline_figure(board: Dashboard) -> list[Figure]:
    """Vacancy by count and floor area against the national and healthy references."""
    vacancy, refs = board.vacancy, board.references
    columns = [
        Column(_("Measure")),
        Column(_("This area"), Kind.PERCENT),
        Column(_("National reference"), Kind.PERCENT),
        Column(_("Healthy at most"), Kind.PERCENT),
    ]
    rows = [
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
    ]
    return [Figure("headline", _("Vacancy"), columns, rows)]


def trend_figure(board: Dashboard) -> list[Figure]:
    """Vacancy month by month; the months without a snapshot are noted on the board."""
    rows, board.missing_months = trend_rows(
        board.area, board.period, board.street, board.today, board.stock
    )
    columns = [
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
    ]
    return [Figure("trend", _("Vacancy by month"), columns, rows)]


def streets_figure(board: Dashboard) -> list[Figure]:
    """Vacancy per street (only the chosen street when the board is filtered)."""
    streets = []
    if board.stock is not None:
        street = board.street
        streets = [
            s
            for s in board.stock.streets
            if street is None or street_key(s.street) == street_key(street)
        ]
    columns = [
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
    ]
    rows = [
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
    ]
    return [Figure("streets", _("Vacancy per street"), columns, rows)]


def durations_figure(board: Dashboard) -> list[Figure]:
    """Vacant units and floor area by how long they have been vacant."""
    vacancy = board.vacancy
    columns = [
        Column(_("Duration")),
        Column(_("Units"), Kind.INT),
        Column(_("Floor area (m²)"), Kind.INT),
    ]
    rows = (
        []
        if vacancy is None
        else [
            [label(VacancyClass.FRICTIONAL), vacancy.frictional_units, vacancy.frictional_m2],
            [label(VacancyClass.LONG_TERM), vacancy.long_term_units, vacancy.long_term_m2],
            [label(VacancyClass.STRUCTURAL), vacancy.structural_units, vacancy.structural_m2],
        ]
    )
    return [Figure("durations", _("Vacancy by duration"), columns, rows)]


def structural_figure(board: Dashboard) -> list[Figure]:
    """The units vacant for over three years (kept for the current month only)."""
    stock, reference = board.stock, board.reference
    structural = []
    if stock is not None and stock.live:
        structural = list(
            db.session.execute(queries.structural_units(board.area.id, reference, board.street))
        )
    board.structural_ids = [u.id for u in structural]
    columns = [
        Column(_("Address")),
        Column(_("Vacant since"), Kind.DATE),
        Column(_("Days vacant"), Kind.INT),
        Column(_("Floor area (m²)"), Kind.INT),
    ]
    rows = [
        [address(u), u.vacant_since, (reference - u.vacant_since).days, u.floor_area_vvo]
        for u in structural
    ]
    note = (
        ""
        if stock is None or stock.live
        else _("The list of cases is kept for the current month only.")
    )
    title = _("Structural vacancy (over three years)")
    return [Figure("structural", title, columns, rows, note=note)]
