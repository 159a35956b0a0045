"""The subsidies blueprint and what its views share: loaders that return the object or
404/403, the answer to a stale button or an oversized upload, the application page's context."""

from collections.abc import Callable
from typing import TypeVar

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from vrijstad import approvals, clock
from vrijstad.core import DomainError
from vrijstad.errors import refuse
from vrijstad.extensions import db
from vrijstad.forms import ButtonForm
from vrijstad.i18n import gettext as _
from vrijstad.labels import label
from vrijstad.loaders import load, owned
from vrijstad.organisations.models import Organisation
from vrijstad.organisations.services import can_manage
from vrijstad.subsidies import documents, queries, services
from vrijstad.subsidies.forms import (
    AnswerForm,
    ApplicationForm,
    CostLineForm,
    DocumentForm,
    GrantForm,
    IntakeForm,
    QuestionForm,
    QuoteForm,
    ReasonForm,
    SettleForm,
    accountability_form,
)
from vrijstad.subsidies.models import (
    EDITABLE,
    SETTLED_STATES,
    ApplicantKind,
    CostLine,
    SubsidyApplication,
    SubsidyDocument,
    SubsidyScheme,
    SubsidyStatus,
)
from vrijstad.web import button_action, form_error

bp = Blueprint("subsidies", __name__)

P = TypeVar("P", CostLine, SubsidyDocument)


def get_managed_scheme(scheme_id: int) -> SubsidyScheme:
    """A scheme of the current user's organisation; anyone else's is a 404."""
    return load(SubsidyScheme, scheme_id, services.is_staff)


def get_open_scheme(scheme_id: int) -> SubsidyScheme:
    """An active scheme, or an inactive one of the current user's organisation."""
    return load(SubsidyScheme, scheme_id, lambda user, s: s.active or services.is_staff(user, s))


def for_whom(scheme: SubsidyScheme) -> str:
    """Who may apply under the scheme, in words: "This scheme is for starters only."."""
    allowed = ", ".join(label(ApplicantKind(kind)) for kind in scheme.applicant_kinds)
    return _("This scheme is for %(kinds)s only.", kinds=allowed)


def get_visible_or_404(application_id: int) -> SubsidyApplication:
    """An application of the current user, or of a scheme they handle."""
    return load(SubsidyApplication, application_id, services.can_see)


def get_own_or_403(application_id: int) -> SubsidyApplication:
    return owned(
        SubsidyApplication,
        application_id,
        lambda user, application: application.applicant_id == user.id,
        _("Only the applicant can do this."),
        visible=services.can_see,
    )


def get_managed_or_403(application_id: int) -> SubsidyApplication:
    return owned(
        SubsidyApplication,
        application_id,
        lambda user, application: services.is_staff(user, application.scheme),
        _("Only the staff of the scheme's organisation can do this."),
        visible=services.can_see,
    )


def organisation_or_404(organisation_id: int) -> Organisation:
    return load(Organisation, organisation_id, lambda user, o: can_manage(user, o.id))


def part_of(model: type[P], ident: int, application: SubsidyApplication) -> P:
    """A cost line or document of this application; another application's is a 404."""
    return load(model, ident, lambda _user, item: item.application_id == application.id)


def too_large(form: FlaskForm | None = None) -> Callable[[DomainError], None]:
    """Show a refusal on the form (else flashed), except an upload over the limit: 413."""

    def show(exc: DomainError) -> None:
        if isinstance(exc, services.DocumentTooLarge):
            refuse(413, str(exc))
        if form is not None:
            form_error(form, exc)
        else:
            flash(str(exc), "error")

    return show


def upload_of(name: str) -> tuple[str, bytes] | None:
    upload = request.files.get(name)
    if upload is None or not upload.filename:
        return None
    return upload.filename, upload.read(services.MAX_DOCUMENT_BYTES + 1)


def to_detail(application: SubsidyApplication, anchor: str | None = None):
    return redirect(url_for("subsidies.detail", application_id=application.id, _anchor=anchor))


