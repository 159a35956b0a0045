"""Invoices, payments, settlements and the fund — every movement booked in the ledger.

Our model of collective letting (DOMAIN.md): starters pay the organisation; each month the
organisation settles what it actually received per unit: the fund's contribution and the
organisation's fee as percentages, the landlord the rest (pro rata) or what the head lease
says as far as the money covers it (head-lease rule; a surplus stays with the organisation).
Every cent received is assigned, with largest-remainder rounding.

Where things live: ``common`` (errors, rounding, row locks), ``invoicing`` (monthly and
one-off invoices), ``receipts`` (money received: payment_effect, record_payment,
PaymentBatch), ``deposits`` (the deposit: invoiced, held, returned), ``reconciliation``
(the yearly turnover settlement), ``settlements`` (the monthly split, approval with four eyes,
paid), ``explained`` (a settlement's payments and split in words for its page) and ``fund``.
The names below are the feature's public API; import them from here.
"""

from vrijstad.billing.models import PAYMENT_TERM_DAYS
from vrijstad.billing.services.common import (
    BillingError,
    NeedsConfirmation,
    lock_invoice,
    lock_invoices,
    lock_settlement,
    percent_of,
    round_half_up,
)
from vrijstad.billing.services.deposits import (
    DepositState,
    PendingTransfer,
    deposit_state,
    has_ended,
    issue_deposit_invoice,
    pending_transfer,
    record_bank_guarantee,
    record_transfer,
    return_deposit,
)
from vrijstad.billing.services.explained import Breakdown, Part, Receipts, explain_settlement
from vrijstad.billing.services.fund import decide_spending, fund_balance, propose_spending
from vrijstad.billing.services.invoicing import (
    InvoiceRun,
    Line,
    active_days,
    generate_invoices,
    invoice_lines,
    invoiceable,
    issue_invoice,
    issue_one_off_invoice,
    month_number,
    rent_for,
)
from vrijstad.billing.services.receipts import (
    PaymentBatch,
    PaymentEffect,
    PaymentRefused,
    PaymentRequest,
    payment_effect,
    record_payment,
)
from vrijstad.billing.services.reconciliation import (
    may_reconcile,
    months_in_year,
    reconcile_year,
    reconciliation_of,
)
from vrijstad.billing.services.settlements import (
    SETTLEMENT_APPROVAL,
    UnitShare,
    approve_settlement,
    beneficiary_label,
    calculate_settlement,
    calculate_settlements,
    check_settlement,
    fund_status_label,
    landlord_shares,
    mark_settlement_paid,
    settlement_approval,
    settlement_label,
    split_unit,
    unchecked_reports,
)

__all__ = [
    "PAYMENT_TERM_DAYS",
    "BillingError",
    "DepositState",
    "Breakdown",
    "InvoiceRun",
    "Line",
    "NeedsConfirmation",
    "PaymentBatch",
    "PaymentEffect",
    "PaymentRefused",
    "Part",
    "PaymentRequest",
    "Receipts",
    "SETTLEMENT_APPROVAL",
    "UnitShare",
    "active_days",
    "approve_settlement",
    "beneficiary_label",
    "calculate_settlement",
    "calculate_settlements",
    "check_settlement",
    "decide_spending",
    "deposit_state",
    "explain_settlement",
    "fund_balance",
    "fund_status_label",
    "generate_invoices",
    "has_ended",
    "invoice_lines",
    "invoiceable",
    "issue_deposit_invoice",
    "issue_invoice",
    "issue_one_off_invoice",
    "landlord_shares",
    "lock_invoice",
    "lock_invoices",
    "lock_settlement",
    "mark_settlement_paid",
    "may_reconcile",
    "month_number",
    "months_in_year",
    "payment_effect",
    "percent_of",
    "propose_spending",
    "reconcile_year",
    "reconciliation_of",
    "record_bank_guarantee",
    "record_payment",
    "rent_for",
    "PendingTransfer",
    "pending_transfer",
    "record_transfer",
    "return_deposit",
    "round_half_up",
    "settlement_approval",
    "settlement_label",
    "split_unit",
    "unchecked_reports",
]
