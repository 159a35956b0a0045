"""Paying invoices online, the Stripe webhook, bank-statement imports, issues and payouts."""

from operator import attrgetter
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from vrijstad import approvals, clock, submissions
from vrijstad.auth.guards import two_factor_required
from vrijstad.billing import paying
from vrijstad.billing.models import Invoice, Settlement
from vrijstad.billing.services import settlement_label
from vrijstad.extensions import csrf, db
from vrijstad.forms import ButtonForm, reads_own_body
from vrijstad.i18n import gettext as _
from vrijstad.i18n import ngettext
from vrijstad.loaders import allow, load, managed, owned
from vrijstad.organisations.models import MemberRole, Organisation
from vrijstad.organisations.services import can_manage
from vrijstad.payments import queries, sepa, services, statements
from vrijstad.payments.forms import BankAccountForm, ExecutedForm, SepaForm, StatementForm
from vrijstad.payments.models import (
    BankImport,
    BankLine,
    BankLineStatus,
    BatchStatus,
    LineReason,
    MatchedBy,
    PaymentIssue,
    PayoutBatch,
)
from vrijstad.security import CSP
from vrijstad.web import attempt, button_action, commit, on_field, required, silent

bp = Blueprint("payments", __name__)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def _stripe_csp() -> str:
    """The site's policy, opened for Stripe.js (its script, frames and API) on this page."""
    js = _origin(current_app.config.get("STRIPE_JS_URL", ""))
    api = _origin(current_app.config.get("STRIPE_API_BASE") or "https://api.stripe.com")
    extra = {
        "script-src": [js],
        "frame-src": [js, "https://hooks.stripe.com"],
        "connect-src": [js, api],
    }
    parts = []
    for directive in CSP.split("; "):
        name = directive.split(" ", 1)[0]
        parts.append(" ".join([directive, *sorted({o for o in extra.pop(name, []) if o})]))
    parts += [f"{name} 'self' {' '.join(sorted({o for o in v if o}))}" for name, v in extra.items()]
    return "; ".join(parts)


def _my_invoice(invoice_id: int) -> Invoice:
    # Another's invoice is a 404: not even whether it exists.
    return load(Invoice, invoice_id, lambda user, invoice: invoice.starter_id == user.id)


def _organisation_or_403(organisation_id: int, role: MemberRole = MemberRole.STAFF):
    return managed(Organisation, organisation_id, attrgetter("id"), role)


@bp.get("/invoices/<int:invoice_id>/pay")
@login_required
def pay(invoice_id: int):
    invoice = _my_invoice(invoice_id)
    done = attempt(lambda: services.checkout(current_user, invoice), show=silent)
    if (checkout := done.value) is None:
        return render_template("payments/pay.html", invoice=invoice, error=str(done.error)), 409
    qr = paying.epc_svg(invoice, checkout.amount_cents)  # the bank transfer by QR code
    response = current_app.make_response(
        render_template("payments/pay.html", invoice=invoice, checkout=checkout, qr=qr)
    )
    if checkout.client_secret:
        response.headers["Content-Security-Policy"] = _stripe_csp()
    return response


@bp.get("/invoices/<int:invoice_id>/pay/return")
@login_required
def pay_return(invoice_id: int):
    invoice = _my_invoice(invoice_id)
    intent = request.args.get("payment_intent")
    status = commit(lambda: services.payment_status(current_user, invoice, intent))
    return render_template("payments/return.html", invoice=invoice, status=status)


@bp.post("/webhooks/stripe")
@csrf.exempt
@reads_own_body
def stripe_webhook():
    body, signature = request.get_data(cache=False), request.headers.get("Stripe-Signature")
    done = attempt(
        lambda: services.handle_webhook(body, signature),
        refused=services.WebhookRejected,
        show=silent,
    )
    if done.error:
        return {"error": str(done.error)}, 400
    return {"received": True, "outcome": done.value}


