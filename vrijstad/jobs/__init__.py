"""Background jobs on RQ: a worker takes them from Redis when REDIS_URL is set; without it,
RQ's synchronous queue runs them in the request (on an in-memory fakeredis). One code path.

    handle = jobs.enqueue(build_report, organisation.id, job_title=_l("Building the report"))
    db.session.commit()            # the job starts after the commit; a rollback drops it
    redirect(handle.status_url)    # /jobs/<id>: a progress fragment that polls itself

A job is an importable module-level function. It runs in an application context with its
own database session (it commits its own work), may report progress with
set_progress(pct, message), and may return None, a URL, or {"url": ..., "label": ...}
(shown as the result link). Work that must not be repeated when a failed job is retried
goes through once(name, func, ...): each step's result is kept in the job's meta and a
retry skips the steps already done.

Everything is RQ's own: the job id is the idempotency key (a hash of job_key), the state,
result and traceback are RQ's, the title, owner, progress, steps and the reason shown to the
user live in `job.meta`, automatic retries are RQ's `Retry` (job_retry=) and "try again" is
RQ's requeue from the failed job registry. Inline jobs live in this process's memory: their
status page answers in the process that ran them (several processes need REDIS_URL).
"""

import contextlib
import hashlib
import importlib
import logging
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import redis
import sqlalchemy as sa
from flask import Flask, current_app, has_request_context
from flask_login import current_user
from rq import Retry, get_current_job
from rq.job import Job
from rq.job import JobStatus as RQStatus
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from vrijstad import logs
from vrijstad.core import transaction_list
from vrijstad.i18n import force_locale
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.jobs.backend import (
    EXTENSION_KEY,
    AppJob,
    JobError,
    JobsUnavailable,
    _backend,
    queue_connection,
    queue_errors,
    queue_names,
    runs_inline,
    work,
    worker_command,
)
from vrijstad.jobs.status import JobHandle, JobStatus, get_status, retry, status_of

__all__ = [
    "EXTENSION_KEY",
    "AppJob",
    "JobError",
    "JobHandle",
    "JobStatus",
    "JobsUnavailable",
    "as_user",
    "enqueue",
    "enqueue_now",
    "get_status",
    "init_app",
    "once",
    "queue_connection",
    "queue_errors",
    "queue_names",
    "retry",
    "runs_inline",
    "set_progress",
    "status_of",
    "work",
]

log = logging.getLogger(__name__)

_PENDING = "vrijstad_pending_jobs"


# --- enqueueing ---------------------------------------------------------------------------


def _check_function(func: Callable) -> None:
    module, name = func.__module__, func.__qualname__
    if (
        "." in name
        or "<" in name
        or getattr(importlib.import_module(module), name, None) is not func
    ):
        raise ValueError(f"a job must be a module-level function, not {module}.{name}")


def _job_id(job_key: str | None) -> str:
    """The idempotency key is the job id (hashed: RQ allows letters, digits, - and _)."""
    if job_key is None:
        return uuid.uuid4().hex
    return hashlib.sha256(job_key.encode()).hexdigest()[:32]


def _requesting_user_id() -> int | None:
    """The id of the user whose request starts the job, read from the identity map: a job
    is also queued after a commit (a mail), when the user's attributes are expired and the
    session may not load them again."""
    if not has_request_context():
        return None
    user = current_user._get_current_object()
    state = sa.inspect(user, raiseerr=False)
    if state is None or state.identity is None:
        return None  # the anonymous user, or one not in the database
    return int(state.identity[0])


def _create(
    func: Callable,
    args: tuple,
    kwargs: dict,
    job_key: str | None,
    job_title: str | None,
    job_queue: str | None,
    job_retry: Retry | None,
) -> tuple[Job, bool]:
    """Save the job, not yet on its queue; (the existing job, False) when its key is taken."""
    _check_function(func)
    backend = _backend()
    queue = backend.queue(job_queue)
    user_id = _requesting_user_id()
    title = str(job_title or _l("Working"))
    meta: dict[str, Any] = {
        "key": job_key,
        "title": title,
        "user_id": user_id,
        "request_id": logs.current_request_id(),
        "progress": 0,
        "message": "",
        "error": None,
        "attempts": 0,
        "steps": {},
    }
    with queue_errors():
        job = queue.create_job(
            func,
            args=args,
            kwargs=kwargs,
            job_id=_job_id(job_key),
            status=RQStatus.CREATED,
            timeout=backend.timeout,
            result_ttl=backend.ttl,
            failure_ttl=backend.ttl,
            ttl=backend.ttl,
            description=title,
            meta=meta,
            retry=job_retry,
        )
        job.origin = queue.name
        if _save_new(job, backend.ttl):
            return job, True
        return AppJob.fetch(job.id, connection=backend.redis), False


