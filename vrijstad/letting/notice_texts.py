"""The sentences of the notices about turnover reports, registered for
``vrijstad.notifications`` (imported by ``models.py``)."""

from vrijstad.i18n import lazy_gettext as _l
from vrijstad.notifications.texts import register_texts

NOTICE_TEXTS = register_texts(
    {
        "turnover.due": _l(
            "Please send your turnover report for %(month)s (%(unit)s) by %(deadline)s."
        ),
        "turnover.late": _l(
            "Your turnover report for %(month)s (%(unit)s) was due on %(deadline)s. Please send "
            "it now: the month cannot be invoiced without it."
        ),
        "turnover.late_staff": _l(
            "%(starter)s has not sent the turnover report for %(month)s (%(unit)s); it was due "
            "on %(deadline)s."
        ),
    }
)
