"""The one place a domain refusal is answered: attempt() and the app-wide handler."""

from flask import get_flashed_messages

from vrijstad.core import DomainError
from vrijstad.errors import handle_domain_error
from vrijstad.web import attempt


def refuse_it() -> None:
    raise DomainError("Not now.")


def test_json_clients_get_a_409_with_the_reason(app):
    with app.test_request_context("/api/v1/areas"):
        response, code = handle_domain_error(DomainError("Not now."))
    assert code == 409
    assert response.get_json()["message"] == "Not now."


def test_browsers_are_sent_back_with_the_reason_flashed(app):
    with app.test_request_context("/units/1/edit", headers={"Referer": "http://localhost/units/1"}):
        response = handle_domain_error(DomainError("Not now."))
        assert get_flashed_messages(with_categories=True) == [("error", "Not now.")]
    assert response.status_code == 303
    assert response.location == "http://localhost/units/1"


def test_a_foreign_referrer_is_not_followed(app):
    with app.test_request_context("/units/1/edit", headers={"Referer": "https://evil.example/"}):
        response = handle_domain_error(DomainError("Not now."))
    assert response.location == "/"


def test_attempt_flashes_a_refusal_and_reports_it(app):
    with app.test_request_context("/"):
        done = attempt(refuse_it)
        assert not done
        assert str(done.error) == "Not now."
        assert get_flashed_messages() == ["Not now."]


def test_attempt_returns_the_value_of_a_call_that_goes_through(app):
    with app.test_request_context("/"):
        done = attempt(lambda: 42)
    assert done
    assert done.value == 42
