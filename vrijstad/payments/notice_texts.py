"""The sentences of the notices about online payments, disputes and payouts, registered for
``vrijstad.notifications`` (imported by ``models.py``)."""

from vrijstad.i18n import lazy_gettext as _l
from vrijstad.notifications.texts import register_texts

NOTICE_TEXTS = register_texts(
    {
        "payment.failed": _l(
            "Your payment of %(amount)s for invoice %(number)s did not go through. Please try "
            "again, or pay by bank transfer."
        ),
        "payment.failed_staff": _l(
            "The online payment by %(starter)s of %(amount)s for invoice %(number)s failed."
        ),
        "payment.disputed_staff": _l(
            "%(starter)s's bank disputed or reversed the payment of %(amount)s for invoice "
            "%(number)s. The invoice is open again; answer a card dispute in Stripe."
        ),
        "payment.dispute_won_staff": _l(
            "The dispute about invoice %(number)s (%(starter)s) was decided in your favour: "
            "%(amount)s is booked back."
        ),
        "payout.iban_missing": _l(
            "%(organisation)s wants to pay out your share of %(collective)s for %(period)s, "
            "but has no bank account number (IBAN) for you yet. Fill in your payout account "
            "so the money can be transferred."
        ),
        "payment.dispute_lost_staff": _l(
            "The dispute about invoice %(number)s (%(starter)s) was lost: %(amount)s stays "
            "reversed and the invoice open."
        ),
    }
)