def detail_context(application: SubsidyApplication, **forms) -> dict:
    scheme = application.scheme
    staff = services.is_staff(current_user, scheme)
    cost_form = forms.get("cost_form") or CostLineForm(formdata=None)
    cost_form.fill()
    document_form = forms.get("document_form") or DocumentForm(formdata=None)
    document_form.fill()
    details_form = forms.get("details_form")
    if details_form is None and application.applicant_id == current_user.id:
        details_form = ApplicationForm(formdata=None, obj=application)
        details_form.applicant_kind.data = application.applicant_kind.value
        details_form.street_id.data = application.street_id or 0
        details_form.other_de_minimis.data = application.other_de_minimis_cents
    if details_form is not None:
        kinds = [k for k in services.kinds_for(current_user) if k.value in scheme.applicant_kinds]
        details_form.fill(scheme, kinds or [application.applicant_kind])
    reasoning = services.reasoning_of(application)
    approval = services.grant_approval(application) if staff else None
    waiting = approval if approval is not None and not approval.complete else None
    grant_form = forms.get("grant_form") or GrantForm(formdata=None)
    if grant_form.amount.data is None:  # a second colleague sees what the first granted
        grant_form.amount.data = waiting.amount_cents if waiting else reasoning.amount_cents
        if waiting and not grant_form.conditions.data:
            grant_form.conditions.data = application.conditions
    final = None
    if application.status in (SubsidyStatus.ACCOUNTED, *SETTLED_STATES):
        final = services.final_reasoning_of(application)
    accountability = forms.get("accountability_form") or accountability_form(application.cost_lines)
    settle_form = forms.get("settle_form") or SettleForm(formdata=None)
    if settle_form.amount.data is None and final is not None:
        settle_form.amount.data = final.amount_cents
    return {
        "application": application,
        "scheme": scheme,
        "staff": staff,
        "is_applicant": application.applicant_id == current_user.id,
        "editable": application.status in EDITABLE,
        "reasoning": reasoning,
        "final": final,
        "missing": services.missing_items(application),
        "deadline": services.decision_deadline(application),
        "today": clock.today(),
        "days_late": services.days_late(application),
        "advance": services.advance_of(application),
        "balance": services.balance_due(application),
        "budget": services.budget_of(scheme) if staff else None,
        "de_minimis": services.de_minimis_of(application, clock.today()) if staff else None,
        "de_minimis_ceiling": services.DE_MINIMIS_CEILING_CENTS,
        "approval": approval,
        "four_eyes_threshold": approvals.threshold_cents(scheme.organisation_id),
        "SubsidyStatus": SubsidyStatus,  # the history keeps raw values
        "history": db.session.execute(queries.history(application)).all(),
        "quotes": {d.cost_line_id: d for d in application.documents if d.cost_line_id},
        "button": ButtonForm(),
        "details_form": details_form,
        "cost_form": cost_form,
        "quote_form": QuoteForm(formdata=None),
        "document_form": document_form,
        "intake_form": forms.get("intake_form") or IntakeForm(formdata=None),
        "question_form": forms.get("question_form") or QuestionForm(formdata=None),
        "answer_form": forms.get("answer_form") or AnswerForm(formdata=None),
        "extend_form": forms.get("extend_form") or ReasonForm(formdata=None, prefix="extend"),
        "reject_form": forms.get("reject_form") or ReasonForm(formdata=None, prefix="reject"),
        "grant_form": grant_form,
        "settle_form": settle_form,
        "accountability_form": accountability,
        "actual_fields": list(zip(application.cost_lines, accountability.actuals, strict=False)),
    }


def rerender(application: SubsidyApplication, status: int = 422, **forms):
    return render_template("subsidies/detail.html", **detail_context(application, **forms)), status


def act(application: SubsidyApplication, action, success: str, anchor: str | None = None):
    """Run a button action of the procedure, commit, and come back to the page."""
    button_action(lambda: action(current_user, application), success, services.SubsidyError)
    return to_detail(application, anchor)


@bp.app_context_processor
def subsidy_helpers() -> dict:
    """The percentage and the amount's reasoning rows, as the grant letter shows them."""
    return {
        "subsidy_percent": documents.percent,
        "subsidy_reasoning_rows": documents.reasoning_rows,
    }
