"""Win een winkel: the public contest pages, entering, the staff's contest desk, the jury's
scoring page, the public vote and its confirmation."""

import ipaddress
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from babel.numbers import format_decimal
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user

from vrijstad.auth.services import AccountError
from vrijstad.contests import queries, services
from vrijstad.contests.forms import (
    AnnounceForm,
    CancelForm,
    ConflictForm,
    ContestForm,
    EntryForm,
    EvaluationForm,
    JurorForm,
    ScoreForm,
    ShortlistForm,
    VoteForm,
)
from vrijstad.contests.models import (
    RESULT_STATUSES,
    Award,
    Contest,
    ContestEntry,
    ContestStatus,
    EntryStatus,
    Juror,
)
from vrijstad.errors import refuse
from vrijstad.extensions import db, limiter
from vrijstad.forms import ButtonForm, requested_page
from vrijstad.htmx import render_page
from vrijstad.i18n import current_language
from vrijstad.i18n import gettext as _
from vrijstad.organisations.forms import AcceptInvitationForm
from vrijstad.organisations.models import Organisation
from vrijstad.organisations.services import can_manage, organisations_of
from vrijstad.starters.forms import branch_label
from vrijstad.starters.services import MAX_PLAN_BYTES, profile_of
from vrijstad.storage import get_storage
from vrijstad.units.models import Unit, UnitStatus

bp = Blueprint("contests", __name__)


def get_visible_or_404(contest_id: int) -> Contest:
    """A published contest, or a draft of the current user's organisation."""
    contest = db.get_or_404(Contest, contest_id)
    if not services.can_view_contest(current_user, contest):
        abort(404)
    return contest


def get_managed_or_403(contest_id: int) -> Contest:
    """A contest of the current user's organisation (or any, for platform admins)."""
    contest = get_visible_or_404(contest_id)
    if not services.can_manage_contest(current_user, contest):
        refuse(403, _("Only the organisation's staff can do this."))
    return contest


def get_entry_or_404(entry_id: int) -> ContestEntry:
    """An entry the current user may read: their own, their organisation's, or a finalist of
    the contest they judge."""
    entry = db.get_or_404(ContestEntry, entry_id)
    if not services.can_see_entry(current_user, entry):
        abort(404)
    return entry


def get_judged_or_404(entry_id: int) -> tuple[ContestEntry, Juror]:
    """A finalist of a contest the current user judges, with their place on its jury."""
    entry = db.get_or_404(ContestEntry, entry_id)
    juror = services.juror_of(current_user, entry.contest)
    if juror is None or not entry.is_finalist:
        abort(404)
    return entry, juror


def _field_error(form, exc: services.ContestError) -> None:
    target = exc.field if exc.field and exc.field in form else None
    if target:
        form[target].errors = [*form[target].errors, str(exc)]
    else:
        form.form_errors.append(str(exc))


def _check_button() -> None:
    if not ButtonForm().validate_on_submit():
        refuse(400, _("Your form has expired. Reload the page and try again."))


# Public pages ------------------------------------------------------------------------------


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
        "phases": services.phases(contest),
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
    return f"vote:{request.view_args.get('contest_id')}:{network}"


@bp.post("/contests/<int:contest_id>/vote")
@limiter.limit(_vote_limit, key_func=_vote_key)
def vote(contest_id: int):
    contest = get_visible_or_404(contest_id)
    form = VoteForm()
    form.entry.choices = [(e.id, e.trade_name) for e in services.finalists_of(contest)]
    if form.validate_on_submit():
        entry = db.session.get(ContestEntry, form.entry.data)
        try:
            services.request_vote(contest, entry, form.email.data)
        except services.ContestError as exc:
            db.session.rollback()
            _field_error(form, exc)
        else:
            db.session.commit()
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
    entry = db.session.get(ContestEntry, vote.entry_id)
    form = ButtonForm()
    if form.validate_on_submit():
        try:
            services.confirm_vote(token)
        except services.ContestError as exc:
            db.session.rollback()
            return render_template("contests/vote_confirm.html", message=str(exc)), 409
        db.session.commit()
        flash(_("Thank you: your vote for %(name)s counts.", name=entry.trade_name), "success")
        return redirect(url_for("contests.detail", contest_id=entry.contest_id))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "contests/vote_confirm.html", vote=vote, entry=entry, form=form, contest=entry.contest
    ), status


