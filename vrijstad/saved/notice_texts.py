"""The sentences of the notices about favourite units, registered for
``vrijstad.notifications`` (imported by ``models.py``)."""

from vrijstad.i18n import lazy_gettext as _l
from vrijstad.notifications.texts import register_texts

NOTICE_TEXTS = register_texts(
    {
        "favourite.let": _l("%(unit)s, one of your favourites, has been let."),
        "favourite.rent": _l(
            "The rent of %(unit)s, one of your favourites, changed from %(old)s to %(new)s "
            "per month."
        ),
    }
)
