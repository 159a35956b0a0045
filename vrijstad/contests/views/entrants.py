"""The entrant's pages: entering and changing an entry, withdrawing it, reading it and its PDF."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from vrijstad.contests import services
from vrijstad.contests.forms import EntryForm
from vrijstad.contests.models import ContestEntry
from vrijstad.contests.services import ContestError
from vrijstad.contests.views.common import bp, get_entry_or_404, get_visible_or_404
from vrijstad.core import DomainError
from vrijstad.errors import refuse
from vrijstad.forms import ButtonForm
from vrijstad.i18n import gettext as _
from vrijstad.loaders import allow, owned
from vrijstad.starters.services import MAX_PLAN_BYTES, profile_of
from vrijstad.storage import get_storage
from vrijstad.web import attempt, check_button


def conflict(exc: DomainError) -> None:
    """Refuse with a 409 page that gives the reason."""
    refuse(409, str(exc))


def _plan_of(form: EntryForm) -> tuple[str, bytes] | None:
    """The uploaded business plan (a byte over the limit, for the service to refuse)."""
    upload = form.plan.data
    return (upload.filename, upload.read(MAX_PLAN_BYTES + 1)) if upload else None


@bp.route("/contests/<int:contest_id>/entry", methods=["GET", "POST"])
@login_required
def entry(contest_id: int):
    contest = get_visible_or_404(contest_id)
    allow(
        current_user.is_starter,
        _("Only starters can enter. Register a starter account to take part."),
    )
    mine = services.entry_of(current_user, contest)
    form = EntryForm()
    form.fill(contest)
    if not form.is_submitted():
        form.load(mine, profile_of(current_user))
    if form.validate_on_submit() and attempt(
        lambda: services.submit_entry(current_user, contest, form.entry_data(), _plan_of(form)),
        form,
        ContestError,
    ):
        flash(_("Your entry is in. Good luck!"), "success")
        return redirect(url_for("contests.entry", contest_id=contest.id))
    return render_template(
        "contests/entry.html",
        contest=contest,
        form=form,
        entry=mine,
        entries_open=services.entries_open(contest),
        button=ButtonForm(),
    ), (422 if form.is_submitted() else 200)


@bp.post("/contests/entries/<int:entry_id>/withdraw")
@login_required
def withdraw_entry(entry_id: int):
    entry = owned(
        ContestEntry,
        entry_id,
        lambda user, e: e.starter_id == user.id,
        _("Only the entrant can withdraw an entry."),
        visible=services.can_see_entry,
    )
    check_button()
    attempt(
        lambda: services.withdraw_entry(current_user, entry), refused=ContestError, show=conflict
    )
    flash(_("Your entry was withdrawn."), "success")
    return redirect(url_for("contests.detail", contest_id=entry.contest_id))


@bp.get("/contests/entries/<int:entry_id>")
@login_required
def entry_detail(entry_id: int):
    entry = get_entry_or_404(entry_id)
    return render_template(
        "contests/entry_detail.html",
        entry=entry,
        contest=entry.contest,
        can_manage=services.can_manage_contest(current_user, entry.contest),
    )


@bp.get("/contests/entries/<int:entry_id>/plan.pdf")
@login_required
def plan(entry_id: int):
    entry = get_entry_or_404(entry_id)
    if not entry.plan_key:
        abort(404)
    try:
        return get_storage().send(
            entry.plan_key, entry.plan_filename or "plan.pdf", "application/pdf", as_attachment=True
        )
    except FileNotFoundError:
        abort(404)
