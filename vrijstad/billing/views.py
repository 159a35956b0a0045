"""Invoices, payments, settlements, the fund and landlord statements."""

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from vrijstad import clock, exports, jobs, submissions
from vrijstad.auth.guards import two_factor_required
from vrijstad.billing import documents, receivables, services, tasks
from vrijstad.billing.forms import PaymentForm, PeriodForm, SpendingForm
from vrijstad.billing.models import FundPurpose, FundSpending, Invoice, Settlement, SettlementLine
from vrijstad.extensions import db
from vrijstad.forms import ButtonForm, month_choices, month_or_previous, requested_page
from vrijstad.i18n import current_language
from vrijstad.i18n import gettext as _
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.letting.models import Collective
from vrijstad.loaders import managed
from vrijstad.organisations.models import Organisation
from vrijstad.organisations.services import can_manage
from vrijstad.storage import get_storage

bp = Blueprint("billing", __name__)


def _to_collective(collective: Collective, anchor: str, period: str | None = None):
    return redirect(
        url_for(
            "letting.collective",
            collective_id=collective.id,
            period=period or request.values.get("period") or None,
            _anchor=anchor,
        )
    )


def _chosen_period() -> tuple[PeriodForm, date | None]:
    """The month a posted period form chose; None (and a message) when it chose none."""
    form = PeriodForm()
    form.period.choices = month_choices()
    if not form.validate_on_submit():
        flash(_("Choose a month."), "error")
        return form, None
    return form, month_or_previous(form.period.data)


@bp.post("/collectives/<int:collective_id>/invoices")
@login_required
def generate(collective_id: int):
    collective = managed(Collective, collective_id)
    form, period = _chosen_period()
    if period is None:
        return _to_collective(collective, "invoices")
    handle = jobs.enqueue(
        tasks.generate_invoices,
        current_user.id,
        collective.organisation_id,
        period,
        _collective_url(collective, "invoices", form.period.data),
        current_language(),
        job_title=_l("Issuing the invoices of %(month)s", month=period.strftime("%m-%Y")),
    )
    db.session.commit()
    return redirect(handle.status_url, code=303)


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
    handle = jobs.enqueue(
        tasks.invoice_pdfs_zip,
        current_user.id,
        collective.id,
        period,
        token,
        url_for("billing.download", collective_id=collective.id, token=token),
        current_language(),
        job_title=_l("Invoice PDFs of %(month)s", month=period.strftime("%m-%Y")),
    )
    db.session.commit()
    return redirect(handle.status_url, code=303)


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


def _collective_url(collective: Collective, anchor: str, period: str) -> str:
    return url_for("letting.collective", collective_id=collective.id, period=period, _anchor=anchor)


@bp.get("/invoices/<int:invoice_id>.pdf")
@login_required
def invoice_pdf(invoice_id: int):
    invoice = db.get_or_404(Invoice, invoice_id)
    if invoice.starter_id != current_user.id and not can_manage(
        current_user, invoice.organisation_id
    ):
        abort(404)
    return (
        documents.invoice_pdf(invoice),
        200,
        {
            "Content-Type": "application/pdf",
            "Content-Disposition": f'attachment; filename="invoice-{invoice.number}.pdf"',
        },
    )


@bp.post("/invoices/<int:invoice_id>/payments")
@login_required
def record_payment(invoice_id: int):
    invoice = db.get_or_404(Invoice, invoice_id)
    if not can_manage(current_user, invoice.organisation_id):
        abort(403)
    form = PaymentForm()
    if form.validate_on_submit():
        done = submissions.claim(f"payment:invoice:{invoice.id}", form.key.data, current_user.id)
        try:
            if not done.repeated:
                payment = services.record_payment(
                    current_user,
                    invoice,
                    form.amount.data,
                    form.received_on.data,
                    form.reference.data,
                )
                if done.submission is not None:
                    done.submission.result = f"payment:{payment.id}"
        except services.BillingError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()  # a repeated form: the first one's answer, nothing booked again
            flash(_("Payment recorded for invoice %(n)d.", n=invoice.number), "success")
    else:
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
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
    try:
        services.check_settlement(current_user, collective, period, form.confirm.data)
    except services.BillingError as exc:
        flash(str(exc), "error")
        return _to_collective(collective, "settlements", form.period.data)
    handle = jobs.enqueue(
        tasks.settle_collectives,
        current_user.id,
        [collective.id],
        period,
        form.confirm.data,
        _collective_url(collective, "settlements", form.period.data),
        current_language(),
        job_title=_l("Settling %(month)s", month=period.strftime("%m-%Y")),
    )
    db.session.commit()
    return redirect(handle.status_url, code=303)


