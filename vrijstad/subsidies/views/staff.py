"""The staff's side of an application: intake, questions, extension, the decision and the
payments."""

from flask import abort, flash
from flask_login import current_user, login_required

from vrijstad.auth.guards import missing_two_factor, two_factor_required
from vrijstad.i18n import date_filter, eur_filter
from vrijstad.i18n import gettext as _
from vrijstad.subsidies import documents, services
from vrijstad.subsidies.forms import (
    GrantForm,
    IntakeForm,
    QuestionForm,
    ReasonForm,
    SettleForm,
)
from vrijstad.subsidies.models import SubsidyApplication, SubsidyStatus
from vrijstad.subsidies.services import SubsidyError
from vrijstad.subsidies.views.common import act, bp, get_managed_or_403, rerender, to_detail
from vrijstad.web import attempt, required


def _staff_form(application_id: int, form_class, name: str, run, success, **form_kw):
    """Validate a staff form, run the service, commit; or show the page with the problem."""
    application = get_managed_or_403(application_id)
    form = form_class(**form_kw)
    if form.validate_on_submit() and attempt(lambda: run(application, form), form, SubsidyError):
        flash(success(application), "success")
        _warn_if_late(application)
        return to_detail(application)
    return rerender(application, **{name: form})


def _warn_if_late(application: SubsidyApplication) -> None:
    late = services.days_late(application)
    if late:
        flash(
            _(
                "Note: this decision came %(days)d days after the deadline of %(date)s.",
                days=late,
                date=date_filter(services.decision_deadline(application)),
            ),
            "error",
        )


@bp.post("/subsidies/applications/<int:application_id>/intake")
@login_required
def intake(application_id: int):
    return _staff_form(
        application_id,
        IntakeForm,
        "intake_form",
        lambda a, f: services.record_intake(current_user, a, f.note.data),
        lambda a: _("The intake is recorded; the applicant can complete the application."),
    )


@bp.post("/subsidies/applications/<int:application_id>/request-info")
@login_required
def request_info(application_id: int):
    return _staff_form(
        application_id,
        QuestionForm,
        "question_form",
        lambda a, f: services.request_information(current_user, a, f.question.data),
        lambda a: _("The question is sent; the decision term stands still until the answer."),
    )


@bp.post("/subsidies/applications/<int:application_id>/extend")
@login_required
def extend(application_id: int):
    return _staff_form(
        application_id,
        ReasonForm,
        "extend_form",
        lambda a, f: services.extend_deadline(current_user, a, f.reason.data),
        lambda a: _(
            "The decision term is extended to %(date)s.",
            date=date_filter(services.decision_deadline(a)),
        ),
        prefix="extend",
    )


def _grant(application: SubsidyApplication, form: GrantForm) -> None:
    """The decision, then the letter: it is mailed with the notice after the commit. The
    first of two approvals (four eyes) decides nothing yet: no letter."""
    services.grant(current_user, application, form.amount.data, form.conditions.data)
    if application.status == SubsidyStatus.GRANTED:
        documents.send_grant_letter(application)


def _granted_message(application: SubsidyApplication) -> str:
    if application.status != SubsidyStatus.GRANTED:
        return _(
            "You approved the grant of %(amount)s. A second colleague must grant it too.",
            amount=eur_filter(required(services.grant_approval(application)).amount_cents),
        )
    return _(
        "Granted: %(amount)s. The applicant received the grant letter.",
        amount=eur_filter(application.granted_cents),
    )


@bp.post("/subsidies/applications/<int:application_id>/grant")
@login_required
@two_factor_required
def grant(application_id: int):
    return _staff_form(
        application_id,
        GrantForm,
        "grant_form",
        _grant,
        _granted_message,
    )


def _reject(application: SubsidyApplication, form: ReasonForm) -> None:
    """The refusal, then its letter: mailed with the notice after the commit."""
    services.reject(current_user, application, form.reason.data)
    documents.send_rejection_letter(application)


@bp.post("/subsidies/applications/<int:application_id>/reject")
@login_required
def reject(application_id: int):
    return _staff_form(
        application_id,
        ReasonForm,
        "reject_form",
        _reject,
        lambda a: _("The application is rejected. The applicant received the decision letter."),
        prefix="reject",
    )


@bp.post("/subsidies/applications/<int:application_id>/settle")
@login_required
@two_factor_required
def settle(application_id: int):
    return _staff_form(
        application_id,
        SettleForm,
        "settle_form",
        lambda a, f: services.settle(current_user, a, f.amount.data),
        lambda a: _("The final amount is set at %(amount)s.", amount=eur_filter(a.final_cents)),
    )


STEPS = {
    "review": (services.start_review, lambda: _("The application is in review.")),
    "advance": (services.pay_advance, lambda: _("The advance is paid and booked.")),
    "pay": (services.pay_balance, lambda: _("The payment is booked; the dossier is closed.")),
    "reclaim": (
        services.record_reclaim,
        lambda: _("The repayment is booked; the dossier is closed."),
    ),
}


MONEY_STEPS = {"advance", "pay", "reclaim"}  # they book money: two-step verification first


@bp.post("/subsidies/applications/<int:application_id>/steps/<step>")
@login_required
def step(application_id: int, step: str):
    application = get_managed_or_403(application_id)
    if step not in STEPS:
        abort(404)
    if step in MONEY_STEPS and (refused := missing_two_factor()):
        return refused
    action, success = STEPS[step]
    return act(application, action, success())
