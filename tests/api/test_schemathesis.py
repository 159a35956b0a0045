"""Schemathesis against the API's own OpenAPI document, through the WSGI app: every operation
with generated valid and invalid arguments, without and with a token. No server errors, and
every answer (errors too) must match the document: status, content type, headers, schema.

Schemathesis's Python API with Hypothesis directly (its pytest plugin does not run on this
pytest)."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.generation import GenerationMode

OPERATIONS = [
    ("/api/v1/areas", "GET"),
    ("/api/v1/areas/{area_id}", "GET"),
    ("/api/v1/areas/{area_id}/vacancy", "GET"),
    ("/api/v1/areas/{area_id}/footfall", "GET"),
    ("/api/v1/footfall", "POST"),
    ("/api/v1/units", "GET"),
    ("/api/v1/units/{unit_id}", "GET"),
]


@pytest.fixture
def api_schema(app, city, snapshots, token):
    """The document as the app serves it; the rate limit is lifted for the many requests."""
    limits = app.config["API_RATE_LIMIT"], app.config["API_TOKEN_RATE_LIMIT"]
    app.config.update(API_RATE_LIMIT="100000 per minute", API_TOKEN_RATE_LIMIT="100000 per minute")
    yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    app.config["API_RATE_LIMIT"], app.config["API_TOKEN_RATE_LIMIT"] = limits


def test_every_operation_is_tested(api_schema):
    found = {(op.ok().path, op.ok().method.upper()) for op in api_schema.get_all_operations()}
    assert found == set(OPERATIONS)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize(("path", "method"), OPERATIONS)
def test_api_answers_as_documented(api_schema, token, path, method, mode):
    operation = api_schema[path][method]
    # Schemathesis asks for compressed answers (as requests does) but its WSGI transport hands
    # the body over undecoded; compression has its own tests (tests/core/test_compression.py).
    plain = {"Accept-Encoding": "identity"}
    with_token = {"Authorization": f"Bearer {token}"} | plain

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=40,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    def answers(case):
        case.call_and_validate(headers=plain)
        case.call_and_validate(headers=with_token)

    answers()
