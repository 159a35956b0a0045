"""The staff's contest desk: draft and edit the call, move it along, shortlist, invite the
jury, announce the winner and evaluate the prize."""

from collections import Counter

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from vrijstad.contests import display, queries, services
from vrijstad.contests.forms import (
    AnnounceForm,
    CancelForm,
    CloseJudgingForm,
    ContestForm,
    DeadlineForm,
    ErratumForm,
    EvaluationForm,
    JurorForm,
    ShortlistForm,
)
from vrijstad.contests.models import Award, Contest, ContestStatus, EntryStatus
from vrijstad.contests.services import ContestError
from vrijstad.contests.views.common import bp, get_managed_or_403
from vrijstad.errors import refuse
from vrijstad.extensions import db
from vrijstad.forms import ButtonForm
from vrijstad.i18n import gettext as _
from vrijstad.loaders import owned
from vrijstad.organisations.models import Organisation
from vrijstad.organisations.services import can_manage
from vrijstad.units.models import Unit, UnitStatus
from vrijstad.web import attempt, button_action


def _unit_choices(organisation: Organisation, contest: Contest | None = None) -> list[Unit]:
    area_ids = [area.id for area in organisation.areas]
    held = {u.id for u in contest.units} if contest else set()
    units = db.session.scalars(
        db.select(Unit)
        .where(Unit.area_id.in_(area_ids))
        .order_by(Unit.city, Unit.street, Unit.house_number)
    ).all()
    return [
        u for u in units if u.id in held or u.status in (UnitStatus.LISTED, UnitStatus.IN_TALKS)
    ]


@bp.route("/organisations/<int:organisation_id>/contests/new", methods=["GET", "POST"])
@login_required
def create(organisation_id: int):
    organisation = owned(
        Organisation,
        organisation_id,
        lambda user, o: can_manage(user, o.id),
        _("Only the organisation's staff can do this."),
    )
    form = ContestForm()
    form.fill(_unit_choices(organisation), new=True)
    if form.validate_on_submit():
        done = attempt(
            lambda: services.create_contest(current_user, organisation, form.contest_data()),
            form,
            ContestError,
        )
        if done.value is not None:
            flash(_("The contest is saved as a draft. Open it when the call is ready."), "success")
            return to_desk(done.value)
    return render_template(
        "contests/form.html", form=form, organisation=organisation, contest=None
    ), (422 if form.is_submitted() else 200)


@bp.route("/contests/<int:contest_id>/edit", methods=["GET", "POST"])
@login_required
def edit(contest_id: int):
    contest = get_managed_or_403(contest_id)
    if contest.status != ContestStatus.DRAFT:
        flash(_("Only a draft can be changed: the call has been published."), "error")
        return to_desk(contest)
    form = ContestForm()
    form.fill(_unit_choices(contest.organisation, contest))
    if not form.is_submitted():
        form.load(contest)
    if form.validate_on_submit() and attempt(
        lambda: services.update_contest(current_user, contest, form.contest_data()),
        form,
        ContestError,
    ):
        flash(_("The draft is saved."), "success")
        return to_desk(contest)
    return render_template(
        "contests/form.html", form=form, organisation=contest.organisation, contest=contest
    ), (422 if form.is_submitted() else 200)


def _manage_context(contest: Contest, **forms) -> dict:
    entries = db.session.scalars(queries.entries(contest)).all()
    finalists = services.finalists_of(contest)
    visible = services.scores_visible(contest)
    ranking = services.ranking(contest) if visible else []
    shortlist_form = forms.get("shortlist_form") or ShortlistForm(formdata=None)
    shortlist_form.finalists.choices = [
        (e.id, e.trade_name) for e in entries if e.status == EntryStatus.SUBMITTED
    ]
    announce_form = forms.get("announce_form") or AnnounceForm(formdata=None)
    announce_form.fill(
        contest.units, [e for e in finalists if e.status == EntryStatus.FINALIST], ranking
    )
    closed = services.vote_has_closed(contest)
    return {
        "contest": contest,
        "entries": entries,
        "finalists": finalists,
        "by_id": {e.id: e for e in entries},
        "phases": display.phases(contest),
        "scored": Counter(
            juror_id for juror_id, _entry in db.session.execute(queries.scored_pairs(contest))
        ),
        "conflicts": db.session.execute(queries.conflicts(contest)).all(),
        "scores_visible": visible,
        "scores": db.session.execute(queries.all_scores(contest)).all() if visible else [],
        "ranking": ranking,
        "votes": services.vote_counts(contest) if closed else {},
        "vote_closed": closed,
        "button": ButtonForm(),
        "cancel_form": forms.get("cancel_form") or CancelForm(formdata=None),
        "shortlist_form": shortlist_form,
        "juror_form": forms.get("juror_form") or JurorForm(formdata=None),
        "announce_form": announce_form,
        "evaluation_forms": {
            award.id: forms.get("evaluation_form")
            if forms.get("evaluated_award") == award.id
            else EvaluationForm(formdata=None, prefix=f"award{award.id}")
            for award in contest.awards
        },
        "prize_ends_on": services.prize_ends_on(contest),
        "ready": services.readiness(contest),
        "unscored": services.unscored(contest) if contest.status == ContestStatus.JUDGING else [],
        "close_judging_form": forms.get("close_judging_form") or CloseJudgingForm(formdata=None),
        "erratum_form": forms.get("erratum_form") or ErratumForm(formdata=None),
        "deadline_form": forms.get("deadline_form") or DeadlineForm(formdata=None),
    }


