"""The sentences of the notices about applications and offers, registered for
``vrijstad.notifications`` (imported by ``models.py``)."""

from vrijstad.i18n import lazy_gettext as _l
from vrijstad.notifications.texts import register_texts

NOTICE_TEXTS = register_texts(
    {
        "application.submitted": _l("%(starter)s applied for %(unit)s."),
        "application.withdrawn": _l("%(starter)s withdrew the application for %(unit)s."),
        "application.shortlisted": _l("Your application for %(unit)s is on the shortlist."),
        "application.rejected": _l(
            "Your application for %(unit)s was not chosen. Thank you for your interest."
        ),
        "application.unit_let": _l(
            "%(unit)s has been let to another starter, so your application is closed. Thank you "
            "for applying — other units may suit you just as well."
        ),
        "application.message": _l("New message from %(author)s about %(unit)s."),
        "application.viewing": _l("Viewing of %(unit)s planned on %(when)s."),
        "application.offered": _l("You received an offer for %(unit)s."),
        "application.offer_withdrawn": _l("The offer for %(unit)s was withdrawn."),
        "application.accepted": _l("%(starter)s accepted the offer for %(unit)s."),
        "application.declined": _l("%(starter)s declined the offer for %(unit)s."),
        "placement.created": _l(
            "Your placement in %(unit)s is agreed. Download the draft agreement."
        ),
    }
)
