"""What the contest pages share: the blueprint, the loaders that return a contest or entry
or refuse (404/403), the check of a button's form, and the helpers templates use."""

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from babel.numbers import format_decimal
from flask import Blueprint
from flask_login import current_user

from vrijstad.contests import display, queries, services
from vrijstad.contests.models import Contest, ContestEntry, Juror
from vrijstad.extensions import db
from vrijstad.i18n import current_language
from vrijstad.i18n import gettext as _
from vrijstad.loaders import load, owned
from vrijstad.starters.forms import branch_label
from vrijstad.units.models import Unit

bp = Blueprint("contests", __name__)


def get_visible_or_404(contest_id: int) -> Contest:
    """A published contest, or a draft of the current user's organisation."""
    return load(Contest, contest_id, services.can_view_contest)


def get_managed_or_403(contest_id: int) -> Contest:
    """A contest of the current user's organisation (or any, for platform admins)."""
    return owned(
        Contest,
        contest_id,
        services.can_manage_contest,
        _("Only the organisation's staff can do this."),
        visible=services.can_view_contest,
    )


def get_entry_or_404(entry_id: int) -> ContestEntry:
    """An entry the current user may read: their own, their organisation's, or a finalist of
    the contest they judge."""
    return load(ContestEntry, entry_id, services.can_see_entry)


def get_judged_or_404(entry_id: int) -> tuple[ContestEntry, Juror]:
    """A finalist of a contest the current user judges, with their place on its jury."""
    entry = load(
        ContestEntry,
        entry_id,
        lambda user, e: e.is_finalist and services.juror_of(user, e.contest) is not None,
    )
    juror = services.juror_of(current_user, entry.contest)
    assert juror is not None  # the loader checked it
    return entry, juror


def number(value: Fraction, places: int = 1) -> str:
    """An exact score as a decimal in the reader's language ('7,25' in Dutch)."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    rounded = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return format_decimal(rounded, format="0." + "0" * places, locale=current_language())


@bp.app_context_processor
def contest_helpers() -> dict[str, object]:
    def unit_contest(unit: Unit) -> Contest | None:
        return db.session.scalar(queries.contest_of_unit(unit.id))

    return {
        "contest_prize_label": display.prize_label,
        "contest_schedule_lines": display.schedule_lines,
        "contest_branch_label": branch_label,
        "unit_contest": unit_contest,
        "contest_number": number,
    }
