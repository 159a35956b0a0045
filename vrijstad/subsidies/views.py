"""Subsidies: open schemes, applying, the application page, the staff's schemes and overview."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from vrijstad import clock, exports
from vrijstad.auth.guards import missing_two_factor, two_factor_required
from vrijstad.errors import refuse
from vrijstad.extensions import db
from vrijstad.forms import ButtonForm
from vrijstad.htmx import render_page
from vrijstad.i18n import date_filter, eur_filter
from vrijstad.i18n import gettext as _
from vrijstad.organisations.models import Organisation
from vrijstad.organisations.services import can_manage
from vrijstad.storage import get_storage
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
    SchemeForm,
    SettleForm,
    accountability_form,
)
from vrijstad.subsidies.models import (
    CostLine,
    DocumentKind,
    SubsidyApplication,
    SubsidyDocument,
    SubsidyScheme,
    SubsidyStatus,
)
from vrijstad.web import button_action

bp = Blueprint("subsidies", __name__)


# Access ------------------------------------------------------------------------------------


def get_managed_scheme(scheme_id: int) -> SubsidyScheme:
    """A scheme of the current user's organisation; anyone else's is a 404."""
    scheme = db.get_or_404(SubsidyScheme, scheme_id)
    if not services.is_staff(current_user, scheme):
        abort(404)
    return scheme


def get_visible_or_404(application_id: int) -> SubsidyApplication:
    """An application of the current user, or of a scheme they handle."""
    application = db.get_or_404(SubsidyApplication, application_id)
    if not services.can_see(current_user, application):
        abort(404)
    return application


def get_own_or_403(application_id: int) -> SubsidyApplication:
    application = get_visible_or_404(application_id)
    if application.applicant_id != current_user.id:
        refuse(403, _("Only the applicant can do this."))
    return application


def get_managed_or_403(application_id: int) -> SubsidyApplication:
    application = get_visible_or_404(application_id)
    if not services.is_staff(current_user, application.scheme):
        refuse(403, _("Only the staff of the scheme's organisation can do this."))
    return application


def _organisation_or_404(organisation_id: int) -> Organisation:
    organisation = db.get_or_404(Organisation, organisation_id)
    if not can_manage(current_user, organisation.id):
        abort(404)
    return organisation


def _field_error(form, exc: services.SubsidyError) -> None:
    target = exc.field if exc.field and exc.field in form else None
    if target:
        form[target].errors = [*form[target].errors, str(exc)]
    else:
        form.form_errors.append(str(exc))


def _upload(name: str) -> tuple[str, bytes] | None:
    upload = request.files.get(name)
    if upload is None or not upload.filename:
        return None
    return upload.filename, upload.read(services.MAX_DOCUMENT_BYTES + 1)


def _to_detail(application: SubsidyApplication, anchor: str | None = None):
    return redirect(url_for("subsidies.detail", application_id=application.id, _anchor=anchor))


# Schemes everyone can read -----------------------------------------------------------------


@bp.get("/subsidies")
def index():
    schemes = db.session.scalars(queries.open_schemes()).all()
    return render_template("subsidies/index.html", schemes=schemes)


@bp.get("/subsidies/schemes/<int:scheme_id>")
def scheme(scheme_id: int):
    item = db.get_or_404(SubsidyScheme, scheme_id)
    staff = services.is_staff(current_user, item)
    if not item.active and not staff:
        abort(404)
    return render_template(
        "subsidies/scheme.html",
        scheme=item,
        staff=staff,
        budget=services.budget_of(item),
        can_apply=bool(services.kinds_for(current_user)),
    )


# Applying ----------------------------------------------------------------------------------


@bp.route("/subsidies/schemes/<int:scheme_id>/apply", methods=["GET", "POST"])
@login_required
def apply(scheme_id: int):
    item = db.get_or_404(SubsidyScheme, scheme_id)
    if not item.active and not services.is_staff(current_user, item):
        abort(404)
    kinds = [k for k in services.kinds_for(current_user) if k.value in item.applicant_kinds]
    if not kinds:
        allowed = ", ".join(services.applicant_kind_label(k) for k in item.applicant_kinds)
        refuse(403, _("This scheme is for %(kinds)s only.", kinds=allowed))
    form = ApplicationForm(data=services.applicant_defaults(current_user, item))
    form.fill(item, kinds)
    if form.validate_on_submit():
        try:
            application = services.start_application(current_user, item, form.data_())
        except services.SubsidyError as exc:
            db.session.rollback()
            _field_error(form, exc)
        else:
            db.session.commit()
            flash(
                _("Your application is started. The staff will contact you for the intake talk."),
                "success",
            )
            return _to_detail(application)
    status = 422 if form.is_submitted() else 200
    return render_template("subsidies/apply.html", scheme=item, form=form), status


@bp.get("/my/subsidies")
@login_required
def mine():
    applications = db.session.scalars(queries.applications_of(current_user.id)).all()
    return render_template("subsidies/mine.html", applications=applications)


def _detail_context(application: SubsidyApplication, **forms) -> dict:
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
    if details_form is not None:
        kinds = [k for k in services.kinds_for(current_user) if k.value in scheme.applicant_kinds]
        details_form.fill(scheme, kinds or [application.applicant_kind])
    reasoning = services.reasoning_of(application)
    grant_form = forms.get("grant_form") or GrantForm(formdata=None)
    if grant_form.amount.data is None:
        grant_form.amount.data = reasoning.amount_cents
    final = None
    if application.status in (SubsidyStatus.ACCOUNTED, *services.SETTLED_STATES):
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
        "editable": application.status in services.EDITABLE,
        "reasoning": reasoning,
        "final": final,
        "missing": services.missing_items(application),
        "deadline": services.decision_deadline(application),
        "today": clock.today(),
        "days_late": services.days_late(application),
        "advance": services.advance_of(application),
        "balance": services.balance_due(application),
        "budget": services.budget_of(scheme) if staff else None,
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


@bp.get("/subsidies/applications/<int:application_id>")
@login_required
def detail(application_id: int):
    application = get_visible_or_404(application_id)
    return render_template("subsidies/detail.html", **_detail_context(application))


def _rerender(application: SubsidyApplication, status: int = 422, **forms):
    return render_template("subsidies/detail.html", **_detail_context(application, **forms)), status


@bp.post("/subsidies/applications/<int:application_id>/details")
@login_required
def edit(application_id: int):
    application = get_own_or_403(application_id)
    form = ApplicationForm()
    scheme = application.scheme
    form.fill(
        scheme, [k for k in services.kinds_for(current_user) if k.value in scheme.applicant_kinds]
    )
    if form.validate_on_submit():
        try:
            services.update_details(current_user, application, form.data_())
        except services.SubsidyError as exc:
            db.session.rollback()
            _field_error(form, exc)
        else:
            db.session.commit()
            flash(_("The project details are saved."), "success")
            return _to_detail(application, "details")
    return _rerender(application, details_form=form)


def _costs(application: SubsidyApplication, status: int = 200, **forms):
    """The cost lines with the amount's reasoning: a fragment for htmx, else the page."""
    if not request.htmx and status == 200:
        return _to_detail(application, "costs")
    return render_page(
        "subsidies/detail.html",
        "subsidies/_costs.html",
        status=status,
        **_detail_context(application, **forms),
    )


