"""The payments port: a manual provider (bank transfer) and Stripe; webhooks; payouts.

Only this feature knows Stripe. Money is booked through billing.record_payment and the
ledger, always with a key, so an event that arrives twice is booked once.

Where things live: ``common`` (errors, the steps every event handler shares), ``port`` (the
providers and checkout), ``webhooks`` (verified events, payments, failures, refunds),
``disputes``, ``payouts`` (accounts, Stripe transfers) and ``payout_files`` (the SEPA
file and the bank's confirmation). The names below are the feature's public API.
"""

from vrijstad.payments.services.common import (
    CURRENCY,
    PaymentsError,
    WebhookRejected,
    _staff,
    issue_label,
)
from vrijstad.payments.services.payout_files import (
    Payee,
    confirm_batch,
    live_batch,
    pay_by_sepa,
    payees,
    reject_batch,
    remind_missing,
    without_iban,
)
from vrijstad.payments.services.payouts import (
    PAYOUT_APPROVAL,
    landlord_shares,
    next_business_day,
    pay_by_stripe,
    payout_account,
    payout_label,
    refresh_onboarding,
    save_bank_account,
    start_onboarding,
)
from vrijstad.payments.services.port import (
    PAYMENT_METHOD_TYPES,
    Checkout,
    ManualProvider,
    StripeProvider,
    checkout,
    payment_status,
    payout_key,
    provider,
)
from vrijstad.payments.services.webhooks import (
    EARLIEST_EVENT,
    MAX_EVENT_CENTS,
    MAX_ID,
    WEBHOOK_EVENTS,
    WEBHOOK_HANDLERS,
    WEBHOOK_TOLERANCE,
    check_event,
    handle_webhook,
    resolve_issue,
)

__all__ = [
    "CURRENCY",
    "EARLIEST_EVENT",
    "MAX_EVENT_CENTS",
    "MAX_ID",
    "PAYMENT_METHOD_TYPES",
    "WEBHOOK_EVENTS",
    "WEBHOOK_HANDLERS",
    "WEBHOOK_TOLERANCE",
    "Checkout",
    "ManualProvider",
    "Payee",
    "PaymentsError",
    "StripeProvider",
    "WebhookRejected",
    "_staff",
    "check_event",
    "checkout",
    "confirm_batch",
    "handle_webhook",
    "issue_label",
    "landlord_shares",
    "live_batch",
    "next_business_day",
    "pay_by_sepa",
    "pay_by_stripe",
    "PAYOUT_APPROVAL",
    "payment_status",
    "payout_account",
    "payout_key",
    "payees",
    "payout_label",
    "provider",
    "refresh_onboarding",
    "reject_batch",
    "remind_missing",
    "resolve_issue",
    "save_bank_account",
    "start_onboarding",
    "without_iban",
]
