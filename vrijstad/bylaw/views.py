"""The vacancy bylaw for staff: the organisation's bylaw and its vacant units by stage, a
unit's case with its next steps, and the letters."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from vrijstad import clock, pdf
from vrijstad.bylaw import mailing, queries, services
from vrijstad.bylaw.documents import Letter, available, letter_name, letter_pdf
from vrijstad.bylaw.forms import BylawForm, ConsultForm, ReportForm
from vrijstad.bylaw.models import BylawCase, ReportChannel
from vrijstad.extensions import db
from vrijstad.forms import ButtonForm, FlaskForm, requested_page
from vrijstad.i18n import force_locale
from vrijstad.i18n import gettext as _
from vrijstad.loaders import managed
from vrijstad.organisations.models import MemberRole
from vrijstad.organisations.views import get_managed_or_403
from vrijstad.units.models import Unit
from vrijstad.web import attempt, button_action, commit, required

bp = Blueprint("bylaw", __name__)

ID = "int"  # the app's bounded converter: a larger id is not found
#: Vacant units on one page of the overview (the longest vacant first).
PER_PAGE = 50


def _managed_unit(unit_id: int) -> Unit:
    """A unit in an area of an organisation the current user works for; else 404 / 403."""
    return managed(Unit, unit_id, lambda unit: services.organisation_of(unit) or 0)


@bp.route(f"/organisations/<{ID}:organisation_id>/bylaw", methods=["GET", "POST"])
@login_required
def overview(organisation_id: int):
    role = MemberRole.ADMIN if request.method == "POST" else MemberRole.STAFF
    organisation = get_managed_or_403(organisation_id, role)
    bylaw = services.bylaw_of(organisation.id)
    form = BylawForm(obj=bylaw)
    if form.validate_on_submit():
        commit(
            lambda: services.save_bylaw(
                current_user,
                organisation,
                required(form.municipality.data),
                required(form.in_force_since.data),
            )
        )
        flash(_("The vacancy bylaw is saved."), "success")
        return redirect(url_for("bylaw.overview", organisation_id=organisation.id))
    today = clock.today()
    page = db.paginate(
        queries.vacant_units_list(organisation.id), page=requested_page(), per_page=PER_PAGE
    )
    cases = queries.open_cases_of([unit.id for unit in page.items])
    return render_template(
        "bylaw/overview.html",
        organisation=organisation,
        bylaw=bylaw,
        form=form,
        page=page,
        rows=[
            (unit, cases.get(unit.id), queries.stage_of(unit, cases.get(unit.id), today))
            for unit in page.items
        ],
        report_due_on=services.report_due_on,
    ), 422 if form.is_submitted() else 200


def _case_page(unit: Unit, status: int = 200, **forms: FlaskForm):
    today = clock.today()
    case = services.open_case(unit)
    if "report_form" not in forms:
        forms["report_form"] = ReportForm(formdata=None, data={"reported_on": today})
    if "consult_form" not in forms:
        forms["consult_form"] = ConsultForm(formdata=None)
    return render_template(
        "bylaw/case.html",
        unit=unit,
        bylaw=services.bylaw_of(services.organisation_of(unit)),
        case=case,
        spell=services.clock_of(unit, today),
        letters=available(case) if case else [],
        past=db.session.scalars(queries.closed_cases(unit)).all(),
        button=ButtonForm(),
        **forms,
    ), status


@bp.get(f"/units/<{ID}:unit_id>/bylaw")
@login_required
def case(unit_id: int):
    return _case_page(_managed_unit(unit_id))


class _Mailed:
    """A step that calls for a letter: the letter is mailed to the owner with the step (in
    the same transaction, sent after the commit), and staff are told where it went."""

    def __init__(self, letter: Letter) -> None:
        self.letter = letter
        self.to: mailing.Recipient | None = None

    def __call__(self, case: BylawCase) -> BylawCase:
        self.to = mailing.mail_letter(current_user, case, self.letter)
        return case

    def message(self) -> str:
        return mailing.mailed_message(self.to)


@bp.post(f"/units/<{ID}:unit_id>/bylaw/remind")
@login_required
def remind(unit_id: int):
    unit = _managed_unit(unit_id)
    step = _Mailed(Letter.REMINDER)
    button_action(
        lambda: step(services.remind_owner(current_user, unit, clock.today())),
        step.message,
        services.BylawError,
    )
    return redirect(url_for("bylaw.case", unit_id=unit.id), code=303)


@bp.post(f"/units/<{ID}:unit_id>/bylaw/report")
@login_required
def report(unit_id: int):
    unit = _managed_unit(unit_id)
    form = ReportForm()
    if form.validate_on_submit():
        done = attempt(
            lambda: services.record_report(
                current_user,
                unit,
                required(form.reported_on.data),
                ReportChannel(form.via.data),
                clock.today(),
            ),
            form,
            services.BylawError,
        )
        if done:
            flash(_("The owner's report is recorded."), "success")
            return redirect(url_for("bylaw.case", unit_id=unit.id), code=303)
    return _case_page(unit, 422, report_form=form)


@bp.post(f"/units/<{ID}:unit_id>/bylaw/consult")
@login_required
def consult(unit_id: int):
    unit = _managed_unit(unit_id)
    form = ConsultForm()
    if form.validate_on_submit():
        step = _Mailed(Letter.INVITATION)
        done = attempt(
            lambda: step(
                services.invite_to_consult(
                    current_user, unit, required(form.consult_on.data), clock.today()
                )
            ),
            form,
            services.BylawError,
        )
        if done:
            flash(step.message(), "success")
            return redirect(url_for("bylaw.case", unit_id=unit.id), code=303)
    return _case_page(unit, 422, consult_form=form)


@bp.post(f"/units/<{ID}:unit_id>/bylaw/escalate")
@login_required
def escalate(unit_id: int):
    unit = _managed_unit(unit_id)
    step = _Mailed(Letter.ESCALATION)
    button_action(
        lambda: step(services.escalate(current_user, unit, clock.today())),
        step.message,
        services.BylawError,
    )
    return redirect(url_for("bylaw.case", unit_id=unit.id), code=303)


@bp.get(f"/units/<{ID}:unit_id>/bylaw/letters/<letter>.pdf")
@login_required
def letter(unit_id: int, letter: str):
    unit = _managed_unit(unit_id)
    case = services.open_case(unit)
    bylaw = services.bylaw_of(services.organisation_of(unit))
    if case is None or bylaw is None or letter not in [item.value for item in available(case)]:
        abort(404)
    with force_locale((unit.owner.locale if unit.owner else None) or "nl"):
        data = letter_pdf(case, bylaw, Letter(letter))
    return pdf.download(data, letter_name(case, Letter(letter)))