@bp.post("/subsidies/applications/<int:application_id>/costs")
@login_required
def add_cost(application_id: int):
    application = get_own_or_403(application_id)
    form = CostLineForm()
    form.fill()
    if not form.validate_on_submit():
        return _costs(application, 422, cost_form=form)
    try:
        services.add_cost_line(
            current_user,
            application,
            form.description.data,
            form.category.data,
            form.amount.data,
            form.includes_vat.data,
            form.supplier.data,
            _upload("quote"),
        )
    except services.DocumentTooLarge as exc:
        db.session.rollback()
        refuse(413, str(exc))
    except services.SubsidyError as exc:
        db.session.rollback()
        _field_error(form, exc)
        return _costs(application, 422, cost_form=form)
    db.session.commit()
    return _costs(application)


def _line_of(application: SubsidyApplication, line_id: int) -> CostLine:
    line = db.get_or_404(CostLine, line_id)
    if line.application_id != application.id:
        abort(404)
    return line


@bp.post("/subsidies/applications/<int:application_id>/costs/<int:line_id>/delete")
@login_required
def remove_cost(application_id: int, line_id: int):
    application = get_own_or_403(application_id)
    line = _line_of(application, line_id)
    if not ButtonForm().validate_on_submit():
        refuse(400, _("Your form has expired. Reload the page and try again."))
    try:
        services.remove_cost_line(current_user, application, line)
    except services.SubsidyError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
    return _costs(application)


