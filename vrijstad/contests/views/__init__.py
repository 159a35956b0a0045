"""Win een winkel's pages, one module per audience, all on the one ``contests`` blueprint:
``public`` (the call and the public vote), ``entrants``, ``desk`` (the organisation's staff),
``corrections`` (errata and deadlines moved forward on a published call) and ``jury``;
``common`` holds the blueprint, the loaders and the template helpers."""

from vrijstad.contests.views import corrections, desk, entrants, jury, public
from vrijstad.contests.views.common import bp

__all__ = ["bp", "corrections", "desk", "entrants", "jury", "public"]
