"""Whether a concept's use fits a unit: the one rule the search and the matching share.

A unit's permitted uses (bestemmingsplan / omgevingsplan) are a bit mask of PermittedUse.
Retail, services and "other" fit only themselves. Horeca comes in categories of weight:
1 (light: lunchroom, café without music), 2 (medium: bar, restaurant with longer hours),
3 (heavy: nightclub). A unit permitted for a heavier category also permits the lighter ones
(a plan permits horeca "up to and including" a category), never the other way round: a
horeca 1 concept fits a horeca 2 unit, a horeca 3 concept does not.

fits() answers for one unit in Python; fits_clause() is the same rule as SQL for a search.
"""

import sqlalchemy as sa
from sqlalchemy.orm import QueryableAttribute

from vrijstad.units.models import PermittedUse

_H1, _H2, _H3 = PermittedUse.HORECA_1.bit, PermittedUse.HORECA_2.bit, PermittedUse.HORECA_3.bit
#: The unit uses that let in a concept needing the key; a use not named fits only itself.
_ACCEPTED = {
    PermittedUse.HORECA_1: _H1 | _H2 | _H3,
    PermittedUse.HORECA_2: _H2 | _H3,
    PermittedUse.HORECA_3: _H3,
}


def accepted_mask(required_use: PermittedUse | str) -> int:
    """The unit uses (as a bit mask) that let in a concept needing this use."""
    use = PermittedUse(required_use)
    return _ACCEPTED.get(use, use.bit)


def fits(required_use: PermittedUse | str, unit_uses: int) -> bool:
    """Whether a unit with these permitted uses (a bit mask) takes a concept needing the use."""
    return bool(unit_uses & accepted_mask(required_use))


def fits_clause(
    column: sa.ColumnElement[int] | QueryableAttribute[int], mask: sa.ColumnElement[int]
) -> sa.ColumnElement[bool]:
    """fits() in SQL: a unit's uses_mask column against accepted_mask() of the use (a bound
    parameter, so one statement serves every use)."""
    return column.op("&")(mask) != 0