@bp.post("/subsidies/applications/<int:application_id>/costs/<int:line_id>/quote")
@login_required
def add_quote(application_id: int, line_id: int):
    application = get_own_or_403(application_id)
    line = _line_of(application, line_id)
    upload = _upload("quote")
    if not QuoteForm().validate_on_submit() or upload is None:
        flash(_("Choose a PDF file to upload."), "error")
        return _to_detail(application, "costs")
    return _store_upload(
        application, lambda: services.add_quote(current_user, application, line, *upload), "costs"
    )


def _store_upload(application: SubsidyApplication, store, anchor: str):
    try:
        store()
    except services.DocumentTooLarge as exc:
        db.session.rollback()
        refuse(413, str(exc))
    except services.SubsidyError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("The document is uploaded."), "success")
    return _to_detail(application, anchor)


@bp.post("/subsidies/applications/<int:application_id>/documents")
@login_required
def upload(application_id: int):
    application = get_own_or_403(application_id)
    form = DocumentForm()
    form.fill()
    upload = _upload("file")
    if not form.validate_on_submit() or upload is None:
        flash(_("Choose the kind of document and a PDF file."), "error")
        return _to_detail(application, "documents")
    return _store_upload(
        application,
        lambda: services.add_document(
            current_user, application, DocumentKind(form.kind.data), *upload
        ),
        "documents",
    )


def _document_of(application: SubsidyApplication, document_id: int) -> SubsidyDocument:
    document = db.get_or_404(SubsidyDocument, document_id)
    if document.application_id != application.id:
        abort(404)
    return document


@bp.post("/subsidies/applications/<int:application_id>/documents/<int:document_id>/delete")
@login_required
def remove_document(application_id: int, document_id: int):
    application = get_own_or_403(application_id)
    document = _document_of(application, document_id)
    return _act(
        application,
        lambda user, item: services.remove_document(user, item, document),
        _("The document is removed."),
        "documents",
    )


@bp.get("/subsidies/applications/<int:application_id>/documents/<int:document_id>")
@login_required
def document(application_id: int, document_id: int):
    application = get_visible_or_404(application_id)
    item = _document_of(application, document_id)
    return get_storage().send(
        item.storage_key, item.filename, "application/pdf", as_attachment=True
    )


def _act(application: SubsidyApplication, action, success: str, anchor: str | None = None):
    """Run a button action of the procedure, commit, and come back to the page."""
    button_action(lambda: action(current_user, application), success, services.SubsidyError)
    return _to_detail(application, anchor)


@bp.post("/subsidies/applications/<int:application_id>/submit")
@login_required
def submit(application_id: int):
    application = get_own_or_403(application_id)
    return _act(
        application,
        services.submit_application,
        _("Your application is submitted and has a dossier number."),
    )