def _save_new(job: Job, ttl: int) -> bool:
    """Save the job unless a job with its id exists (atomically: WATCH, then MULTI)."""
    with job.connection.pipeline() as pipe:
        try:
            pipe.watch(job.key)
            if pipe.exists(job.key):
                return False
            pipe.multi()
            job.save(pipeline=pipe)
            pipe.expire(job.key, ttl)
            pipe.execute()
        except redis.WatchError:  # saved by someone else in between
            return False
    return True


def enqueue(
    func: Callable,
    *args: Any,
    job_key: str | None = None,
    job_title: str | None = None,
    job_queue: str | None = None,
    job_retry: Retry | None = None,
    **kwargs: Any,
) -> JobHandle:
    """Queue func(*args, **kwargs) to start once the current transaction commits.

    job_key makes the job idempotent: enqueueing the same key again returns the first job.
    job_retry (RQ's Retry) retries a failing job by itself on a worker.
    Raises JobsUnavailable (a 503) when Redis is configured but down.
    """
    job, new = _create(func, args, kwargs, job_key, job_title, job_queue, job_retry)
    if new:
        transaction_list(_PENDING).append(job)
    return JobHandle(job.id, job_key or job.id)


def enqueue_now(
    func: Callable,
    *args: Any,
    job_key: str | None = None,
    job_title: str | None = None,
    job_queue: str | None = None,
    job_retry: Retry | None = None,
    **kwargs: Any,
) -> JobHandle:
    """Queue func now, outside any transaction (inline: run it now)."""
    job, new = _create(func, args, kwargs, job_key, job_title, job_queue, job_retry)
    if new:
        _start(job)
    return JobHandle(job.id, job_key or job.id)


def _start(job: Job) -> None:
    """Put the saved job on its queue; the synchronous queue runs it here and now."""
    with queue_errors():
        _backend().queue(job.origin).enqueue_job(job)


def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint released: the outer work is not committed
        return
    for job in session.info.pop(_PENDING, []):
        try:
            _start(job)
        except Exception:  # the commit stands; the job shows as failed and can be retried
            log.exception("could not start job %s", job.id)
            with contextlib.suppress(Exception):
                job.meta["error"] = str(_l("The job could not be started."))
                job.save_meta()
                job.set_status(RQStatus.FAILED)
                _backend().queue(job.origin).failed_job_registry.add(job, exc_string="not started")


def _after_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    if previous_transaction.parent is not None:  # a savepoint: the outer work goes on
        return
    for job in session.info.pop(_PENDING, []):
        with contextlib.suppress(redis.RedisError):
            job.delete()  # frees its key too


# --- inside a job -------------------------------------------------------------------------


def set_progress(pct: float, message: str = "") -> None:
    """Report progress from inside a job (0–100); does nothing outside a job."""
    job = get_current_job()
    if job is not None:
        job.meta["progress"] = max(0, min(100, int(pct)))
        job.meta["message"] = str(message)
        job.save_meta()


@contextlib.contextmanager
def as_user(locale: str | None = None) -> Iterator[None]:
    """Inside a job: url_for builds the public site's URLs and text is in the user's language.

    A worker has no request; the job then runs as a request to BASE_URL would, with no one
    signed in (a job passes its actor's id and checks rights itself).
    """
    with contextlib.ExitStack() as stack:
        if not has_request_context():
            stack.enter_context(
                current_app.test_request_context(base_url=current_app.config["BASE_URL"])
            )
        if locale:
            stack.enter_context(force_locale(locale))
        yield


def once(name: str, func: Callable, *args: Any, **kwargs: Any) -> Any:
    """Run func once per job: a retry gets the stored result instead of running it again."""
    job = get_current_job()
    if job is None:
        return func(*args, **kwargs)
    steps = job.meta.setdefault("steps", {})
    if name in steps:
        return steps[name]
    result = func(*args, **kwargs)
    steps[name] = result
    job.save_meta()
    return result


def init_app(app: Flask) -> None:
    app.cli.add_command(worker_command)
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", _after_rollback)