# Entering ----------------------------------------------------------------------------------


@bp.route("/contests/<int:contest_id>/entry", methods=["GET", "POST"])
@login_required
def entry(contest_id: int):
    contest = get_visible_or_404(contest_id)
    if not current_user.is_starter:
        refuse(403, _("Only starters can enter. Register a starter account to take part."))
    mine = services.entry_of(current_user, contest)
    form = EntryForm()
    form.fill(contest)
    if not form.is_submitted():
        form.load(mine, profile_of(current_user))
    if form.validate_on_submit():
        upload = form.plan.data
        plan = (upload.filename, upload.read(MAX_PLAN_BYTES + 1)) if upload else None
        try:
            mine = services.submit_entry(current_user, contest, form.entry_data(), plan)
        except services.ContestError as exc:
            db.session.rollback()
            _field_error(form, exc)
        else:
            db.session.commit()
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
    entry = get_entry_or_404(entry_id)
    if entry.starter_id != current_user.id:
        refuse(403, _("Only the entrant can withdraw an entry."))
    _check_button()
    try:
        services.withdraw_entry(current_user, entry)
    except services.ContestError as exc:
        db.session.rollback()
        refuse(409, str(exc))
    db.session.commit()
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


# The staff's contest desk ------------------------------------------------------------------


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
    organisation = db.get_or_404(Organisation, organisation_id)
    if not can_manage(current_user, organisation.id):
        refuse(403, _("Only the organisation's staff can do this."))
    form = ContestForm()
    form.fill(_unit_choices(organisation), new=True)
    if form.validate_on_submit():
        try:
            contest = services.create_contest(current_user, organisation, form.contest_data())
        except services.ContestError as exc:
            db.session.rollback()
            _field_error(form, exc)
        else:
            db.session.commit()
            flash(_("The contest is saved as a draft. Open it when the call is ready."), "success")
            return redirect(url_for("contests.manage", contest_id=contest.id))
    return render_template(
        "contests/form.html", form=form, organisation=organisation, contest=None
    ), (422 if form.is_submitted() else 200)


@bp.route("/contests/<int:contest_id>/edit", methods=["GET", "POST"])
@login_required
def edit(contest_id: int):
    contest = get_managed_or_403(contest_id)
    if contest.status != ContestStatus.DRAFT:
        flash(_("Only a draft can be changed: the call has been published."), "error")
        return redirect(url_for("contests.manage", contest_id=contest.id))
    form = ContestForm()
    form.fill(_unit_choices(contest.organisation, contest))
    if not form.is_submitted():
        form.load(contest)
    if form.validate_on_submit():
        try:
            services.update_contest(current_user, contest, form.contest_data())
        except services.ContestError as exc:
            db.session.rollback()
            _field_error(form, exc)
        else:
            db.session.commit()
            flash(_("The draft is saved."), "success")
            return redirect(url_for("contests.manage", contest_id=contest.id))
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
        "phases": services.phases(contest),
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
    }


@bp.get("/contests/<int:contest_id>/manage")
@login_required
def manage(contest_id: int):
    contest = get_managed_or_403(contest_id)
    return render_template("contests/manage.html", **_manage_context(contest))


def _refused(contest: Contest, exc: services.ContestError, status: int = 409, **forms):
    """Show the desk again with the refusal; nothing was written."""
    db.session.rollback()
    flash(str(exc), "error")
    return render_template("contests/manage.html", **_manage_context(contest, **forms)), status