@bp.post("/subsidies/applications/<int:application_id>/withdraw")
@login_required
def withdraw(application_id: int):
    application = get_own_or_403(application_id)
    return _act(application, services.withdraw, _("Your application is withdrawn."))


@bp.post("/subsidies/applications/<int:application_id>/answer")
@login_required
def answer(application_id: int):
    application = get_visible_or_404(application_id)
    form = AnswerForm()
    if form.validate_on_submit():
        try:
            services.supply_information(current_user, application, form.answer.data)
        except services.SubsidyError as exc:
            db.session.rollback()
            _field_error(form, exc)
        else:
            db.session.commit()
            due = date_filter(services.decision_deadline(application))
            flash(
                _("The information is in; the decision term runs again until %(date)s.", date=due),
                "success",
            )
            return _to_detail(application)
    return _rerender(application, answer_form=form)


@bp.post("/subsidies/applications/<int:application_id>/accountability")
@login_required
def account(application_id: int):
    application = get_own_or_403(application_id)
    form = accountability_form(application.cost_lines, posted=True)
    if form.validate_on_submit():
        values = [entry.data for entry in form.actuals.entries]
        lines = application.cost_lines
        actuals = {line.id: cents for line, cents in zip(lines, values, strict=False)}
        if len(values) != len(lines):
            actuals = {}  # the service refuses: every line needs its actual cost
        try:
            services.submit_accountability(
                current_user, application, actuals, form.note.data, form.includes_vat.data
            )
        except services.SubsidyError as exc:
            db.session.rollback()
            _field_error(form, exc)
        else:
            db.session.commit()
            flash(_("Thank you: your accountability is in."), "success")
            return _to_detail(application)
    return _rerender(application, accountability_form=form)


@bp.get("/subsidies/applications/<int:application_id>/grant-letter.pdf")
@login_required
def grant_letter(application_id: int):
    application = get_visible_or_404(application_id)
    if application.granted_cents is None:
        abort(404)
    return (
        documents.grant_letter_pdf(application),
        200,
        {
            "Content-Type": "application/pdf",
            "Content-Disposition": f'attachment; filename="grant-{application.dossier_number}.pdf"',
        },
    )


# The staff's side of an application --------------------------------------------------------


def _staff_form(application_id: int, form_class, name: str, run, success, **form_kw):
    """Validate a staff form, run the service, commit; or show the page with the problem."""
    application = get_managed_or_403(application_id)
    form = form_class(**form_kw)
    if form.validate_on_submit():
        try:
            run(application, form)
        except services.SubsidyError as exc:
            db.session.rollback()
            _field_error(form, exc)
        else:
            db.session.commit()
            flash(success(application), "success")
            _warn_if_late(application)
            return _to_detail(application)
    return _rerender(application, **{name: form})


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


@bp.post("/subsidies/applications/<int:application_id>/grant")
@login_required
@two_factor_required
def grant(application_id: int):
    return _staff_form(
        application_id,
        GrantForm,
        "grant_form",
        lambda a, f: services.grant(current_user, a, f.amount.data, f.conditions.data),
        lambda a: _(
            "Granted: %(amount)s. The applicant received the grant letter.",
            amount=eur_filter(a.granted_cents),
        ),
    )


