"""Invoices, payments, settlements, the fund and landlord statements."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from operator import attrgetter
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from vrijstad import approvals, clock, exports, jobs, pdf, submissions
from vrijstad.auth.guards import two_factor_required
from vrijstad.billing import documents, receivables, services, tasks
from vrijstad.billing.forms import PaymentForm, PeriodForm, SpendingForm
from vrijstad.billing.models import (
    FundPurpose,
    FundSpending,
    Invoice,
    Settlement,
    SettlementLine,
    SettlementStatus,
)
from vrijstad.extensions import db
from vrijstad.forms import ButtonForm, month_choices, month_or_previous, requested_page
from vrijstad.i18n import current_language, ngettext
from vrijstad.i18n import gettext as _
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.letting.models import Collective
from vrijstad.loaders import load, managed
from vrijstad.organisations.models import Organisation
from vrijstad.organisations.services import can_manage
from vrijstad.storage import get_storage
from vrijstad.web import attempt, button_action, commit, required

bp = Blueprint("billing", __name__)


def _to_collective(collective: Collective, anchor: str, period: str | None = None) -> Response:
    return redirect(
        url_for(
            "letting.collective",
            collective_id=collective.id,
            period=period or request.values.get("period") or None,
            _anchor=anchor,
        )
    )


def _collective_url(collective: Collective, anchor: str, period: str) -> str:
    return url_for("letting.collective", collective_id=collective.id, period=period, _anchor=anchor)


def _chosen_period() -> tuple[PeriodForm, date | None]:
    """The month a posted period form chose; None (and a message) when it chose none."""
    form = PeriodForm()
    form.period.choices = month_choices()
    if not form.validate_on_submit():
        flash(_("Choose a month."), "error")
        return form, None
    return form, month_or_previous(form.period.data)


def _start(task: Callable, *args: Any, title: str) -> Response:
    """Enqueue a job for the current user (in the page's language), commit, show its progress."""
    handle = commit(
        lambda: jobs.enqueue(task, current_user.id, *args, current_language(), job_title=title)
    )
    return redirect(handle.status_url, code=303)


def _book_once(scope: str, form: FlaskForm, book: Callable[[], Any], made: str) -> None:
    """Run a money form's service call once per submission key: a form sent twice gets the
    first one's answer and books nothing again."""
    done = submissions.claim(scope, form.key.data, current_user.id)
    if done.repeated:
        return
    row = book()
    if done.submission is not None:
        done.submission.result = f"{made}:{row.id}"


def _flash_form_errors(form: FlaskForm) -> None:
    flash(" ".join(e for errors in form.errors.values() for e in errors), "error")


@bp.post("/collectives/<int:collective_id>/invoices")
@login_required
def generate(collective_id: int):
    collective = managed(Collective, collective_id)
    form, period = _chosen_period()
    if period is None:
        return _to_collective(collective, "invoices")
    url = _collective_url(collective, "invoices", form.period.data)
    title = _l("Issuing the invoices of %(month)s", month=period.strftime("%m-%Y"))
    return _start(tasks.generate_invoices, collective.organisation_id, period, url, title=title)


@bp.post("/collectives/<int:collective_id>/invoices/pdfs")
@login_required
def invoice_pdfs(collective_id: int):
    """Start a job that puts the PDFs of the month's invoices in one ZIP file."""
    collective = managed(Collective, collective_id)
    form, period = _chosen_period()
    if period is None:
        return _to_collective(collective, "invoices")
    if db.session.scalar(tasks.invoices_of_month(collective.id, period).limit(1)) is None:
        flash(_("There are no invoices of this month yet."), "error")
        return _to_collective(collective, "invoices", form.period.data)
    token = tasks.new_token()
    url = url_for("billing.download", collective_id=collective.id, token=token)
    title = _l("Invoice PDFs of %(month)s", month=period.strftime("%m-%Y"))
    return _start(tasks.invoice_pdfs_zip, collective.id, period, token, url, title=title)


@bp.get("/collectives/<int:collective_id>/downloads/<token>.zip")
@login_required
def download(collective_id: int, token: str):
    """A ZIP file a job made for the collective's staff."""
    collective = managed(Collective, collective_id)
    if not tasks.valid_token(token):
        abort(404)
    try:
        return get_storage().send(
            tasks.download_key(collective.id, token),
            f"invoices-{collective.id}-{token[:8]}.zip",
            "application/zip",
            as_attachment=True,
        )
    except FileNotFoundError:
        abort(404)


def _sees_invoice(user, invoice: Invoice) -> bool:
    return invoice.starter_id == user.id or can_manage(user, invoice.organisation_id)


@bp.get("/invoices/<int:invoice_id>.pdf")
@login_required
def invoice_pdf(invoice_id: int):
    invoice = load(Invoice, invoice_id, _sees_invoice)
    return pdf.download(documents.invoice_pdf(invoice), f"invoice-{invoice.number}.pdf")


def _pay(invoice: Invoice, form: PaymentForm) -> None:
    """Book the payment the form names on the invoice (once per submission key)."""
    _book_once(
        f"payment:invoice:{invoice.id}",
        form,
        lambda: services.record_payment(
            current_user,
            invoice,
            required(form.amount.data),
            form.received_on.data,
            form.reference.data,
        ),
        "payment",
    )


@bp.post("/invoices/<int:invoice_id>/payments")
@login_required
def record_payment(invoice_id: int):
    invoice = managed(Invoice, invoice_id)
    form = PaymentForm()
    if not form.validate_on_submit():
        _flash_form_errors(form)
    elif attempt(lambda: _pay(invoice, form), refused=services.BillingError):
        flash(_("Payment recorded for invoice %(n)d.", n=invoice.number), "success")
    collective = (
        db.session.get(Collective, invoice.collective_id) if invoice.collective_id else None
    )
    if collective is None:
        return redirect(url_for("main.home"))
    return _to_collective(collective, "invoices", invoice.period.strftime("%Y-%m"))


@bp.post("/collectives/<int:collective_id>/settlements")
@login_required
def settle(collective_id: int):
    collective = managed(Collective, collective_id)
    form, period = _chosen_period()
    if period is None:
        return _to_collective(collective, "settlements")
    if not attempt(
        lambda: services.check_settlement(current_user, collective, period, form.confirm.data),
        refused=services.BillingError,
    ):
        return _to_collective(collective, "settlements", form.period.data)
    url = _collective_url(collective, "settlements", form.period.data)
    title = _l("Settling %(month)s", month=period.strftime("%m-%Y"))
    return _start(
        tasks.settle_collectives, [collective.id], period, form.confirm.data, url, title=title
    )


def _settlement_problems(collectives: list[Collective], period: date, confirm: bool) -> list[str]:
    """Why each collective's month cannot be settled (nothing when all can)."""
    problems = []
    for collective in collectives:
        try:
            services.check_settlement(current_user, collective, period, confirm)
        except services.BillingError as exc:
            problems.append(f"{collective.name}: {exc}")
    return problems


@bp.post("/organisations/<int:organisation_id>/settlements")
@login_required
def settle_all(organisation_id: int):
    """Settle the month of every collective of the organisation: one job, collective by one."""
    organisation = _receivables_organisation(organisation_id)
    form, period = _chosen_period()
    back = url_for("letting.collectives", organisation_id=organisation.id)
    if period is None:
        return redirect(back)
    collectives = list(
        db.session.scalars(
            sa.select(Collective)
            .where(Collective.organisation_id == organisation.id)
            .order_by(Collective.name)
        )
    )
    problems = _settlement_problems(collectives, period, form.confirm.data)
    if problems or not collectives:
        for problem in problems or [_("This organisation has no collectives yet.")]:
            flash(problem, "error")
        return redirect(back)
    ids, title = (
        [c.id for c in collectives],
        _l("Settling %(month)s", month=period.strftime("%m-%Y")),
    )
    return _start(tasks.settle_collectives, ids, period, form.confirm.data, back, title=title)


def _managed_settlement(settlement_id: int) -> Settlement:
    """A settlement of a collective the current user's organisation runs (404 / 403)."""
    return managed(Settlement, settlement_id, lambda item: item.collective.organisation_id)


@bp.get("/settlements/<int:settlement_id>")
@login_required
def settlement(settlement_id: int):
    item = _managed_settlement(settlement_id)
    return render_template(
        "billing/settlement.html",
        settlement=item,
        explained=services.explain_settlement(item),
        approval=services.settlement_approval(item),
        four_eyes_threshold=approvals.threshold_cents(item.collective.organisation_id),
        button=ButtonForm(),
    )


def _approved_message(item: Settlement) -> str:
    if item.status == SettlementStatus.CALCULATED:  # four eyes: the first of two approvals
        return _("You approved the settlement. A second colleague must approve it too.")
    return _("The settlement is now %(status)s.", status=services.settlement_label(item.status))


@bp.post("/settlements/<int:settlement_id>/<action>")
@login_required
@two_factor_required
def settlement_action(settlement_id: int, action: str):
    item = _managed_settlement(settlement_id)
    actions = {"approve": services.approve_settlement, "paid": services.mark_settlement_paid}
    if action not in actions:
        abort(404)
    button_action(
        lambda: actions[action](current_user, item),
        lambda: _approved_message(item),
        refused=services.BillingError,
    )
    return redirect(url_for("billing.settlement", settlement_id=item.id))


def _propose(collective: Collective, form: SpendingForm) -> None:
    """Propose the spending the form names from the fund (once per submission key)."""
    _book_once(
        f"fund:{collective.id}",
        form,
        lambda: services.propose_spending(
            current_user,
            collective,
            FundPurpose(form.purpose.data),
            form.description.data,
            required(form.amount.data),
        ),
        "fund_spending",
    )


@bp.post("/collectives/<int:collective_id>/fund")
@login_required
def propose_spending(collective_id: int):
    collective = managed(Collective, collective_id)
    form = SpendingForm()
    if not form.validate_on_submit():
        _flash_form_errors(form)
    elif attempt(lambda: _propose(collective, form), refused=services.BillingError):
        flash(_("Spending proposed; an organisation admin decides."), "success")
    return _to_collective(collective, "fund")


@bp.post("/fund/<int:spending_id>/<decision>")
@login_required
@two_factor_required
def decide_spending(spending_id: int, decision: str):
    spending = load(FundSpending, spending_id)
    collective = managed(Collective, spending.collective_id)
    if decision not in ("approve", "reject"):
        abort(404)
    button_action(
        lambda: services.decide_spending(current_user, spending, decision == "approve"),
        _("Decision recorded."),
        refused=services.BillingError,
    )
    return _to_collective(collective, "fund")


# Receivables ------------------------------------------------------------------------------


def _receivables_organisation(organisation_id: int) -> Organisation:
    return managed(Organisation, organisation_id, attrgetter("id"))


def _receivables_filter() -> receivables.ReceivableFilter:
    try:
        return receivables.ReceivableFilter(request.args.get("show", "open"))
    except ValueError:
        abort(400, _("Unknown selection."))


@bp.get("/organisations/<int:organisation_id>/receivables")
@login_required
def receivables_page(organisation_id: int):
    organisation = _receivables_organisation(organisation_id)
    which, today = _receivables_filter(), clock.today()
    page = db.paginate(
        receivables.receivables(organisation.id, which, today),
        page=requested_page(),
        per_page=50,
        error_out=False,
    )
    rows = list(page.items)
    return render_template(
        "billing/receivables.html",
        organisation=organisation,
        which=which,
        page=page,
        rows=rows,
        today=today,
        totals=receivables.totals(organisation.id, today),
        reminders=receivables.reminders_sent([invoice.id for invoice in rows]),
        days_overdue=receivables.days_overdue,
        button=ButtonForm(),
    )


@bp.get("/organisations/<int:organisation_id>/receivables.csv")
@login_required
def receivables_csv(organisation_id: int):
    organisation = _receivables_organisation(organisation_id)
    which, today = _receivables_filter(), clock.today()
    invoices = db.session.scalars(receivables.receivables(organisation.id, which, today))
    table = documents.receivables_table(invoices, today)
    return exports.download(table, "csv", f"receivables-{which.value}")


@bp.post("/organisations/<int:organisation_id>/receivables/remind")
@login_required
def send_reminders(organisation_id: int):
    organisation = _receivables_organisation(organisation_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    sent = commit(lambda: receivables.send_reminders(clock.today(), organisation.id))
    flash(ngettext("%(num)d reminder sent.", "%(num)d reminders sent.", len(sent)), "success")
    return redirect(
        url_for(
            "billing.receivables_page",
            organisation_id=organisation.id,
            show=receivables.ReceivableFilter.OVERDUE.value,
        )
    )


# Landlord statements -----------------------------------------------------------------------


def _my_settlement(settlement_id: int) -> Settlement:
    """A settlement with lines for the current landlord; anyone else's is a 404."""
    return load(
        Settlement, settlement_id, lambda user, item: bool(documents.statement_lines(item, user.id))
    )


@bp.get("/my/statements")
@login_required
def statements():
    settlements = db.session.scalars(
        sa.select(Settlement)
        .where(
            Settlement.id.in_(
                sa.select(SettlementLine.settlement_id).where(
                    SettlementLine.landlord_id == current_user.id
                )
            )
        )
        .order_by(Settlement.period.desc())
    ).all()
    rows = [(s, documents.statement_lines(s, current_user.id)) for s in settlements]
    payouts = documents.payouts_of(current_user.id, [s.id for s in settlements])
    return render_template("billing/statements.html", rows=rows, payouts=payouts)


@bp.get("/my/statements/<int:settlement_id>.csv")
@login_required
def statement_csv(settlement_id: int):
    item = _my_settlement(settlement_id)
    table = documents.statement_table(item, current_user.id)
    return exports.download(table, "csv", f"statement-{item.period:%Y-%m}")


@bp.get("/my/statements/<int:settlement_id>.pdf")
@login_required
def statement_pdf(settlement_id: int):
    item = _my_settlement(settlement_id)
    return pdf.download(
        documents.statement_pdf(item, current_user.id, current_user.name),
        f"statement-{item.period:%Y-%m}.pdf",
    )


@bp.app_context_processor
def billing_labels() -> dict:
    return {
        "settlement_label": services.settlement_label,
        "fund_status_label": services.fund_status_label,
        "beneficiary_label": services.beneficiary_label,
        "payout_text": documents.payout_text,
        "bp_percent": _bp_percent,
    }


def _bp_percent(basis_points: int) -> str:
    """3850 → '38,5 %' (in English '38.5 %')."""
    return f"{format_decimal(Decimal(basis_points) / 100, format='#,##0.##')} %"