#: The desk's buttons that move a contest along, each with its service.
TRANSITIONS = {
    "open": services.open_contest,
    "close": services.close_entries,
    "judge": services.start_judging,
    "close-judging": services.close_judging,
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
    if action not in TRANSITIONS:
        abort(404)
    _check_button()
    try:
        TRANSITIONS[action](current_user, contest)
    except services.ContestError as exc:
        return _refused(contest, exc)
    db.session.commit()
    flash(transition_message(action), "success")
    return redirect(url_for("contests.manage", contest_id=contest.id))


def _cancel(contest: Contest):
    form = CancelForm()
    if not form.validate_on_submit():
        return render_template(
            "contests/manage.html", **_manage_context(contest, cancel_form=form)
        ), 422
    try:
        services.cancel_contest(current_user, contest, form.reason.data)
    except services.ContestError as exc:
        return _refused(contest, exc, cancel_form=form)
    db.session.commit()
    flash(_("The contest is cancelled; the entrants have been told."), "success")
    return redirect(url_for("contests.manage", contest_id=contest.id))


@bp.post("/contests/<int:contest_id>/shortlist")
@login_required
def shortlist(contest_id: int):
    contest = get_managed_or_403(contest_id)
    form = ShortlistForm()
    form.finalists.choices = [(e.id, e.trade_name) for e in contest.entries]
    if not form.validate_on_submit():
        return render_template(
            "contests/manage.html", **_manage_context(contest, shortlist_form=form)
        ), 422
    try:
        services.shortlist(current_user, contest, form.finalists.data or [])
    except services.ContestError as exc:
        return _refused(contest, exc, 422, shortlist_form=form)
    db.session.commit()
    flash(_("The finalists are chosen and every entrant has been told."), "success")
    return redirect(url_for("contests.manage", contest_id=contest.id))


@bp.post("/contests/<int:contest_id>/jurors")
@login_required
def invite_juror(contest_id: int):
    contest = get_managed_or_403(contest_id)
    form = JurorForm()
    if form.validate_on_submit():
        try:
            services.invite_juror(current_user, contest, form.email.data, form.name.data)
        except services.ContestError as exc:
            db.session.rollback()
            _field_error(form, exc)
        else:
            db.session.commit()
            flash(_("Invitation sent to %(email)s.", email=form.email.data), "success")
            return redirect(url_for("contests.manage", contest_id=contest.id, _anchor="jury"))
    return render_template("contests/manage.html", **_manage_context(contest, juror_form=form)), 422


@bp.post("/contests/<int:contest_id>/announce")
@login_required
def announce(contest_id: int):
    contest = get_managed_or_403(contest_id)
    form = AnnounceForm()
    finalists = [e for e in services.finalists_of(contest) if e.status == EntryStatus.FINALIST]
    form.fill(contest.units, finalists, [])
    if not form.validate_on_submit():
        return render_template(
            "contests/manage.html", **_manage_context(contest, announce_form=form)
        ), 422
    try:
        services.announce_winners(current_user, contest, form.choice_map(contest.units))
    except services.ContestError as exc:
        return _refused(contest, exc, 422, announce_form=form)
    db.session.commit()
    flash(
        _("The winner is announced: the placement is made and every entrant has been told."),
        "success",
    )
    return redirect(url_for("contests.manage", contest_id=contest.id))


@bp.post("/contests/awards/<int:award_id>/evaluate")
@login_required
def evaluate(award_id: int):
    award = db.get_or_404(Award, award_id)
    contest = get_managed_or_403(award.contest_id)
    form = EvaluationForm(prefix=f"award{award.id}")
    forms = {"evaluation_form": form, "evaluated_award": award.id}
    if not form.validate_on_submit():
        return render_template("contests/manage.html", **_manage_context(contest, **forms)), 422
    try:
        services.evaluate_award(current_user, award, form.outcome.data, form.note.data)
    except services.ContestError as exc:
        return _refused(contest, exc, 422, **forms)
    db.session.commit()
    flash(_("The evaluation is recorded."), "success")
    return redirect(url_for("contests.manage", contest_id=contest.id, _anchor="evaluation"))


# The jury ----------------------------------------------------------------------------------


@bp.route("/contests/jury/<token>", methods=["GET", "POST"])
def jury_invitation(token: str):
    try:
        juror = services.juror_for_token(token)
    except services.ContestError as exc:
        return render_template("organisations/invitation_invalid.html", message=str(exc)), 410
    needs_account = not current_user.is_authenticated
    form = AcceptInvitationForm() if needs_account else ButtonForm()
    if form.validate_on_submit():
        try:
            user = services.accept_jury_invitation(
                juror,
                current_user,
                name=form.name.data if needs_account else "",
                password=form.password.data if needs_account else "",
                locale=session.get("locale", "nl"),
            )
        except AccountError as exc:
            db.session.rollback()
            getattr(form, exc.field, form.password).errors = [str(exc)]
        except services.ContestError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            db.session.commit()
            login_user(user)
            flash(_("Welcome to the jury of %(contest)s.", contest=juror.contest.title), "success")
            return redirect(url_for("contests.jury", contest_id=juror.contest_id))
    return render_template(
        "contests/jury_invitation.html", juror=juror, form=form, needs_account=needs_account
    ), (422 if form.is_submitted() else 200)


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
    if juror is None:
        refuse(403, _("This page is for the contest's jury."))
    return render_template("contests/jury.html", **_jury_context(contest, juror))


def _judge(entry_id: int, action, form_name: str, form_cls, prefix: str, success: str):
    """Score a finalist or declare a conflict; htmx swaps the finalist's card in place."""
    entry, juror = get_judged_or_404(entry_id)
    form = form_cls(prefix=f"{prefix}{entry.id}")
    if form_cls is ScoreForm:
        form.fill(entry.contest.criteria)
    status = 200
    if form.validate_on_submit():
        try:
            action(form)
        except services.ContestError as exc:
            db.session.rollback()
            _field_error(form, exc)
            status = 422
        else:
            db.session.commit()
            flash(success, "success")
            form = None
    else:
        status = 422
    if not request.htmx and status == 200:
        return redirect(
            url_for("contests.jury", contest_id=entry.contest_id, _anchor=f"finalist-{entry.id}")
        )
    forms = {form_name: form} if form is not None else {}
    context = _jury_context(entry.contest, juror, entry.id, **forms) | _finalist_context(
        entry, juror, **forms
    )
    return render_page("contests/jury.html", "contests/_finalist.html", status=status, **context)


@bp.post("/contests/entries/<int:entry_id>/score")
@login_required
def score(entry_id: int):
    entry = db.get_or_404(ContestEntry, entry_id)
    return _judge(
        entry_id,
        lambda form: services.score_entry(
            current_user, entry, form.score_map(entry.contest.criteria)
        ),
        "score_form",
        ScoreForm,
        "e",
        _("Your scores are saved."),
    )


@bp.post("/contests/entries/<int:entry_id>/conflict")
@login_required
def conflict(entry_id: int):
    entry = db.get_or_404(ContestEntry, entry_id)
    return _judge(
        entry_id,
        lambda form: services.declare_conflict(current_user, entry, form.note.data),
        "conflict_form",
        ConflictForm,
        "c",
        _("Your conflict of interest is recorded; you do not score this finalist."),
    )


def number(value: Fraction, places: int = 1) -> str:
    """An exact score as a decimal in the reader's language ('7,25' in Dutch)."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    rounded = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return format_decimal(rounded, format="0." + "0" * places, locale=current_language())


@bp.app_context_processor
def contest_labels() -> dict:
    def unit_contest(unit: Unit) -> Contest | None:
        return db.session.scalar(queries.contest_of_unit(unit.id))

    return {
        "contest_status_label": services.status_label,
        "contest_entry_label": services.entry_status_label,
        "contest_outcome_label": services.outcome_label,
        "contest_prize_label": services.prize_label,
        "contest_schedule_lines": services.schedule_lines,
        "contest_branch_label": branch_label,
        "unit_contest": unit_contest,
        "contest_number": number,
    }