@bp.post("/subsidies/applications/<int:application_id>/reject")
@login_required
def reject(application_id: int):
    return _staff_form(
        application_id,
        ReasonForm,
        "reject_form",
        lambda a, f: services.reject(current_user, a, f.reason.data),
        lambda a: _("The application is rejected."),
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
    return _act(application, action, success())


# The staff's schemes -----------------------------------------------------------------------


@bp.get("/organisations/<int:organisation_id>/subsidies")
@login_required
def organisation(organisation_id: int):
    item = _organisation_or_404(organisation_id)
    schemes = db.session.scalars(queries.schemes_of(item.id)).all()
    budgets = {s.id: services.budget_of(s) for s in schemes}
    return render_template(
        "subsidies/organisation.html",
        organisation=item,
        schemes=schemes,
        budgets=budgets,
        presets=services.PRESETS,
        button=ButtonForm(),
    )


@bp.post("/organisations/<int:organisation_id>/subsidies/presets/<preset>")
@login_required
def create_preset(organisation_id: int, preset: str):
    item = _organisation_or_404(organisation_id)
    if preset not in services.PRESETS:
        abort(404)
    if not ButtonForm().validate_on_submit():
        refuse(400, _("Your form has expired. Reload the page and try again."))
    try:
        created = services.create_preset(current_user, item, preset)
    except services.SubsidyError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("subsidies.organisation", organisation_id=item.id))
    db.session.commit()
    flash(_("The scheme %(name)s is added; check its rules.", name=created.name), "success")
    return redirect(url_for("subsidies.edit_scheme", scheme_id=created.id))


def _scheme_form(organisation: Organisation, scheme: SubsidyScheme | None):
    form = SchemeForm()
    form.fill(organisation)
    if not form.is_submitted() and scheme is not None:
        form.load(services.rules_of(scheme))
    if form.validate_on_submit():
        try:
            if scheme is None:
                scheme = services.create_scheme(current_user, organisation, form.rules())
            else:
                services.update_scheme(current_user, scheme, form.rules())
        except services.SubsidyError as exc:
            db.session.rollback()
            _field_error(form, exc)
        else:
            db.session.commit()
            flash(_("The scheme is saved."), "success")
            return redirect(url_for("subsidies.overview", scheme_id=scheme.id))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "subsidies/scheme_form.html", form=form, organisation=organisation, scheme=scheme
    ), status


@bp.route("/organisations/<int:organisation_id>/subsidies/new", methods=["GET", "POST"])
@login_required
def new_scheme(organisation_id: int):
    return _scheme_form(_organisation_or_404(organisation_id), None)


@bp.route("/subsidies/schemes/<int:scheme_id>/edit", methods=["GET", "POST"])
@login_required
def edit_scheme(scheme_id: int):
    item = get_managed_scheme(scheme_id)
    return _scheme_form(item.organisation, item)


def _overview_context(item: SubsidyScheme) -> dict:
    applications = db.session.scalars(queries.scheme_applications(item.id)).all()
    on = clock.today()
    queue = [a for a in applications if a.submitted_at is not None]
    return {
        "scheme": item,
        "applications": applications,
        "groups": queries.by_status(applications),
        "due": queries.due_soon(applications, on),
        "positions": {a.id: n for n, a in enumerate(queue, 1)},
        "budget": services.budget_of(item),
        "today": on,
    }


@bp.get("/subsidies/schemes/<int:scheme_id>/overview")
@login_required
def overview(scheme_id: int):
    item = get_managed_scheme(scheme_id)
    return render_template("subsidies/overview.html", **_overview_context(item))


@bp.get("/subsidies/schemes/<int:scheme_id>/export.<fmt>")
@login_required
def export(scheme_id: int, fmt: str):
    item = get_managed_scheme(scheme_id)
    if fmt not in exports.FORMATS:
        abort(404)
    context = _overview_context(item)
    data = documents.export_data(item, context["applications"], context["budget"])
    stem = f"subsidies-{item.dossier_prefix.lower()}"
    return exports.download(documents.export_tables(data, item.name), fmt, stem)


@bp.app_context_processor
def subsidy_labels() -> dict:
    return {
        "subsidy_status_label": services.status_label,
        "subsidy_kind_label": services.applicant_kind_label,
        "subsidy_category_label": services.category_label,
        "subsidy_document_label": services.document_label,
        "subsidy_provider_label": services.provider_label,
        "subsidy_handling_label": services.handling_label,
        "subsidy_preset_label": services.preset_label,
        "subsidy_percent": services.percent,
        "subsidy_reasoning_rows": documents.reasoning_rows,
    }
