"""The jury's pages: accepting the invitation, scoring finalists, declaring a conflict."""

from flask import flash, redirect, render_template, session, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from vrijstad.auth.services import AccountError
from vrijstad.contests import queries, services
from vrijstad.contests.forms import ConflictForm, ScoreForm
from vrijstad.contests.models import Contest, ContestEntry, Juror
from vrijstad.contests.services import ContestError
from vrijstad.contests.views.common import bp, get_judged_or_404, get_visible_or_404
from vrijstad.extensions import db
from vrijstad.htmx import render_page
from vrijstad.i18n import gettext as _
from vrijstad.invitations import accept_signed_invitation
from vrijstad.loaders import allow
from vrijstad.web import attempt, is_htmx


@bp.route("/contests/jury/<token>", methods=["GET", "POST"])
def jury_invitation(token: str):
    return accept_signed_invitation(
        token,
        services.juror_for_token,
        lambda juror, user, name, password: services.accept_jury_invitation(
            juror, user, name=name, password=password, locale=session.get("locale", "nl")
        ),
        lambda juror, user: (
            user,
            _("Welcome to the jury of %(contest)s.", contest=juror.contest.title),
            url_for("contests.jury", contest_id=juror.contest_id),
        ),
        "contests/jury_invitation.html",
        context=lambda juror: {"juror": juror},
        refused=(AccountError, ContestError),
    )


def _finalist_context(entry: ContestEntry, juror, **forms) -> dict:
    contest = entry.contest
    criteria = contest.criteria
    score_form = forms.get("score_form") or ScoreForm(formdata=None, prefix=f"e{entry.id}")
    score_form.fill(criteria)
    mine = {c: s for e, c, s in db.session.execute(queries.scores_of_juror(juror)) if e == entry.id}
    return {
        "contest": contest,
        "entry": entry,
        "juror": juror,
        "my_scores": mine,
        "conflict": services.conflict_of(juror, entry),
        "score_form": score_form,
        "conflict_form": forms.get("conflict_form")
        or ConflictForm(formdata=None, prefix=f"c{entry.id}"),
    }


def _jury_context(contest: Contest, juror, entry_id: int | None = None, **forms) -> dict:
    """The jury page; a form that failed is passed in for its finalist's card."""
    visible = services.scores_visible(contest)
    return {
        "contest": contest,
        "juror": juror,
        "cards": [
            _finalist_context(e, juror, **(forms if e.id == entry_id else {}))
            for e in services.finalists_of(contest)
        ],
        "scores_visible": visible,
        "scores": db.session.execute(queries.all_scores(contest)).all() if visible else [],
        "ranking": services.ranking(contest) if visible else [],
        "by_id": {e.id: e for e in contest.entries},
        "vote_closed": services.vote_has_closed(contest),
    }


@bp.get("/contests/<int:contest_id>/jury")
@login_required
def jury(contest_id: int):
    contest = get_visible_or_404(contest_id)
    juror = services.juror_of(current_user, contest)
    allow(juror is not None, _("This page is for the contest's jury."))
    return render_template("contests/jury.html", **_jury_context(contest, juror))


def _judge(entry: ContestEntry, juror: Juror, form: FlaskForm, action, success: str):
    """Score a finalist or declare a conflict; htmx swaps the finalist's card in place."""
    name = "score_form" if isinstance(form, ScoreForm) else "conflict_form"
    if form.validate_on_submit() and attempt(lambda: action(form), form, ContestError):
        flash(success, "success")
        if not is_htmx():
            anchor = f"finalist-{entry.id}"
            return redirect(url_for("contests.jury", contest_id=entry.contest_id, _anchor=anchor))
        forms, status = {}, 200
    else:
        forms, status = {name: form}, 422
    context = _jury_context(entry.contest, juror, entry.id, **forms) | _finalist_context(
        entry, juror, **forms
    )
    return render_page("contests/jury.html", "contests/_finalist.html", status=status, **context)


@bp.post("/contests/entries/<int:entry_id>/score")
@login_required
def score(entry_id: int):
    entry, juror = get_judged_or_404(entry_id)
    form = ScoreForm(prefix=f"e{entry.id}")
    form.fill(entry.contest.criteria)
    return _judge(
        entry,
        juror,
        form,
        lambda form: services.score_entry(
            current_user, entry, form.score_map(entry.contest.criteria)
        ),
        _("Your scores are saved."),
    )


@bp.post("/contests/entries/<int:entry_id>/conflict")
@login_required
def conflict(entry_id: int):
    entry, juror = get_judged_or_404(entry_id)
    return _judge(
        entry,
        juror,
        ConflictForm(prefix=f"c{entry.id}"),
        lambda form: services.declare_conflict(current_user, entry, form.note.data),
        _("Your conflict of interest is recorded; you do not score this finalist."),
    )
