"""What the attack test of issue #20 found, one case each: a body that is not a form, OPTIONS
on an admin page, numbers and dates no column or calendar holds, a superscript digit. Each
was a 500; each is now a 4xx with a reason, and the routes that read JSON still do."""

from datetime import date

import pytest
from wtforms import DateField, DecimalField, IntegerField

from vrijstad.forms import BigInteger, FlaskForm, month_from, whole_number


class Sample(FlaskForm):
    class Meta:
        csrf = False

    count = IntegerField()
    budget = IntegerField(validators=[BigInteger()])
    share = DecimalField()
    day = DateField()


@pytest.mark.parametrize(
    ("field", "value", "valid"),
    [
        ("count", str(2**31 - 1), True),
        ("count", str(2**31), False),
        ("count", str(-(2**31)), True),
        ("count", "-99999999999999999999", False),
        ("budget", str(2**31), True),
        ("budget", str(2**63), False),
        ("share", "12.5", True),
        ("share", "NaN", False),
        ("share", "Infinity", False),
        ("share", "1e309", False),
        ("day", "2200-12-31", True),
        ("day", "9999-12-31", False),
        ("day", "0001-01-01", False),
        ("day", "1899-12-31", False),
    ],
)
def test_every_form_bounds_numbers_and_dates(app, field, value, valid):
    with app.test_request_context(method="POST", data={field: value}):
        form = Sample()
        assert form.validate() is valid, form.errors
        if not valid:
            assert form.errors[field][-1] in (
                "Dit getal valt buiten het toegestane bereik.",
                "Vul een datum in tussen de jaren 1900 en 2200.",
            )


def test_month_and_whole_number_parsing_is_bounded():
    assert month_from("2026-11") == date(2026, 11, 1)
    assert [month_from(text) for text in ("9999-12", "0001-01", "2026-13", "٢٠٢٦-١١", None)] == [
        None
    ] * 5
    assert whole_number("55000") == 55000
    assert [whole_number(text) for text in ("²", "٣", "-1", "9" * 40, "1e3", "")] == [None] * 6


def test_a_json_body_to_a_form_route_is_refused_with_the_reason(client, make_user):
    """POST /login with {"email": 1} was a 500 (a number where the form expects text)."""
    answer = client.post("/login", json={"email": 1, "password": "x"})
    assert answer.status_code == 415
    assert "verwacht een formulier, geen application/json" in answer.text
    as_json = client.post("/register", json={"email": 1}, headers={"Accept": "application/json"})
    assert as_json.status_code == 415 and as_json.json["status"] == 415
    text = client.post("/login", data="email=a@b.nl", content_type="text/plain")
    assert text.status_code == 415


def test_the_stripe_webhook_still_reads_its_json(client):
    answer = client.post("/webhooks/stripe", json={"id": "evt_1"})
    assert answer.status_code == 400  # not configured / unsigned: refused by the webhook itself
    assert "error" in answer.json


def test_options_on_an_admin_page_is_answered(client, login, make_user):
    """OPTIONS /admin/organisations was a 500: the anonymous user has no is_admin."""
    assert client.options("/admin/organisations").status_code == 403
    login(make_user("admin"))
    answer = client.options("/admin/organisations")
    assert answer.status_code == 200
    assert {"GET", "POST"} <= set(answer.headers["Allow"].replace(" ", "").split(","))


def test_a_far_period_on_a_collective_shows_the_default_month(client, login, collective):
    """?period=9999-12 was a 500 (the month after it is beyond the calendar)."""
    login(collective.staff)
    answer = client.get(f"/collectives/{collective.id}", query_string={"period": "9999-12"})
    assert answer.status_code == 200


def test_an_id_longer_than_any_key_is_not_found(client):
    """/units/<2**63> was a 500 on SQLite (it cannot compare such a number)."""
    for number in (2**31, 2**63, 10**30):
        assert client.get(f"/units/{number}").status_code == 404