@bp.get("/contests/<int:contest_id>/manage")
@login_required
def manage(contest_id: int):
    contest = get_managed_or_403(contest_id)
    return render_template("contests/manage.html", **_manage_context(contest))


def desk_page(contest: Contest, status: int, **forms):
    """Show the desk again, with the form that failed or the refusal that was flashed."""
    return render_template("contests/manage.html", **_manage_context(contest, **forms)), status


def to_desk(contest: Contest, anchor: str | None = None):
    return redirect(url_for("contests.manage", contest_id=contest.id, _anchor=anchor))


#: The desk's buttons that move a contest along, each with its service.
TRANSITIONS = {
    "open": services.open_contest,
    "close": services.close_entries,
    "judge": services.start_judging,
    "start": services.start_prize_period,
}


def transition_message(action: str) -> str:
    return {
        "open": _("The call is open: starters can enter now."),
        "close": _("Entries are closed. Choose the finalists."),
        "judge": _("The jury can score the finalists now."),
        "close-judging": _("Judging is closed; the jury and you see every score now."),
        "start": _("The prize period is running."),
    }[action]


@bp.post("/contests/<int:contest_id>/status/<action>")
@login_required
def transition(contest_id: int, action: str):
    contest = get_managed_or_403(contest_id)
    if action == "cancel":
        return _cancel(contest)
    if action == "close-judging":
        return _close_judging(contest)
    if action not in TRANSITIONS:
        abort(404)
    move = TRANSITIONS[action]
    if not button_action(
        lambda: move(current_user, contest), transition_message(action), ContestError
    ):
        return desk_page(contest, 409)
    return to_desk(contest)


def _close_judging(contest: Contest):
    """Close judging; with finalists left unscored only when "close anyway" is ticked."""
    form = CloseJudgingForm()
    if not form.validate_on_submit():
        refuse(400, _("Your form has expired. Reload the page and try again."))
    if not attempt(
        lambda: services.close_judging(current_user, contest, bool(form.confirm.data)),
        form,
        ContestError,
    ):
        return desk_page(contest, 409, close_judging_form=form)
    flash(transition_message("close-judging"), "success")
    return to_desk(contest)


def _cancel(contest: Contest):
    form = CancelForm()
    if not form.validate_on_submit():
        return desk_page(contest, 422, cancel_form=form)
    if not attempt(
        lambda: services.cancel_contest(current_user, contest, form.reason.data),
        refused=ContestError,
    ):
        return desk_page(contest, 409, cancel_form=form)
    flash(_("The contest is cancelled; the entrants have been told."), "success")
    return to_desk(contest)


@bp.post("/contests/<int:contest_id>/shortlist")
@login_required
def shortlist(contest_id: int):
    contest = get_managed_or_403(contest_id)
    form = ShortlistForm()
    form.finalists.choices = [(e.id, e.trade_name) for e in contest.entries]
    if not form.validate_on_submit():
        return desk_page(contest, 422, shortlist_form=form)
    if not attempt(
        lambda: services.shortlist(current_user, contest, form.finalists.data or []),
        refused=ContestError,
    ):
        return desk_page(contest, 422, shortlist_form=form)
    flash(_("The finalists are chosen and every entrant has been told."), "success")
    return to_desk(contest)


@bp.post("/contests/<int:contest_id>/jurors")
@login_required
def invite_juror(contest_id: int):
    contest = get_managed_or_403(contest_id)
    form = JurorForm()
    if form.validate_on_submit() and attempt(
        lambda: services.invite_juror(current_user, contest, form.email.data, form.name.data),
        form,
        ContestError,
    ):
        flash(_("Invitation sent to %(email)s.", email=form.email.data), "success")
        return to_desk(contest, "jury")
    return desk_page(contest, 422, juror_form=form)


@bp.post("/contests/<int:contest_id>/announce")
@login_required
def announce(contest_id: int):
    contest = get_managed_or_403(contest_id)
    form = AnnounceForm()
    finalists = [e for e in services.finalists_of(contest) if e.status == EntryStatus.FINALIST]
    form.fill(contest.units, finalists, [])
    if form.validate_on_submit() and attempt(
        lambda: services.announce_winners(current_user, contest, form.choice_map(contest.units)),
        refused=ContestError,
    ):
        flash(
            _("The winner is announced: the placement is made and every entrant has been told."),
            "success",
        )
        return to_desk(contest)
    return desk_page(contest, 422, announce_form=form)


@bp.post("/contests/awards/<int:award_id>/evaluate")
@login_required
def evaluate(award_id: int):
    award = db.get_or_404(Award, award_id)
    contest = get_managed_or_403(award.contest_id)
    form = EvaluationForm(prefix=f"award{award.id}")
    if form.validate_on_submit() and attempt(
        lambda: services.evaluate_award(current_user, award, form.outcome.data, form.note.data),
        refused=ContestError,
    ):
        flash(_("The evaluation is recorded."), "success")
        return to_desk(contest, "evaluation")
    return desk_page(contest, 422, evaluation_form=form, evaluated_award=award.id)
