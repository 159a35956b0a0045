"""Refusals carry raw values; the text is made where the refusal is shown.

A service that formats an amount or a date into its error message fixes the reader's language
and style at the moment of the refusal (a job, the CLI, another user's request) and hides
the value from machine readers. These tests hold the rule for every module and show what it
gives a reader: the reader's own style, and the API the raw cents and dates.
"""

import ast
from datetime import date
from pathlib import Path

import pytest

from vrijstad.core import DomainError
from vrijstad.errors import handle_domain_error
from vrijstad.i18n import force_locale
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.money import Cents

PACKAGE = Path(__file__).resolve().parents[2] / "vrijstad"
FORMATTERS = {"eur_filter", "date_filter", "month_filter", "format_eur", "_eur", "strftime"}


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _formatting_in_refusals(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _name(node.func).endswith(("Error", "Refused")):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Call) and _name(inner.func) in FORMATTERS:
                    lines.append(inner.lineno)
    return lines


def test_no_module_formats_money_or_dates_into_a_refusal():
    found = [
        f"{path.relative_to(PACKAGE.parent)}:{line}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for line in _formatting_in_refusals(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert found == [], "format in the view: pass Cents/dates as the error's values"


def test_the_scan_sees_a_formatted_amount():
    tree = ast.parse("raise BillingError(_('Only %(a)s.', a=eur_filter(5)), 'amount')")
    assert _formatting_in_refusals(tree) == [1]


def test_a_refusal_is_worded_in_the_readers_language(app):
    with app.test_request_context():
        with force_locale("nl"):
            refusal = DomainError(
                _l("The fund holds only %(amount)s."),
                "amount",
                amount=Cents(123456),
            )
        # raised in one language (a job, a colleague's request), read in another
        with force_locale("en"):
            english = str(refusal)
        with force_locale("nl"):
            dutch = str(refusal)
    assert english == "The fund holds only €1,234.56."
    assert dutch.startswith("Het fonds bevat alleen €")
    assert dutch.endswith("\xa01.234,56.")  # a no-break space, as Babel writes it
    assert refusal.field == "amount"


def test_a_refusal_gives_machines_the_raw_values():
    refusal = DomainError("x", amount=Cents(1050), due=date(2027, 1, 31), count=3)
    assert refusal.facts() == {"amount_cents": 1050, "due": "2027-01-31", "count": 3}


@pytest.mark.parametrize("value", [date(2027, 3, 9)])
def test_a_date_in_a_refusal_follows_the_reader(app, value):
    refusal = DomainError(_l("Entries open on %(date)s."), date=value)
    with app.test_request_context(), force_locale("nl"):
        assert str(refusal).endswith("09-03-2027.")


def test_a_json_client_gets_the_reason_and_the_raw_values(app):
    refusal = DomainError(_l("The fund holds only %(amount)s."), "amount", amount=Cents(123456))
    with app.test_request_context(headers={"Accept": "application/json"}):
        response, status = handle_domain_error(refusal)
    assert status == 409
    assert response.json["values"] == {"amount_cents": 123456}
    assert "1.234,56" in response.json["message"]
