"""Each feature registers the sentences of its notices; every kind the code sends has one.

The kinds are read from the source: the literal kind of each ``notify(...)`` call, also through
the features' helpers that pass a ``kind`` parameter on (``notify_starter(application,
"application.offered")``, ``notify_applicant(application, "granted")`` → ``subsidy.granted``).
"""

import ast
from pathlib import Path

import pytest
from flask_babel.speaklater import LazyString

import vrijstad
from vrijstad.billing.mailing import KIND as INVOICE_NOTICE
from vrijstad.billing.receivables import REMINDER_LEVELS
from vrijstad.i18n import force_locale
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.notifications import texts
from vrijstad.notifications.services import notification_text

PACKAGE = Path(vrijstad.__file__).resolve().parent

#: Kinds built in an f-string from a value the scan cannot follow: the prefix and its kinds.
FAMILIES = {
    "invoice.reminder_": {f"invoice.reminder_{level}" for level in REMINDER_LEVELS},
    "turnover.": {"turnover.due", "turnover.late"},
}

#: Kinds whose notice is written without ``notify`` (the invoice mail adds its own, with the PDF).
WITHOUT_NOTIFY = {INVOICE_NOTICE}

Functions = list[ast.FunctionDef]


def _functions() -> Functions:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found += [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)]
    return found


def _callee(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _kind_argument(call: ast.Call, position: int) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == "kind":
            return keyword.value
    return call.args[position] if len(call.args) > position else None


def _calls(function: ast.FunctionDef, senders: dict[str, tuple[int, str]]):
    """(call, kind argument, prefix) for each call in the function that sends a notice."""
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and _callee(node) in senders:
            position, prefix = senders[_callee(node)]  # type: ignore[index]
            argument = _kind_argument(node, position)
            if argument is not None:
                yield argument, prefix


def _senders(functions: Functions) -> dict[str, tuple[int, str]]:
    """``notify`` and every function that passes its own kind parameter on to a sender (as is
    or after a fixed prefix): name → (position of the kind, prefix)."""
    senders = {"notify": (1, "")}
    grown = True
    while grown:
        grown = False
        for function in functions:
            if function.name in senders:
                continue
            parameters = [a.arg for a in function.args.posonlyargs + function.args.args]
            for argument, prefix in _calls(function, senders):
                if isinstance(argument, ast.JoinedStr) and len(argument.values) == 2:
                    head, tail = argument.values
                    if isinstance(head, ast.Constant) and isinstance(tail, ast.FormattedValue):
                        prefix, argument = prefix + head.value, tail.value
                if isinstance(argument, ast.Name) and argument.id in parameters:
                    senders[function.name] = (parameters.index(argument.id), prefix)
                    grown = True
                    break
    return senders


def _strings(node: ast.expr) -> set[str]:
    return {
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    }


def sent_kinds() -> tuple[set[str], set[str]]:
    """The kinds the code sends, and the prefixes of f-string kinds it cannot follow."""
    functions = _functions()
    senders = _senders(functions)
    kinds: set[str] = set()
    families: set[str] = set()
    for function in functions:
        assigned = {
            target.id: node.value
            for node in ast.walk(function)
            if isinstance(node, ast.Assign)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        parameters = {a.arg for a in function.args.posonlyargs + function.args.args}
        for argument, prefix in _calls(function, senders):
            if isinstance(argument, ast.JoinedStr):
                if {n.id for n in ast.walk(argument) if isinstance(n, ast.Name)} & parameters:
                    continue  # a helper: its callers name the kind
                families.add(prefix + "".join(_strings(argument.values[0])))
            elif isinstance(argument, ast.Name) and argument.id in assigned:
                kinds |= {prefix + s for s in _strings(assigned[argument.id])}
            elif not isinstance(argument, ast.Name):
                kinds |= {prefix + s for s in _strings(argument)}
    return kinds, families


def test_the_scan_finds_kinds_through_the_helpers():
    kinds, _families = sent_kinds()
    for kind in (
        "application.offered",  # notify_starter(application, "application.offered")
        "subsidy.granted",  # notify_applicant(application, "granted")
        "subsidy.accounted_staff",  # notify_staff(application, "accounted_staff", actor)
        "contest.won",  # kind = "contest.won" if … else …
        "booking.accepted",
        "payment.dispute_won_staff",
        "matching.invited",
    ):
        assert kind in kinds


def test_every_kind_sent_has_a_registered_text(app):
    kinds, families = sent_kinds()
    assert families <= FAMILIES.keys(), f"name the kinds of the new f-string: {families}"
    for prefix in families:
        kinds |= FAMILIES[prefix]
    assert len(kinds) >= 50
    kinds |= WITHOUT_NOTIFY
    assert sorted(kind for kind in kinds if texts.text_for(kind) is None) == []


def test_every_registered_text_is_sent_somewhere(app):
    kinds, families = sent_kinds()
    for prefix in families:
        kinds |= FAMILIES[prefix]
    assert sorted(texts.registered_kinds() - kinds - WITHOUT_NOTIFY) == []


def test_a_notice_reads_in_the_readers_language(app):
    data = {"starter": "Bakkerij Bol", "unit": "Markt 9"}
    with force_locale("en"):
        assert notification_text("application.submitted", data) == (
            "Bakkerij Bol applied for Markt 9."
        )
    with force_locale("nl"):
        dutch = notification_text("application.submitted", data)
    assert "Bakkerij Bol" in dutch and dutch != "Bakkerij Bol applied for Markt 9."


def test_an_unknown_kind_or_unfitting_data_still_give_a_text(app):
    with force_locale("en"):
        assert notification_text("nothing.known", {}) == "nothing.known"
        assert notification_text("booking.declined", {}) == (
            "Your booking request for %(unit)s (%(dates)s) was declined."
        )
        assert notification_text("subsidy.extended", {"deadline_on": "not a date"}) == (
            "The decision term of dossier %(dossier)s is extended by 12 weeks, to %(deadline)s."
        )


def test_a_kind_has_one_text():
    first: dict[str, LazyString] = {"test.only_kind": _l("First")}
    texts.register_texts(first)
    try:
        texts.register_texts(first)  # the same module imported again: fine
        with pytest.raises(ValueError, match="test.only_kind"):
            texts.register_texts({"test.only_kind": _l("Second")})
    finally:
        texts._TEXTS.pop("test.only_kind")