@bp.post("/organisations/<int:organisation_id>/settlements")
@login_required
def settle_all(organisation_id: int):
    """Settle the month of every collective of the organisation: one job, collective by one."""
    organisation = _receivables_organisation(organisation_id)
    form, period = _chosen_period()
    back = url_for("letting.collectives", organisation_id=organisation.id)
    if period is None:
        return redirect(back)
    collectives = db.session.scalars(
        sa.select(Collective)
        .where(Collective.organisation_id == organisation.id)
        .order_by(Collective.name)
    ).all()
    problems = []
    for collective in collectives:
        try:
            services.check_settlement(current_user, collective, period, form.confirm.data)
        except services.BillingError as exc:
            problems.append(f"{collective.name}: {exc}")
    if problems or not collectives:
        for problem in problems or [_("This organisation has no collectives yet.")]:
            flash(problem, "error")
        return redirect(back)
    handle = jobs.enqueue(
        tasks.settle_collectives,
        current_user.id,
        [c.id for c in collectives],
        period,
        form.confirm.data,
        back,
        current_language(),
        job_title=_l("Settling %(month)s", month=period.strftime("%m-%Y")),
    )
    db.session.commit()
    return redirect(handle.status_url, code=303)


@bp.get("/settlements/<int:settlement_id>")
@login_required
def settlement(settlement_id: int):
    item = db.get_or_404(Settlement, settlement_id)
    managed(Collective, item.collective_id)
    return render_template("billing/settlement.html", settlement=item, button=ButtonForm())


@bp.post("/settlements/<int:settlement_id>/<action>")
@login_required
@two_factor_required
def settlement_action(settlement_id: int, action: str):
    item = db.get_or_404(Settlement, settlement_id)
    managed(Collective, item.collective_id)
    actions = {"approve": services.approve_settlement, "paid": services.mark_settlement_paid}
    if action not in actions:
        abort(404)
    if ButtonForm().validate_on_submit():
        try:
            actions[action](current_user, item)
        except services.BillingError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(
                _(
                    "The settlement is now %(status)s.",
                    status=services.settlement_label(item.status),
                ),
                "success",
            )
    return redirect(url_for("billing.settlement", settlement_id=item.id))


@bp.post("/collectives/<int:collective_id>/fund")
@login_required
def propose_spending(collective_id: int):
    collective = managed(Collective, collective_id)
    form = SpendingForm()
    if form.validate_on_submit():
        done = submissions.claim(f"fund:{collective.id}", form.key.data, current_user.id)
        try:
            if not done.repeated:
                spending = services.propose_spending(
                    current_user,
                    collective,
                    FundPurpose(form.purpose.data),
                    form.description.data,
                    form.amount.data,
                )
                if done.submission is not None:
                    done.submission.result = f"fund_spending:{spending.id}"
        except services.BillingError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(_("Spending proposed; an organisation admin decides."), "success")
    else:
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
    return _to_collective(collective, "fund")


@bp.post("/fund/<int:spending_id>/<decision>")
@login_required
@two_factor_required
def decide_spending(spending_id: int, decision: str):
    spending = db.get_or_404(FundSpending, spending_id)
    collective = managed(Collective, spending.collective_id)
    if decision not in ("approve", "reject"):
        abort(404)
    if ButtonForm().validate_on_submit():
        try:
            services.decide_spending(current_user, spending, decision == "approve")
        except services.BillingError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(_("Decision recorded."), "success")
    return _to_collective(collective, "fund")


# Receivables ------------------------------------------------------------------------------


def _receivables_organisation(organisation_id: int) -> Organisation:
    organisation = db.get_or_404(Organisation, organisation_id)
    if not can_manage(current_user, organisation.id):
        abort(403)
    return organisation


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
    sent = receivables.send_reminders(clock.today(), organisation.id)
    db.session.commit()
    flash(_("%(n)d reminders sent.", n=len(sent)), "success")
    return redirect(
        url_for(
            "billing.receivables_page",
            organisation_id=organisation.id,
            show=receivables.ReceivableFilter.OVERDUE.value,
        )
    )


# Landlord statements -----------------------------------------------------------------------


def _my_settlement(settlement_id: int) -> Settlement:
    item = db.get_or_404(Settlement, settlement_id)
    if not documents.statement_lines(item, current_user.id):
        abort(404)
    return item


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
    return (
        documents.statement_pdf(item, current_user.id, current_user.name),
        200,
        {
            "Content-Type": "application/pdf",
            "Content-Disposition": f'attachment; filename="statement-{item.period:%Y-%m}.pdf"',
        },
    )


@bp.app_context_processor
def billing_labels() -> dict:
    return {
        "settlement_label": services.settlement_label,
        "fund_status_label": services.fund_status_label,
        "beneficiary_label": services.beneficiary_label,
        "payout_text": documents.payout_text,
    }
