"""Paying invoices online, the Stripe webhook, bank-statement imports, issues and payouts."""

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from vrijstad import submissions
from vrijstad.auth.guards import two_factor_required
from vrijstad.billing import paying
from vrijstad.billing.models import Invoice, Settlement
from vrijstad.billing.services import settlement_label
from vrijstad.extensions import csrf, db
from vrijstad.forms import ButtonForm, reads_own_body
from vrijstad.i18n import gettext as _
from vrijstad.organisations.models import MemberRole, Organisation
from vrijstad.organisations.services import can_manage
from vrijstad.payments import queries, services, statements
from vrijstad.payments.forms import BankAccountForm, SepaForm, StatementForm
from vrijstad.payments.models import (
    BankImport,
    BankLine,
    BankLineStatus,
    LineReason,
    MatchedBy,
    PaymentIssue,
)
from vrijstad.security import CSP
from vrijstad.web import button_action

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
    invoice = db.get_or_404(Invoice, invoice_id)
    if invoice.starter_id != current_user.id:
        abort(404)  # not even whether it exists
    return invoice


def _organisation_or_403(organisation_id: int, role: MemberRole = MemberRole.STAFF):
    organisation = db.get_or_404(Organisation, organisation_id)
    if not can_manage(current_user, organisation.id, role):
        abort(403)
    return organisation


@bp.get("/invoices/<int:invoice_id>/pay")
@login_required
def pay(invoice_id: int):
    invoice = _my_invoice(invoice_id)
    try:
        checkout = services.checkout(current_user, invoice)
    except services.PaymentsError as exc:
        db.session.rollback()
        return render_template("payments/pay.html", invoice=invoice, error=str(exc)), 409
    db.session.commit()
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
    status = services.payment_status(current_user, invoice, request.args.get("payment_intent"))
    db.session.commit()
    return render_template("payments/return.html", invoice=invoice, status=status)


@bp.post("/webhooks/stripe")
@csrf.exempt
@reads_own_body
def stripe_webhook():
    try:
        outcome = services.handle_webhook(
            request.get_data(cache=False), request.headers.get("Stripe-Signature")
        )
    except services.WebhookRejected as exc:
        db.session.rollback()
        return {"error": str(exc)}, 400
    db.session.commit()
    return {"received": True, "outcome": outcome}


# Staff: bank statements and issues ---------------------------------------------------------


@bp.route("/organisations/<int:organisation_id>/bank-import", methods=["GET", "POST"])
@login_required
def bank_import(organisation_id: int):
    organisation = _organisation_or_403(organisation_id)
    form, errors = StatementForm(), []
    if form.validate_on_submit():
        upload = form.statement.data
        try:
            done = statements.import_statement(
                current_user, organisation, upload.filename, upload.read(statements.MAX_BYTES + 1)
            )
        except services.PaymentsError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            errors = getattr(exc, "errors", [])
        else:
            db.session.commit()
            flash(_("%(n)d payments booked.", n=done.matched_count), "success")
            return redirect(url_for(".bank_import_result", import_id=done.id))
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
    done = db.get_or_404(BankImport, import_id)
    organisation = _organisation_or_403(done.organisation_id)
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
    line = db.get_or_404(BankLine, line_id)
    _organisation_or_403(line.organisation_id)
    return line


@bp.post("/bank-lines/<int:line_id>/confirm")
@login_required
def confirm_line(line_id: int):
    line = _line_or_403(line_id)
    button_action(
        lambda: statements.confirm_suggestion(current_user, line),
        lambda: _("The payment is booked on invoice %(n)d.", n=line.invoice.number),
        services.PaymentsError,
    )
    return redirect(url_for(".bank_import_result", import_id=line.import_id))


@bp.post("/bank-lines/<int:line_id>/reject")
@login_required
def reject_line(line_id: int):
    line = _line_or_403(line_id)
    button_action(
        lambda: statements.reject_suggestion(current_user, line),
        _("The line is listed as not matched."),
        services.PaymentsError,
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
    issue = db.get_or_404(PaymentIssue, issue_id)
    if issue.organisation_id is None or not can_manage(current_user, issue.organisation_id):
        abort(403)
    if ButtonForm().validate_on_submit():
        services.resolve_issue(current_user, issue)
        db.session.commit()
    return redirect(url_for(".issues", organisation_id=issue.organisation_id))


# Staff: payouts of a settlement ------------------------------------------------------------


def _settlement_or_403(settlement_id: int) -> Settlement:
    settlement = db.get_or_404(Settlement, settlement_id)
    _organisation_or_403(settlement.collective.organisation_id)
    return settlement


@bp.get("/settlements/<int:settlement_id>/payouts")
@login_required
def payouts(settlement_id: int):
    settlement = _settlement_or_403(settlement_id)
    rows = db.session.scalars(queries.payouts_of(settlement.id)).all()
    batch = db.session.scalar(queries.batch_of(settlement.id))
    return render_template(
        "payments/payouts.html",
        settlement=settlement,
        payouts=rows,
        shares=services.landlord_shares(settlement),
        batch=batch,
        form=SepaForm(),
        stripe=current_app.config.get("PAYMENT_PROVIDER") == "stripe",
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
    try:
        if done.repeated:  # the same form sent again: answered like the first, paid once
            pass
        elif method == "sepa":
            services.pay_by_sepa(current_user, settlement, form.execution_date.data)
        else:
            services.pay_by_stripe(current_user, settlement)
    except services.PaymentsError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()  # also keeps failed transfers on record, for a safe retry
        flash(
            _("Payouts: the settlement is %(status)s.", status=settlement_label(settlement.status)),
            "success",
        )
    return redirect(url_for(".payouts", settlement_id=settlement.id))


@bp.get("/settlements/<int:settlement_id>/payouts/sepa.xml")
@login_required
def sepa_file(settlement_id: int):
    settlement = _settlement_or_403(settlement_id)
    batch = db.first_or_404(queries.batch_of(settlement.id))
    return (
        batch.xml,
        200,
        {
            "Content-Type": "application/xml",
            "Content-Disposition": f'attachment; filename="payouts-{settlement.period:%Y-%m}.xml"',
        },
    )


# Landlords: where their money goes ---------------------------------------------------------


@bp.route("/my/payout-account", methods=["GET", "POST"])
@login_required
def payout_account():
    if not current_user.is_landlord:
        abort(403)
    account = services.payout_account(current_user, create=False)
    form = BankAccountForm(obj=account)
    if form.validate_on_submit():
        try:
            services.save_bank_account(current_user, form.holder_name.data, form.iban.data)
        except services.PaymentsError as exc:
            db.session.rollback()
            form.iban.errors.append(str(exc))
        else:
            db.session.commit()
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
    if not current_user.is_landlord or not ButtonForm().validate_on_submit():
        abort(403)
    try:
        link = services.start_onboarding(
            current_user,
            url_for(".payout_account", _external=True),
            url_for(".connect_return", _external=True),
        )
    except services.PaymentsError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for(".payout_account"))
    db.session.commit()
    return redirect(link)


@bp.get("/my/payout-account/return")
@login_required
def connect_return():
    if not current_user.is_landlord:
        abort(403)
    try:
        services.refresh_onboarding(current_user)
    except services.PaymentsError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
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
