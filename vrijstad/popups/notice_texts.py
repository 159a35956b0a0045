"""The sentences of the notices about pop-up bookings, registered for
``vrijstad.notifications`` (imported by ``models.py``)."""

from vrijstad.i18n import lazy_gettext as _l
from vrijstad.notifications.texts import register_texts

NOTICE_TEXTS = register_texts(
    {
        "booking.requested": _l("%(starter)s asks to book %(unit)s for %(dates)s."),
        "booking.accepted": _l(
            "Your booking of %(unit)s for %(dates)s is accepted: the days are yours."
        ),
        "booking.declined": _l("Your booking request for %(unit)s (%(dates)s) was declined."),
        "booking.dates_taken": _l(
            "%(unit)s has been booked by someone else for (part of) %(dates)s, so your request "
            "is closed."
        ),
        "booking.cancelled": _l("The booking of %(unit)s for %(dates)s was cancelled."),
    }
)
