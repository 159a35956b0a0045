"""The public pages of a contest: the list, the call itself, and the public vote with its
confirmation link."""

import ipaddress

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user

from vrijstad.contests import display, queries, services
from vrijstad.contests.forms import VoteForm
from vrijstad.contests.models import RESULT_STATUSES, Contest, ContestEntry, ContestStatus
from vrijstad.contests.services import ContestError
from vrijstad.contests.views.common import bp, get_visible_or_404
from vrijstad.extensions import db, limiter
from vrijstad.forms import ButtonForm, requested_page
from vrijstad.i18n import gettext as _
from vrijstad.organisations.services import organisations_of
from vrijstad.web import attempt, silent


@bp.get("/contests")
def index():
    page = db.paginate(queries.public_contests(), page=requested_page(), per_page=20)
    mine = {"managed": [], "entries": [], "jury": [], "organisations": []}
    if current_user.is_authenticated:
        mine = {
            "managed": db.session.scalars(queries.managed_contests(current_user)).all(),
            "entries": db.session.scalars(queries.entries_of_starter(current_user)).all(),
            "jury": db.session.scalars(queries.jury_places(current_user)).all(),
            "organisations": organisations_of(current_user),
        }
    return render_template("contests/index.html", page=page, **mine)


def _detail_context(contest: Contest, vote_form: VoteForm | None = None) -> dict:
    finalists = services.finalists_of(contest)
    form = vote_form or VoteForm(formdata=None)
    form.entry.choices = [(e.id, e.trade_name) for e in finalists]
    closed = services.vote_has_closed(contest)
    return {
        "contest": contest,
        "phases": display.phases(contest),
        "finalists": finalists if contest.status not in (ContestStatus.DRAFT,) else [],
        "my_entry": services.entry_of(current_user, contest),
        "can_manage": services.can_manage_contest(current_user, contest),
        "juror": services.juror_of(current_user, contest),
        "entries_open": services.entries_open(contest),
        "vote_open": services.vote_is_open(contest),
        "vote_closed": closed,
        "votes": services.vote_counts(contest) if closed else {},
        "vote_form": form,
        "awards": contest.awards if contest.status in RESULT_STATUSES else [],
    }


@bp.get("/contests/<int:contest_id>")
def detail(contest_id: int):
    contest = get_visible_or_404(contest_id)
    return render_template("contests/detail.html", **_detail_context(contest))


def _vote_limit() -> str:
    return current_app.config["VOTE_RATE_LIMIT"]


def _vote_key() -> str:
    """Votes are limited per contest and client network, not per address: one household or
    office hands out many addresses from one IPv4 /24 or IPv6 /64."""
    address = get_remote_address()
    try:
        ip = ipaddress.ip_address(address)
        network = str(ipaddress.ip_network((ip, 24 if ip.version == 4 else 64), strict=False))
    except ValueError:
        network = address
    return f"vote:{(request.view_args or {}).get('contest_id')}:{network}"


@bp.post("/contests/<int:contest_id>/vote")
@limiter.limit(_vote_limit, key_func=_vote_key)
def vote(contest_id: int):
    contest = get_visible_or_404(contest_id)
    form = VoteForm()
    form.entry.choices = [(e.id, e.trade_name) for e in services.finalists_of(contest)]
    if form.validate_on_submit():
        entry = db.get_or_404(ContestEntry, form.entry.data)
        if attempt(
            lambda: services.request_vote(contest, entry, form.email.data), form, ContestError
        ):
            flash(
                _(
                    "We e-mailed a link to %(email)s. Your vote counts once you confirm it.",
                    email=form.email.data,
                ),
                "success",
            )
            return redirect(url_for("contests.detail", contest_id=contest.id, _anchor="vote"))
    return render_template("contests/detail.html", **_detail_context(contest, vote_form=form)), 422


@bp.route("/contests/votes/<token>", methods=["GET", "POST"])
def confirm_vote(token: str):
    try:
        vote = services.vote_for_token(token)
    except services.ContestError as exc:
        return render_template("contests/vote_confirm.html", message=str(exc)), 410
    entry = db.session.get_one(ContestEntry, vote.entry_id)
    form = ButtonForm()
    if form.validate_on_submit():
        done = attempt(lambda: services.confirm_vote(token), refused=ContestError, show=silent)
        if done.error:
            return render_template("contests/vote_confirm.html", message=str(done.error)), 409
        flash(_("Thank you: your vote for %(name)s counts.", name=entry.trade_name), "success")
        return redirect(url_for("contests.detail", contest_id=entry.contest_id))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "contests/vote_confirm.html", vote=vote, entry=entry, form=form, contest=entry.contest
    ), status