# Staff: bank statements and issues ---------------------------------------------------------


@bp.route("/organisations/<int:organisation_id>/bank-import", methods=["GET", "POST"])
@login_required
def bank_import(organisation_id: int):
    organisation = _organisation_or_403(organisation_id)
    form, errors = StatementForm(), list[str]()
    if form.validate_on_submit():
        upload = form.statement.data
        content = upload.read(statements.MAX_BYTES + 1)
        outcome = attempt(
            lambda: statements.import_statement(
                current_user, organisation, upload.filename, content
            )
        )
        if done := outcome.value:
            flash(
                ngettext("%(num)d payment booked.", "%(num)d payments booked.", done.matched_count),
                "success",
            )
            return redirect(url_for(".bank_import_result", import_id=done.id))
        errors = getattr(outcome.error, "errors", [])
    imports = db.session.scalars(queries.recent_imports(organisation.id)).all()
    status = 422 if form.is_submitted() else 200
    counts = queries.line_counts([i.id for i in imports])
    return render_template(
        "payments/bank_import.html",
        organisation=organisation,
        form=form,
        errors=errors,
        imports=imports,
        counts=counts,
    ), status


@bp.get("/bank-imports/<int:import_id>")
@login_required
def bank_import_result(import_id: int):
    done = managed(BankImport, import_id)
    organisation = load(Organisation, done.organisation_id)
    groups: dict[BankLineStatus, list[BankLine]] = {status: [] for status in BankLineStatus}
    for line in db.session.scalars(queries.lines_of(done.id)):
        groups[line.status].append(line)
    return render_template(
        "payments/bank_import_result.html",
        organisation=organisation,
        bank_import=done,
        groups=groups,
        Status=BankLineStatus,
        button=ButtonForm(),
    )


def _line_or_403(line_id: int) -> BankLine:
    return managed(BankLine, line_id)


@bp.post("/bank-lines/<int:line_id>/confirm")
@login_required
def confirm_line(line_id: int):
    line = _line_or_403(line_id)
    button_action(
        lambda: statements.confirm_suggestion(current_user, line),
        lambda: _("The payment is booked on invoice %(n)d.", n=required(line.invoice).number),
    )
    return redirect(url_for(".bank_import_result", import_id=line.import_id))


@bp.post("/bank-lines/<int:line_id>/reject")
@login_required
def reject_line(line_id: int):
    line = _line_or_403(line_id)
    button_action(
        lambda: statements.reject_suggestion(current_user, line),
        _("The line is listed as not matched."),
    )
    return redirect(url_for(".bank_import_result", import_id=line.import_id))


@bp.get("/organisations/<int:organisation_id>/payment-issues")
@login_required
def issues(organisation_id: int):
    organisation = _organisation_or_403(organisation_id)
    items = db.session.scalars(queries.open_issues(organisation.id)).all()
    return render_template(
        "payments/issues.html", organisation=organisation, issues=items, button=ButtonForm()
    )


@bp.post("/payment-issues/<int:issue_id>/resolve")
@login_required
def resolve_issue(issue_id: int):
    issue = owned(
        PaymentIssue,
        issue_id,
        lambda user, issue: (
            issue.organisation_id is not None and can_manage(user, issue.organisation_id)
        ),
    )
    if ButtonForm().validate_on_submit():
        commit(lambda: services.resolve_issue(current_user, issue))
    return redirect(url_for(".issues", organisation_id=issue.organisation_id))


# Staff: payouts of a settlement ------------------------------------------------------------


def _settlement_or_403(settlement_id: int) -> Settlement:
    return managed(Settlement, settlement_id, lambda s: s.collective.organisation_id)


