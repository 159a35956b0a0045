"""Small shared pieces: workflow transition checks, domain errors."""

from collections.abc import Mapping
from datetime import date
from enum import StrEnum

import sqlalchemy as sa

from vrijstad.extensions import db
from vrijstad.i18n import present
from vrijstad.money import Cents


class DomainError(Exception):
    """A rule of the domain refused an action; the message is shown to the user.

    ``message`` is a translatable text, ideally lazy (``_l``), with ``%(name)s`` places for
    ``values``: the raw facts behind the refusal (``Cents``, dates, counts). The service
    states them; the text is made only when the refusal is shown (``str()``), in the
    reader's language and style. ``field`` names the form field it concerns, if any.
    """

    field: str | None = None

    def __init__(self, message: object = "", field: str | None = None, **values: object) -> None:
        super().__init__(message)
        self.message = message
        if field is not None:
            self.field = field
        self.values = values

    def __str__(self) -> str:
        text = str(self.message)
        if not self.values:
            return text
        return text % {name: present(value) for name, value in self.values.items()}

    def facts(self) -> dict[str, object]:
        """The values for a machine reader (the API): cents as whole cents, dates as ISO."""
        shown: dict[str, object] = {}
        for name, value in self.values.items():
            if isinstance(value, Cents):
                shown[f"{name}_cents"] = int(value)
            elif isinstance(value, date):
                shown[name] = value.isoformat()
            else:
                shown[name] = value if isinstance(value, (int, float, bool)) else str(value)
        return shown


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
