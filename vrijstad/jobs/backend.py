"""Where and how jobs run: RQ queues on Redis (REDIS_URL) or RQ's synchronous queue on an
in-memory fakeredis, the job class that gives every job an application context, and the
worker command."""

import contextlib
import logging
import time
from collections.abc import Iterator
from typing import Any

import click
import fakeredis
import redis
from flask import Flask, current_app
from rq import Queue, Worker
from rq.job import Job

from vrijstad import logs
from vrijstad.core import DomainError
from vrijstad.i18n import lazy_gettext as _l

log = logging.getLogger("vrijstad.jobs")  # one logger for the jobs, as log searches expect

EXTENSION_KEY = "vrijstad_jobs"


class JobError(Exception):
    """A job cannot be found, or cannot be retried in its state."""


class JobsUnavailable(Exception):
    """The job queue (Redis) cannot be reached: work that needs it is refused with a 503."""


@contextlib.contextmanager
def queue_errors() -> Iterator[None]:
    """Turn a Redis failure into JobsUnavailable (answered with a 503)."""
    try:
        yield
    except redis.RedisError as exc:
        raise JobsUnavailable(str(exc)) from exc


# --- the job: RQ's, run in an application context -------------------------------------------


class AppJob(Job):
    """An RQ job that runs in an application context of its own (its own database session),
    under the request id of the request that queued it; a failure leaves a short reason for
    the user in its meta (the traceback stays RQ's, for the operator)."""

    def perform(self) -> Any:
        self.meta["attempts"] = int(self.meta.get("attempts") or 0) + 1
        self.meta["error"] = None
        self.save_meta()
        name = ":".join((self.func_name or "").rsplit(".", 1))  # module:function
        started = time.monotonic()
        with (
            current_app.app_context(),
            logs.request_id_context(self.meta.get("request_id"), job_id=self.id),
        ):
            try:
                result = super().perform()
            except Exception as exc:
                log.exception("job %s failed", name)
                self.meta["error"] = _reason(exc)
                self.save_meta()
                raise
            duration_ms = round((time.monotonic() - started) * 1000, 1)
            log.info("job %s finished", name, extra={"duration_ms": duration_ms})
        return result


def _reason(exc: Exception) -> str:
    """A short reason for the status page (no traceback)."""
    if isinstance(exc, DomainError) and str(exc):
        return str(exc)
    return str(_l("The work stopped with an error (%(kind)s).", kind=type(exc).__name__))


# --- the queues chosen by configuration -----------------------------------------------------


class _Backend:
    def __init__(self, app: Flask) -> None:
        self.url = app.config.get("REDIS_URL") or ""
        self.queue_names = [q.strip() for q in app.config["RQ_QUEUES"].split(",") if q.strip()]
        self.timeout = int(app.config["JOB_TIMEOUT"])
        self.ttl = int(app.config["JOB_TTL"])
        self.redis: redis.Redis
        if self.url:
            self.redis = redis.Redis.from_url(
                self.url, socket_connect_timeout=2, socket_timeout=10, health_check_interval=30
            )
        else:  # RQ's synchronous queue still keeps its jobs in a Redis: one in memory
            self.redis = fakeredis.FakeRedis()

    @property
    def inline(self) -> bool:
        return not self.url

    def queue(self, name: str | None = None) -> Queue:
        return Queue(
            name or self.queue_names[0],
            connection=self.redis,
            is_async=not self.inline,
            job_class=AppJob,
            default_timeout=self.timeout,
        )


def _backend(app: Flask | None = None) -> _Backend:
    """The queues of this app (made on first use, dropped by tests that change settings)."""
    extensions = (app or current_app).extensions
    backend = extensions.get(EXTENSION_KEY)
    if backend is None:
        backend = extensions[EXTENSION_KEY] = _Backend(app or current_app)
    return backend


def runs_inline() -> bool:
    """Jobs run in the request (REDIS_URL unset): there is no queue or worker to show."""
    return _backend().inline


def queue_connection() -> redis.Redis:
    """The job queue's Redis connection (in memory when jobs run inline)."""
    return _backend().redis


def queue_names() -> list[str]:
    """The queues this app's workers take jobs from (RQ_QUEUES)."""
    return list(_backend().queue_names)


# --- worker command -----------------------------------------------------------------------


def work(app: Flask, burst: bool = False, worker_class: type[Worker] | None = None) -> bool:
    """Process jobs from the configured queues (burst: until they are empty)."""
    backend = _backend(app)
    if backend.inline:
        raise click.ClickException("REDIS_URL is not set: jobs run inline, no worker is needed")
    # The worker blocks on Redis for long: its own connection, without a short socket timeout.
    connection = redis.Redis.from_url(backend.url)
    queues = [Queue(name, connection=connection, job_class=AppJob) for name in backend.queue_names]
    worker = (worker_class or Worker)(queues, connection=connection, job_class=AppJob)
    with app.app_context():  # the jobs' application contexts are made from this app
        return worker.work(
            burst=burst,
            logging_level=app.config.get("LOG_LEVEL", "INFO"),
            with_scheduler=True,  # runs the retries that wait (Retry with intervals)
        )


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
def worker_command(burst: bool) -> None:
    """Run an RQ worker on the configured queues (RQ_QUEUES)."""
    work(current_app, burst=burst)
