"""The applicant's side: applying, the application page, costs, documents, the answer to a
question, accountability and the grant letter."""

from flask import abort, flash, render_template, request
from flask_login import current_user, login_required

from vrijstad.errors import refuse
from vrijstad.extensions import db
from vrijstad.forms import ButtonForm
from vrijstad.htmx import render_page
from vrijstad.i18n import date_filter
from vrijstad.i18n import gettext as _
from vrijstad.labels import label
from vrijstad.storage import get_storage
from vrijstad.subsidies import documents, queries, services
from vrijstad.subsidies.forms import (
    AnswerForm,
    ApplicationForm,
    CostLineForm,
    DocumentForm,
    QuoteForm,
    accountability_form,
)
from vrijstad.subsidies.models import (
    ApplicantKind,
    CostLine,
    DocumentKind,
    SubsidyApplication,
    SubsidyDocument,
    SubsidyScheme,
)
from vrijstad.subsidies.views.common import (
    act,
    bp,
    detail_context,
    field_error,
    get_own_or_403,
    get_visible_or_404,
    rerender,
    to_detail,
    upload_of,
)


@bp.route("/subsidies/schemes/<int:scheme_id>/apply", methods=["GET", "POST"])
@login_required
def apply(scheme_id: int):
    item = db.get_or_404(SubsidyScheme, scheme_id)
    if not item.active and not services.is_staff(current_user, item):
        abort(404)
    kinds = [k for k in services.kinds_for(current_user) if k.value in item.applicant_kinds]
    if not kinds:
        allowed = ", ".join(label(ApplicantKind(k)) for k in item.applicant_kinds)
        refuse(403, _("This scheme is for %(kinds)s only.", kinds=allowed))
    form = ApplicationForm(data=services.applicant_defaults(current_user, item))
    form.fill(item, kinds)
    if form.validate_on_submit():
        try:
            application = services.start_application(current_user, item, form.data_())
        except services.SubsidyError as exc:
            db.session.rollback()
            field_error(form, exc)
        else:
            db.session.commit()
            flash(
                _("Your application is started. The staff will contact you for the intake talk."),
                "success",
            )
            return to_detail(application)
    status = 422 if form.is_submitted() else 200
    return render_template("subsidies/apply.html", scheme=item, form=form), status


@bp.get("/my/subsidies")
@login_required
def mine():
    applications = db.session.scalars(queries.applications_of(current_user.id)).all()
    return render_template("subsidies/mine.html", applications=applications)


@bp.get("/subsidies/applications/<int:application_id>")
@login_required
def detail(application_id: int):
    application = get_visible_or_404(application_id)
    return render_template("subsidies/detail.html", **detail_context(application))


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
            field_error(form, exc)
        else:
            db.session.commit()
            flash(_("The project details are saved."), "success")
            return to_detail(application, "details")
    return rerender(application, details_form=form)


def _costs(application: SubsidyApplication, status: int = 200, **forms):
    """The cost lines with the amount's reasoning: a fragment for htmx, else the page."""
    if not request.htmx and status == 200:  # type: ignore[attr-defined]  # htmx_flask adds it
        return to_detail(application, "costs")
    return render_page(
        "subsidies/detail.html",
        "subsidies/_costs.html",
        status=status,
        **detail_context(application, **forms),
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
            form.amount.data or 0,
            form.includes_vat.data,
            form.supplier.data,
            upload_of("quote"),
        )
    except services.DocumentTooLarge as exc:
        db.session.rollback()
        refuse(413, str(exc))
    except services.SubsidyError as exc:
        db.session.rollback()
        field_error(form, exc)
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
    upload = upload_of("quote")
    if not QuoteForm().validate_on_submit() or upload is None:
        flash(_("Choose a PDF file to upload."), "error")
        return to_detail(application, "costs")
    return _storeupload_of(
        application, lambda: services.add_quote(current_user, application, line, *upload), "costs"
    )


def _storeupload_of(application: SubsidyApplication, store, anchor: str):
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
    return to_detail(application, anchor)


@bp.post("/subsidies/applications/<int:application_id>/documents")
@login_required
def upload(application_id: int):
    application = get_own_or_403(application_id)
    form = DocumentForm()
    form.fill()
    upload = upload_of("file")
    if not form.validate_on_submit() or upload is None:
        flash(_("Choose the kind of document and a PDF file."), "error")
        return to_detail(application, "documents")
    return _storeupload_of(
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
    return act(
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


@bp.post("/subsidies/applications/<int:application_id>/submit")
@login_required
def submit(application_id: int):
    application = get_own_or_403(application_id)
    return act(
        application,
        services.submit_application,
        _("Your application is submitted and has a dossier number."),
    )


@bp.post("/subsidies/applications/<int:application_id>/withdraw")
@login_required
def withdraw(application_id: int):
    application = get_own_or_403(application_id)
    return act(application, services.withdraw, _("Your application is withdrawn."))


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
            field_error(form, exc)
        else:
            db.session.commit()
            due = date_filter(services.decision_deadline(application))
            flash(
                _("The information is in; the decision term runs again until %(date)s.", date=due),
                "success",
            )
            return to_detail(application)
    return rerender(application, answer_form=form)


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
            field_error(form, exc)
        else:
            db.session.commit()
            flash(_("Thank you: your accountability is in."), "success")
            return to_detail(application)
    return rerender(application, accountability_form=form)


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
