"""The sentences of the notices about contests (Win een winkel), registered for
``vrijstad.notifications`` (imported by ``models.py``)."""

from vrijstad.i18n import lazy_gettext as _l
from vrijstad.notifications.texts import register_texts

NOTICE_TEXTS = register_texts(
    {
        "contest.entered": _l("Your entry for %(contest)s is in. Good luck!"),
        "contest.finalist": _l("You are a finalist in %(contest)s: you will pitch to the jury."),
        "contest.not_shortlisted": _l(
            "Your entry for %(contest)s did not make the shortlist. Thank you for taking part."
        ),
        "contest.won": _l("Congratulations: you won %(contest)s! Your placement is agreed."),
        "contest.announced": _l(
            "The winner of %(contest)s has been announced. Thank you for taking part."
        ),
        "contest.cancelled": _l("%(contest)s has been cancelled."),
        "contest.erratum": _l("%(contest)s has published a correction to the call: read it."),
        "contest.deadline_extended": _l(
            "A deadline of %(contest)s has been extended: see the new date on the contest page."
        ),
        "contest.unit_won": _l("%(winner)s won %(unit)s in %(contest)s; the placement is agreed."),
    }
)
