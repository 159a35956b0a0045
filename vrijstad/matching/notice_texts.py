"""The sentences of the notices about matching invitations, registered for
``vrijstad.notifications`` (imported by ``models.py``)."""

from vrijstad.i18n import lazy_gettext as _l
from vrijstad.notifications.texts import register_texts

NOTICE_TEXTS = register_texts(
    {
        "matching.invited": _l(
            "You are invited to apply for %(unit)s: it fits your profile (%(score)s out of 100)."
        ),
    }
)
