"""The applicant's side: applying, the application page, costs, documents, the answer to a
question, accountability and the grant letter."""

from collections.abc import Callable

from flask import abort, flash, render_template
from flask_login import current_user, login_required

from vrijstad import pdf
from vrijstad.errors import refuse
from vrijstad.extensions import db
from vrijstad.htmx import render_page
from vrijstad.i18n import date_filter
from vrijstad.i18n import gettext as _
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
    CostLine,
    DocumentKind,
    SubsidyApplication,
    SubsidyDocument,
    SubsidyStatus,
)
from vrijstad.subsidies.services import SubsidyError
from vrijstad.subsidies.views.common import (
    act,
    bp,
    detail_context,
    for_whom,
    get_open_scheme,
    get_own_or_403,
    get_visible_or_404,
    part_of,
    rerender,
    to_detail,
    too_large,
    upload_of,
)
from vrijstad.web import attempt, check_button, is_htmx


@bp.route("/subsidies/schemes/<int:scheme_id>/apply", methods=["GET", "POST"])
@login_required
def apply(scheme_id: int):
    item = get_open_scheme(scheme_id)
    kinds = services.kinds_for_scheme(current_user, item)
    if not kinds:
        refuse(403, for_whom(item))
    form = ApplicationForm(data=services.applicant_defaults(current_user, item))
    form.fill(item, kinds)
    if form.validate_on_submit():
        done = attempt(
            lambda: services.start_application(current_user, item, form.data_()), form, SubsidyError
        )
        if done.value is not None:
            flash(
                _("Your application is started. The staff will contact you for the intake talk."),
                "success",
            )
            return to_detail(done.value)
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
    if form.validate_on_submit() and attempt(
        lambda: services.update_details(current_user, application, form.data_()), form, SubsidyError
    ):
        flash(_("The project details are saved."), "success")
        return to_detail(application, "details")
    return rerender(application, details_form=form)


def _costs(application: SubsidyApplication, status: int = 200, **forms):
    """The cost lines with the amount's reasoning: a fragment for htmx, else the page."""
    if not is_htmx() and status == 200:
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
    if form.validate_on_submit() and attempt(
        lambda: services.add_cost_line(
            current_user,
            application,
            form.description.data,
            form.category.data,
            form.amount.data or 0,
            form.includes_vat.data,
            form.supplier.data,
            upload_of("quote"),
        ),
        refused=SubsidyError,
        show=too_large(form),
    ):
        return _costs(application)
    return _costs(application, 422, cost_form=form)


@bp.post("/subsidies/applications/<int:application_id>/costs/<int:line_id>/delete")
@login_required
def remove_cost(application_id: int, line_id: int):
    application = get_own_or_403(application_id)
    line = part_of(CostLine, line_id, application)
    check_button()
    attempt(
        lambda: services.remove_cost_line(current_user, application, line), refused=SubsidyError
    )
    return _costs(application)


@bp.post("/subsidies/applications/<int:application_id>/costs/<int:line_id>/quote")
@login_required
def add_quote(application_id: int, line_id: int):
    application = get_own_or_403(application_id)
    line = part_of(CostLine, line_id, application)
    upload = upload_of("quote")
    if not QuoteForm().validate_on_submit() or upload is None:
        flash(_("Choose a PDF file to upload."), "error")
        return to_detail(application, "costs")
    return _store(
        application, lambda: services.add_quote(current_user, application, line, *upload), "costs"
    )


def _store(application: SubsidyApplication, store: Callable[[], object], anchor: str):
    """Keep an uploaded PDF and come back to the page (413 when it is over the limit)."""
    if attempt(store, refused=SubsidyError, show=too_large()):
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
    return _store(
        application,
        lambda: services.add_document(
            current_user, application, DocumentKind(form.kind.data), *upload
        ),
        "documents",
    )


@bp.post("/subsidies/applications/<int:application_id>/documents/<int:document_id>/delete")
@login_required
def remove_document(application_id: int, document_id: int):
    application = get_own_or_403(application_id)
    document = part_of(SubsidyDocument, document_id, application)
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
    item = part_of(SubsidyDocument, document_id, application)
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
    if form.validate_on_submit() and attempt(
        lambda: services.supply_information(current_user, application, form.answer.data),
        form,
        SubsidyError,
    ):
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
        if attempt(
            lambda: services.submit_accountability(
                current_user, application, actuals, form.note.data, form.includes_vat.data
            ),
            form,
            SubsidyError,
        ):
            flash(_("Thank you: your accountability is in."), "success")
            return to_detail(application)
    return rerender(application, accountability_form=form)


@bp.get("/subsidies/applications/<int:application_id>/decision.pdf")
@login_required
def rejection_letter(application_id: int):
    application = get_visible_or_404(application_id)
    if application.status != SubsidyStatus.REJECTED:
        abort(404)
    name = documents.rejection_letter_name(application)
    return pdf.download(documents.rejection_letter_pdf(application), name)


@bp.get("/subsidies/applications/<int:application_id>/grant-letter.pdf")
@login_required
def grant_letter(application_id: int):
    application = get_visible_or_404(application_id)
    if application.granted_cents is None:
        abort(404)
    return pdf.download(
        documents.grant_letter_pdf(application), f"grant-{application.dossier_number}.pdf"
    )
