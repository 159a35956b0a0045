"""JSON log lines with a request id, carried into jobs; errors to Sentry when configured."""

import io
import json
import logging
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import brotli
import pytest

from config import get_config
from tests.infra import jobfuncs
from vrijstad import create_app, jobs
from vrijstad.extensions import db
from vrijstad.logs import ContextFilter, JsonFormatter


@pytest.fixture
def json_log():
    """The JSON lines the app's formatter writes during the test, parsed."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)  # pytest restores the root level between test phases
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)
    root.setLevel(level)


def test_each_request_is_one_json_line(client, json_log):
    response = client.get("/jobs/unknown", headers={"X-Request-ID": "lb-0123456789abcdef"})
    assert response.headers["X-Request-ID"] == "lb-0123456789abcdef"
    [line] = [entry for entry in json_log() if entry["logger"] == "vrijstad.request"]
    assert line["message"] == "GET /jobs/unknown 404"
    assert line["level"] == "INFO" and line["time"].endswith("+00:00")
    assert (line["method"], line["path"], line["status"]) == ("GET", "/jobs/unknown", 404)
    assert line["request_id"] == "lb-0123456789abcdef"
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0


@pytest.mark.parametrize(
    "header", [None, "short", "bad id with spaces", "x" * 200, 'abc"def<script>123']
)
def test_a_missing_or_unsafe_request_id_is_replaced(client, header):
    headers = {"X-Request-ID": header} if header else {}
    first = client.get("/healthz", headers=headers).headers["X-Request-ID"]
    second = client.get("/healthz", headers=headers).headers["X-Request-ID"]
    assert first != second and len(first) == 32 and first.isalnum()


def test_job_log_lines_carry_the_request_id(app, configured, json_log, tmp_path):
    configured(REDIS_URL="")
    with app.test_request_context(headers={"X-Request-ID": "req-abcdef123456"}):
        app.preprocess_request()
        handle = jobs.enqueue(jobfuncs.add, 1, 2)
        db.session.commit()
    [line] = [e for e in json_log() if e["logger"] == "vrijstad.jobs"]
    assert line["message"] == "job tests.infra.jobfuncs:add finished"
    assert (line["request_id"], line["job_id"]) == ("req-abcdef123456", handle.id)


def test_exceptions_are_logged_with_their_traceback(json_log):
    try:
        raise KeyError("kapot")
    except KeyError:
        logging.getLogger("vrijstad.test").exception("it broke")
    [line] = json_log()
    assert line["message"] == "it broke" and "KeyError: 'kapot'" in line["exception"]


def test_log_format_defaults(monkeypatch):
    monkeypatch.delenv("LOG_FORMAT", raising=False)
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    assert get_config("development").LOG_FORMAT == "text"
    assert get_config("production").LOG_FORMAT == "json"


class _Collector(BaseHTTPRequestHandler):
    """Receives Sentry envelopes."""

    received: list[bytes] = []

    def do_POST(self):  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding")
        if encoding == "gzip":
            body = zlib.decompress(body, 16 + zlib.MAX_WBITS)
        elif encoding == "br":  # sentry-sdk sends Brotli once the brotli package is installed
            body = brotli.decompress(body)
        self.received.append(body)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def _app_with_error_route(database_url, tmp_path, **settings):
    app = create_app(
        "testing", SQLALCHEMY_DATABASE_URI=database_url, OUTBOX_DIR=str(tmp_path), **settings
    )

    @app.get("/kapot")
    def broken():
        raise RuntimeError("sentry should see this")

    return app


def test_errors_go_to_sentry_only_when_a_dsn_is_set(database_url, tmp_path):
    import sentry_sdk

    _Collector.received.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    dsn = f"http://public@127.0.0.1:{server.server_port}/1"
    headers = {"X-Request-ID": "req-sentry-000001"}
    try:
        quiet = _app_with_error_route(database_url, tmp_path)
        assert quiet.test_client().get("/kapot", headers=headers).status_code == 500
        sentry_sdk.flush(timeout=5)
        assert _Collector.received == []

        app = _app_with_error_route(database_url, tmp_path, SENTRY_DSN=dsn)
        assert app.test_client().get("/kapot", headers=headers).status_code == 500
        sentry_sdk.flush(timeout=5)
    finally:
        sentry_sdk.init()  # no DSN: reporting off again for the other tests
        server.shutdown()
        server.server_close()
    payload = b"\n".join(_Collector.received).decode()
    assert "sentry should see this" in payload
    assert "req-sentry-000001" in payload
