"""Logs as JSON lines (or plain text), a request id on every line, errors to Sentry.

Every request gets an id: the X-Request-ID header when it looks like one (a proxy or load
balancer set it), a new one otherwise. It is returned in the response's X-Request-ID header,
written on every log line of the request and carried into the jobs the request queues.
"""

import contextlib
import json
import logging
import re
import sys
import time
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import UTC, datetime

import sentry_sdk
from flask import Flask, Response, g, has_request_context, request
from sentry_sdk.integrations.flask import FlaskIntegration
from sentry_sdk.integrations.rq import RqIntegration
from sentry_sdk.types import Event, Hint

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$")
_HANDLER_MARK = "_vrijstad_handler"

_request_id: ContextVar[str | None] = ContextVar("vrijstad_request_id", default=None)
_job_id: ContextVar[str | None] = ContextVar("vrijstad_job_id", default=None)

access_log = logging.getLogger("vrijstad.request")
_PROBES = {"ops.healthz", "ops.readyz"}

# Attributes every LogRecord has; anything else was passed with extra= and is kept.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}


def request_id_from(header: str | None) -> str:
    """The header's id when it is safe to log and echo, else a new random one."""
    if header and _VALID_REQUEST_ID.match(header):
        return header
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    """The id of the request (or of the job's originating request) being handled."""
    if has_request_context() and "request_id" in g:
        return g.request_id
    return _request_id.get()


@contextlib.contextmanager
def request_id_context(request_id: str | None, job_id: str | None = None) -> Iterator[None]:
    """Log lines inside carry this request id (and job id): used by jobs."""
    tokens = (_request_id.set(request_id), _job_id.set(job_id))
    try:
        yield
    finally:
        _request_id.reset(tokens[0])
        _job_id.reset(tokens[1])


class ContextFilter(logging.Filter):
    """Adds request_id, job_id, method and path to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        if not hasattr(record, "job_id"):
            record.job_id = _job_id.get()
        if has_request_context():
            if not hasattr(record, "method"):
                record.method = request.method
            if not hasattr(record, "path"):
                record.path = request.path
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_") and value is not None:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """Plain lines for development, with the request id when there is one."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        request_id = getattr(record, "request_id", None)
        return f"{line} [{request_id}]" if request_id else line


def configure_logging(log_format: str, level: str) -> None:
    """Send every logger through one handler on the root logger (replacing ours, if set)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, _HANDLER_MARK, False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    setattr(handler, _HANDLER_MARK, True)
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    root.addHandler(handler)
    root.setLevel(level)


def _start_request() -> None:
    g.request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
    g.request_started = time.perf_counter()


def _finish_request(response: Response) -> Response:
    request_id = g.get("request_id")
    if request_id:
        response.headers[REQUEST_ID_HEADER] = request_id
    started = g.get("request_started")
    duration = round((time.perf_counter() - started) * 1000, 1) if started else None
    # Load-balancer probes every few seconds would drown the log at INFO.
    level = logging.DEBUG if request.endpoint in _PROBES else logging.INFO
    access_log.log(
        level,
        "%s %s %s",
        request.method,
        request.path,
        response.status_code,
        extra={"status": response.status_code, "duration_ms": duration},
    )
    return response


def init_sentry(app: Flask) -> None:
    """Report errors to Sentry when SENTRY_DSN is set (it stays off otherwise)."""
    dsn = app.config.get("SENTRY_DSN")
    if not dsn:
        return

    sentry_sdk.init(
        dsn=dsn,
        environment=app.config.get("SENTRY_ENVIRONMENT") or None,
        integrations=[FlaskIntegration(), RqIntegration()],
        traces_sample_rate=float(app.config.get("SENTRY_TRACES_SAMPLE_RATE") or 0),
        before_send=_tag_request_id,
    )


def _tag_request_id(event: Event, hint: Hint) -> Event:
    request_id = current_request_id()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    return event


def init_app(app: Flask) -> None:
    configure_logging(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"])
    app.before_request(_start_request)
    app.after_request(_finish_request)
    init_sentry(app)
