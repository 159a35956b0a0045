"""What an enum value is called in the reader's language, kept beside the enum.

A feature registers its labels in its ``models.py`` next to the enum::

    STATUS_LABELS = labels.register(UnitStatus, {UnitStatus.DRAFT: _l("draft"), ...})

and everything else asks ``labels.label(value)`` — or, in a template, ``{{ value|label }}``.
Services raise errors with raw values; views and templates turn them into words here.
"""

from collections.abc import Mapping
from enum import Enum
from typing import Any

_REGISTRY: dict[type[Enum], Mapping[Any, Any]] = {}


def register(enum_cls: type[Enum], names: Mapping[Any, Any]) -> Mapping[Any, Any]:
    """Keep the labels of ``enum_cls`` (lazy strings); returns them for local use."""
    missing = [member for member in enum_cls if member not in names]
    if missing:
        raise ValueError(f"{enum_cls.__name__}: no label for {missing}")
    _REGISTRY[enum_cls] = names
    return names


def label(value: Any) -> str:
    """The label of an enum member in the current language; other values as text, None as ''."""
    if value is None:
        return ""
    names = _REGISTRY.get(type(value))
    if names is None:
        return str(value.value if isinstance(value, Enum) else value)
    return str(names[value])


def labels_of(enum_cls: type[Enum]) -> dict[Any, str]:
    """Every member's label, in declaration order (for select fields and legends)."""
    names = _REGISTRY[enum_cls]
    return {member: str(names[member]) for member in enum_cls}
