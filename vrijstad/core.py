"""Small shared pieces: workflow transition checks, domain errors."""

from collections.abc import Mapping
from enum import StrEnum

import sqlalchemy as sa

from vrijstad.extensions import db


class DomainError(Exception):
    """A rule of the domain refused an action; the message is shown to the user."""


class TransitionError(DomainError):
    """A workflow was asked to move to a state it cannot reach from where it is."""


def check_transition(
    table: Mapping[StrEnum, frozenset[StrEnum]], current: StrEnum, target: StrEnum
) -> None:
    """Raise TransitionError unless the table allows current → target."""
    if target not in table.get(current, frozenset()):
        raise TransitionError(f"{current} → {target}")


def enum_type(enum_cls: type[StrEnum]):
    """A portable column type storing a StrEnum's values (not its member names)."""

    return sa.Enum(
        enum_cls,
        native_enum=False,
        length=max(len(m.value) for m in enum_cls) + 8,
        values_callable=lambda cls: [m.value for m in cls],
        validate_strings=True,
    )


def transaction_list(name: str) -> list:
    """A list kept on the current database transaction, for work to do after the commit.

    Starts the transaction if need be, so that a rollback (which fires no event without
    one) reliably drops the list.
    """

    session = db.session()
    session.connection()
    return session.info.setdefault(name, [])
