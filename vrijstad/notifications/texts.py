"""The sentence of each kind of notice, kept beside the feature that sends it.

A feature registers its sentences in its ``notice_texts.py`` (imported by its ``models.py``, so
they are known once the app is made)::

    register_texts({"booking.accepted": _l("Your booking of %(unit)s ... accepted."), ...})

and ``notification_text`` asks ``text_for(kind)``. The texts are lazy: each is translated when
it is shown, in the reader's language.
"""

from collections.abc import Mapping

from flask_babel.speaklater import LazyString

_TEXTS: dict[str, LazyString] = {}


def register_texts(texts: Mapping[str, LazyString]) -> Mapping[str, LazyString]:
    """Keep the sentence of each kind ("feature.event"); returns them for local use.

    A kind belongs to one feature: registering it again with another text is refused."""
    for kind, text in texts.items():
        known = _TEXTS.get(kind)
        if known is not None and known is not text:
            raise ValueError(f"notice kind {kind!r} has a text already")
    _TEXTS.update(texts)
    return texts


def text_for(kind: str) -> LazyString | None:
    """The (lazy) sentence of a kind of notice, or None for an unknown kind."""
    return _TEXTS.get(kind)


def registered_kinds() -> frozenset[str]:
    return frozenset(_TEXTS)
