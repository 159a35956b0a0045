"""The sentences of the notices about invoices and reminders, registered for
``vrijstad.notifications`` (imported by ``models.py``)."""

from vrijstad.i18n import lazy_gettext as _l
from vrijstad.notifications.texts import register_texts

NOTICE_TEXTS = register_texts(
    {
        "invoice.issued": _l(
            "Invoice %(number)s for %(month)s is ready: %(amount)s, to be paid by %(deadline)s "
            "quoting reference %(reference)s."
        ),
        "invoice.reminder_7": _l(
            "Reminder: invoice %(number)s of %(amount)s was due on %(due)s. Please pay it now, "
            "quoting reference %(reference)s."
        ),
        "invoice.reminder_21": _l(
            "Second reminder: invoice %(number)s of %(amount)s is %(days)s days overdue. Please "
            "pay it now or contact us, so we do not have to take further steps."
        ),
        "deposit.returned": _l(
            "Your deposit for %(unit)s has been settled. Deposit held: %(deposit)s; damages: "
            "%(damages)s (%(description)s); refunded to you: %(refund)s."
        ),
        "reconciliation.issued": _l(
            "The turnover rent of %(year)s for %(unit)s has been settled on your annual "
            "turnover of %(turnover)s: rent due %(due)s, advances invoiced %(advances)s, "
            "difference %(difference)s."
        ),
        "invoice.overdue_staff": _l(
            "Invoice %(number)s of %(starter)s (%(amount)s) is %(days)s days overdue; the second "
            "reminder has been sent."
        ),
    }
)