@bp.get("/settlements/<int:settlement_id>/payouts")
@login_required
def payouts(settlement_id: int):
    settlement = _settlement_or_403(settlement_id)
    batches = db.session.scalars(queries.batches_of(settlement.id)).all()
    batch = next((b for b in batches if b.status != BatchStatus.REJECTED), None)
    payees = services.payees(settlement)
    # An imported statement may show the file's total leaving the account: propose that day;
    # else the bank most likely executed it on the day it was asked to, if that has come.
    seen = None
    if batch is not None and batch.status == BatchStatus.EXPORTED:
        organisation_id = settlement.collective.organisation_id
        seen = db.session.scalar(queries.statement_line_of(batch, organisation_id))
    executed_on = min(batch.execution_date, clock.today()) if batch else None
    if seen is not None:
        executed_on = seen.booked_on
    return render_template(
        "payments/payouts.html",
        settlement=settlement,
        payees=payees,
        total_cents=sum(p.amount_cents for p in payees),
        missing=services.without_iban(settlement),
        batch=batch,
        seen=seen,
        rejected=[b for b in batches if b.status == BatchStatus.REJECTED],
        form=SepaForm(),
        executed=ExecutedForm(executed_on=executed_on),
        button=ButtonForm(),
        stripe=current_app.config.get("PAYMENT_PROVIDER") == "stripe",
        approval=approvals.waiting(services.PAYOUT_APPROVAL, settlement.id),
        four_eyes_threshold=approvals.threshold_cents(settlement.collective.organisation_id),
    )


@bp.post("/settlements/<int:settlement_id>/payouts/<method>")
@login_required
@two_factor_required
def pay_out(settlement_id: int, method: str):
    settlement = _settlement_or_403(settlement_id)
    form = SepaForm()
    if method not in ("sepa", "stripe") or not form.validate_on_submit():
        abort(400)
    done = submissions.claim(f"payout:settlement:{settlement.id}", form.key.data, current_user.id)
    # A commit also keeps failed transfers on record, for a safe retry.
    outcome = attempt(lambda: _pay_out(settlement, method, form, repeated=done.repeated))
    if outcome and not outcome.value:
        flash(_("Your approval is recorded; a second colleague makes the payout."), "info")
    elif outcome:
        if method == "sepa":
            flash(
                _(
                    "The payment file is ready. Download it and upload it to your bank; when "
                    "the bank has executed it, confirm that here."
                ),
                "success",
            )
        else:
            flash(
                _(
                    "Payouts: the settlement is %(status)s.",
                    status=settlement_label(settlement.status),
                ),
                "success",
            )
    return redirect(url_for(".payouts", settlement_id=settlement.id))


def _pay_out(settlement: Settlement, method: str, form: SepaForm, repeated: bool) -> bool:
    """True when the payout was made; False when it waits for a second colleague."""
    if repeated:  # the same form sent again: answered like the first, paid once
        return True
    if method == "sepa":
        return services.pay_by_sepa(current_user, settlement, form.execution_date.data) is not None
    return services.pay_by_stripe(current_user, settlement) is not None


@bp.post("/settlements/<int:settlement_id>/payouts/remind")
@login_required
def remind_landlords(settlement_id: int):
    settlement = _settlement_or_403(settlement_id)
    button_action(
        lambda: services.remind_missing(current_user, settlement),
        _("The landlords without an IBAN were sent the link to their payout account."),
    )
    return redirect(url_for(".payouts", settlement_id=settlement.id))


def _batch_or_403(batch_id: int) -> PayoutBatch:
    return managed(
        PayoutBatch,
        batch_id,
        lambda b: db.session.get_one(Settlement, b.settlement_id).collective.organisation_id,
        MemberRole.ADMIN,
    )


@bp.post("/payout-batches/<int:batch_id>/executed")
@login_required
@two_factor_required
def confirm_batch(batch_id: int):
    batch = _batch_or_403(batch_id)
    form = ExecutedForm()
    if not form.validate_on_submit():
        flash(_("Enter the date the bank executed the file."), "error")
    elif attempt(lambda: services.confirm_batch(current_user, batch, form.executed_on.data)):
        flash(_("The bank executed the file: the landlords are paid."), "success")
    return redirect(url_for(".payouts", settlement_id=batch.settlement_id))


@bp.post("/payout-batches/<int:batch_id>/rejected")
@login_required
@two_factor_required
def reject_batch(batch_id: int):
    batch = _batch_or_403(batch_id)
    button_action(
        lambda: services.reject_batch(current_user, batch),
        _("The file is marked as rejected by the bank. You can make a new payment file."),
    )
    return redirect(url_for(".payouts", settlement_id=batch.settlement_id))


@bp.get("/settlements/<int:settlement_id>/payouts/sepa.xml")
@login_required
def sepa_file(settlement_id: int):
    settlement = _settlement_or_403(settlement_id)
    batch = services.live_batch(settlement.id) or abort(404)
    return sepa.download(batch.xml, f"payouts-{settlement.period:%Y-%m}.xml")


# Landlords: where their money goes ---------------------------------------------------------


@bp.route("/my/payout-account", methods=["GET", "POST"])
@login_required
def payout_account():
    allow(current_user.is_landlord)
    account = services.payout_account(current_user, create=False)
    form = BankAccountForm(obj=account)
    if form.validate_on_submit() and attempt(
        lambda: services.save_bank_account(current_user, form.holder_name.data, form.iban.data),
        show=on_field(form.iban),
    ):
        flash(_("Your payout account is saved."), "success")
        return redirect(url_for(".payout_account"))
    return render_template(
        "payments/payout_account.html",
        form=form,
        account=account,
        button=ButtonForm(),
        stripe=current_app.config.get("PAYMENT_PROVIDER") == "stripe",
    ), 422 if form.errors else 200


@bp.post("/my/payout-account/connect")
@login_required
def connect():
    allow(current_user.is_landlord and ButtonForm().validate_on_submit())
    done = attempt(
        lambda: services.start_onboarding(
            current_user,
            url_for(".payout_account", _external=True),
            url_for(".connect_return", _external=True),
        )
    )
    return redirect(done.value or url_for(".payout_account"))


@bp.get("/my/payout-account/return")
@login_required
def connect_return():
    allow(current_user.is_landlord)
    attempt(lambda: services.refresh_onboarding(current_user))
    return redirect(url_for(".payout_account"))


def line_reason_label(reason: LineReason | None) -> str:
    if reason is None:
        return ""
    return {
        LineReason.NO_REFERENCE: _("no invoice reference"),
        LineReason.UNKNOWN_INVOICE: _("reference of an unknown invoice"),
        LineReason.ALREADY_PAID: _("invoice already paid"),
        LineReason.MORE_THAN_OPEN: _("more than is open on the invoice"),
        LineReason.NOT_BOOKABLE: _("could not be booked"),
        LineReason.FOREIGN_CURRENCY: _("currency is not euro"),
        LineReason.REVERSAL: _("reversal by the bank"),
        LineReason.DEBIT: _("outgoing, not booked"),
        LineReason.SUGGESTION_REJECTED: _("suggestion rejected"),
    }[LineReason(reason)]


def matched_by_label(how: MatchedBy | None) -> str:
    if how is None:
        return ""
    return {
        MatchedBy.REFERENCE: _("payment reference"),
        MatchedBy.INVOICE_NUMBER: _("invoice number in the description"),
        MatchedBy.CONFIRMED: _("amount and name, confirmed by staff"),
    }[MatchedBy(how)]


BANK_FORMATS = {
    "camt053": "CAMT.053",
    "mt940": "MT940",
    "ing": "ING CSV",
    "rabobank": "Rabobank CSV",
    "abnamro": "ABN AMRO TXT",
    "csv": "CSV",
}


@bp.app_context_processor
def payment_labels() -> dict:
    return {
        "issue_label": services.issue_label,
        "payout_label": services.payout_label,
        "line_reason_label": line_reason_label,
        "matched_by_label": matched_by_label,
        "bank_formats": BANK_FORMATS,
    }
