"""Background jobs: RQ on Redis when REDIS_URL is set, run in the request when it is not.

    handle = jobs.enqueue(build_report, organisation.id, job_title=_l("Building the report"))
    db.session.commit()            # the job starts after the commit; a rollback drops it
    redirect(handle.status_url)    # /jobs/<id>: a progress fragment that polls itself

A job is an importable module-level function. It runs in an application context with its
own database session (it commits its own work), may report progress with
set_progress(pct, message), and may return None, a URL, or {"url": ..., "label": ...}
(shown as the result link). Work that must not be repeated when a failed job is retried
goes through once(name, func, ...): each step's result is kept under the job's idempotency
key and a retry skips the steps already done.
The job's record (state, progress, result, reason of failure) lives in Redis, or in files
under JOB_DIR when jobs run inline.
"""

import contextlib
import fcntl
import importlib
import itertools
import logging
import pickle
import time
import uuid
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import redis
from flask import Flask, current_app, has_request_context, url_for
from sqlalchemy import event
from sqlalchemy.orm import Session

from vrijstad import clock, logs
from vrijstad.core import transaction_list
from vrijstad.i18n import force_locale
from vrijstad.i18n import lazy_gettext as _l

log = logging.getLogger(__name__)

EXTENSION_KEY = "vrijstad_jobs"
_PENDING = "vrijstad_pending_jobs"

_current: ContextVar["_Running | None"] = ContextVar("vrijstad_current_job", default=None)
_worker_app: Flask | None = None


class JobError(Exception):
    """A job cannot be found, or cannot be retried in its state."""


class JobsUnavailable(Exception):
    """The job queue (Redis) cannot be reached: work that needs it is refused with a 503."""


@dataclass(frozen=True)
class JobHandle:
    """A queued job: its id (for the status page) and its idempotency key."""

    id: str
    key: str

    @property
    def status_url(self) -> str:
        return url_for("ops.job_status", job_id=self.id)


@dataclass(frozen=True)
class JobStatus:
    """What the status page shows about a job."""

    id: str
    state: str
    title: str
    progress: int
    message: str
    result_url: str | None
    result_label: str | None
    error: str | None
    user_id: int | None
    attempts: int

    @property
    def done(self) -> bool:
        return self.state in ("finished", "failed")


@dataclass
class _Running:
    store: "JobStore"
    job_id: str
    key: str


# --- stores: where job records live -------------------------------------------------------


class JobStore:
    """A job record is a dict of fields; steps are kept per idempotency key."""

    def get(self, job_id: str) -> dict | None:
        raise NotImplementedError

    def update(self, job_id: str, **fields: Any) -> None:
        raise NotImplementedError

    def claim(self, name: str, value: str) -> str | None:
        """Set name to value unless it is set; return the existing value if it was."""
        raise NotImplementedError

    def step(self, key: str, name: str) -> tuple[bool, Any]:
        raise NotImplementedError

    def set_step(self, key: str, name: str, result: Any) -> None:
        raise NotImplementedError


class RedisJobStore(JobStore):
    """Records as Redis hashes of pickled fields, expiring after JOB_TTL seconds."""

    def __init__(self, connection, ttl: int) -> None:
        self.redis = connection
        self.ttl = ttl

    def get(self, job_id: str) -> dict | None:
        raw = self.redis.hgetall(f"vrijstad:job:{job_id}")
        # Written only by this app (as RQ pickles its own jobs); Redis is trusted like the DB.
        return {k.decode(): pickle.loads(v) for k, v in raw.items()} or None  # nosec B301

    def update(self, job_id: str, **fields: Any) -> None:
        name = f"vrijstad:job:{job_id}"
        pipe = self.redis.pipeline()
        pipe.hset(name, mapping={k: pickle.dumps(v) for k, v in fields.items()})
        pipe.expire(name, self.ttl)
        pipe.execute()

    def claim(self, name: str, value: str) -> str | None:
        full = f"vrijstad:claim:{name}"
        if self.redis.set(full, value, nx=True, ex=self.ttl):
            return None
        existing = self.redis.get(full)
        return existing.decode() if existing else None

    def step(self, key: str, name: str) -> tuple[bool, Any]:
        raw = self.redis.hget(f"vrijstad:job-steps:{key}", name)
        return (False, None) if raw is None else (True, pickle.loads(raw))  # nosec B301

    def set_step(self, key: str, name: str, result: Any) -> None:
        full = f"vrijstad:job-steps:{key}"
        self.redis.hset(full, name, pickle.dumps(result))
        self.redis.expire(full, self.ttl)


class FileJobStore(JobStore):
    """Records as pickle files in a folder, locked while they change (inline jobs)."""

    def __init__(self, folder: str | Path, ttl: int) -> None:
        self.folder = Path(folder)
        self.ttl = ttl
        self._pruned_at = 0.0

    def _path(self, kind: str, name: str) -> Path:
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
        return self.folder / kind / f"{safe}.pickle"

    @contextlib.contextmanager
    def _locked(self, path: Path) -> Iterator[dict]:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            handle.seek(0)
            raw = handle.read()
            data = pickle.loads(raw) if raw else {}  # nosec B301 - our own job folder
            before = dict(data)
            yield data
            if data != before:
                handle.seek(0)
                handle.truncate()
                handle.write(pickle.dumps(data))
                handle.flush()
                clock.stamp_file(handle.fileno())

    def get(self, job_id: str) -> dict | None:
        path = self._path("jobs", job_id)
        if not path.exists():
            return None
        with self._locked(path) as data:
            return dict(data) or None

    def update(self, job_id: str, **fields: Any) -> None:
        self._prune()
        with self._locked(self._path("jobs", job_id)) as data:
            data.update(fields)

    def claim(self, name: str, value: str) -> str | None:
        with self._locked(self._path("claims", name)) as data:
            if "value" in data:
                return data["value"]
            data["value"] = value
        return None

    def step(self, key: str, name: str) -> tuple[bool, Any]:
        with self._locked(self._path("steps", key)) as data:
            return (name in data, data.get(name))

    def set_step(self, key: str, name: str, result: Any) -> None:
        with self._locked(self._path("steps", key)) as data:
            data[name] = result

    def _prune(self) -> None:
        """Drop records older than the TTL, at most once an hour per process."""
        now = clock.timestamp()
        if now - self._pruned_at < 3600:
            return
        self._pruned_at = now
        for path in self.folder.glob("*/*.pickle"):
            with contextlib.suppress(OSError):
                if now - path.stat().st_mtime > self.ttl:
                    path.unlink()


# --- the backend chosen by configuration -----------------------------------------------


class _Backend:
    def __init__(self, app: Flask) -> None:
        self.url = app.config.get("REDIS_URL") or ""
        self.queues = [q.strip() for q in app.config["RQ_QUEUES"].split(",") if q.strip()]
        self.timeout = int(app.config["JOB_TIMEOUT"])
        ttl = int(app.config["JOB_TTL"])
        if self.url:
            self.redis = redis.Redis.from_url(
                self.url, socket_connect_timeout=2, socket_timeout=10, health_check_interval=30
            )
            self.store: JobStore = RedisJobStore(self.redis, ttl)
        else:
            self.redis = None
            self.store = FileJobStore(app.config["JOB_DIR"], ttl)

    @property
    def inline(self) -> bool:
        return self.redis is None

    def check(self) -> None:
        """Raise JobsUnavailable unless the queue answers."""
        if self.redis is None:
            return
        with queue_errors():
            self.redis.ping()


@contextlib.contextmanager
def queue_errors() -> Iterator[None]:
    """Turn a Redis failure into JobsUnavailable (answered with a 503)."""
    try:
        yield
    except redis.RedisError as exc:
        raise JobsUnavailable(str(exc)) from exc


def _backend(app: Flask | None = None) -> _Backend:
    app = app or current_app._get_current_object()
    backend = app.extensions.get(EXTENSION_KEY)
    if backend is None:
        backend = app.extensions[EXTENSION_KEY] = _Backend(app)
    return backend


# --- enqueueing ---------------------------------------------------------------------------


def _path_of(func: Callable) -> str:
    module, name = func.__module__, func.__qualname__
    if (
        "." in name
        or "<" in name
        or getattr(importlib.import_module(module), name, None) is not func
    ):
        raise ValueError(f"a job must be a module-level function, not {module}.{name}")
    return f"{module}:{name}"


def _resolve(path: str) -> Callable:
    module, name = path.split(":")
    return getattr(importlib.import_module(module), name)


def _prepare(
    func: Callable,
    args: tuple,
    kwargs: dict,
    job_key: str | None,
    job_title: str | None,
    job_queue: str | None,
) -> tuple[JobHandle, bool]:
    """Write the queued record; (handle, False) when the key already named a job."""
    path = _path_of(func)
    with queue_errors():
        return _write_queued(path, args, kwargs, job_key, job_title, job_queue)


def _write_queued(path, args, kwargs, job_key, job_title, job_queue) -> tuple[JobHandle, bool]:
    backend = _backend()
    backend.check()
    job_id = uuid.uuid4().hex
    key = job_key or job_id
    existing = backend.store.claim(f"key:{key}", job_id)
    if existing is not None:
        return JobHandle(existing, key), False
    from flask_login import current_user

    user_id = None
    if has_request_context() and current_user and current_user.is_authenticated:
        user_id = current_user.id
    backend.store.update(
        job_id,
        id=job_id,
        key=key,
        func=path,
        args=args,
        kwargs=kwargs,
        title=str(job_title or _l("Working")),
        queue=job_queue or backend.queues[0],
        state="queued",
        progress=0,
        message="",
        result=None,
        error=None,
        attempts=0,
        user_id=user_id,
        request_id=logs.current_request_id(),
        created_at=clock.timestamp(),
    )
    return JobHandle(job_id, key), True


def enqueue(
    func: Callable,
    *args: Any,
    job_key: str | None = None,
    job_title: str | None = None,
    job_queue: str | None = None,
    **kwargs: Any,
) -> JobHandle:
    """Queue func(*args, **kwargs) to start once the current transaction commits.

    job_key makes the job idempotent: enqueueing the same key again returns the first job.
    Raises JobsUnavailable (a 503) when Redis is configured but down.
    """
    handle, new = _prepare(func, args, kwargs, job_key, job_title, job_queue)
    if new:
        transaction_list(_PENDING).append(handle.id)
    return handle


def enqueue_now(
    func: Callable,
    *args: Any,
    job_key: str | None = None,
    job_title: str | None = None,
    job_queue: str | None = None,
    **kwargs: Any,
) -> JobHandle:
    """Queue func now, outside any transaction (inline: run it now)."""
    handle, new = _prepare(func, args, kwargs, job_key, job_title, job_queue)
    if new:
        _start(current_app._get_current_object(), handle.id)
    return handle


def _start(app: Flask, job_id: str) -> None:
    backend = _backend(app)
    if backend.inline:
        with app.app_context():
            _run(app, job_id, reraise=False)
        return
    from rq import Queue

    with queue_errors():
        record = backend.store.get(job_id) or {}
        queue = Queue(record.get("queue") or backend.queues[0], connection=backend.redis)
        rq_job = queue.enqueue(
            run_job,
            job_id,
            job_timeout=backend.timeout,
            result_ttl=backend.store.ttl,
            failure_ttl=backend.store.ttl,
            description=f"vrijstad job {job_id} ({record.get('func')})",
        )
        backend.store.update(job_id, rq_id=rq_job.id)


def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint released: the outer work is not committed
        return
    pending = session.info.pop(_PENDING, [])
    if not pending:
        return
    app = current_app._get_current_object()
    for job_id in pending:
        try:
            _start(app, job_id)
        except Exception:  # the commit stands; the job shows as failed and can be retried
            log.exception("could not start job %s", job_id)
            with contextlib.suppress(Exception):
                _backend(app).store.update(
                    job_id, state="failed", error=str(_l("The job could not be started."))
                )


def _after_rollback(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is not None:  # a savepoint: the outer work goes on
        return
    session.info.pop(_PENDING, None)


# --- running ------------------------------------------------------------------------------


def run_job(job_id: str) -> Any:
    """What RQ runs: the job with this id, in an application context."""
    app = _worker_app
    if app is None:
        from vrijstad import create_app

        app = create_app()
    with app.app_context():
        return _run(app, job_id, reraise=True)


def _run(app: Flask, job_id: str, reraise: bool) -> Any:
    store = _backend(app).store
    record = store.get(job_id)
    if record is None:
        raise JobError(f"job {job_id} not found")
    if record["state"] == "finished":  # delivered twice: the work is done already
        return record.get("result")
    attempts = record["attempts"] + 1
    store.update(job_id, state="started", started_at=clock.timestamp(), attempts=attempts)
    token = _current.set(_Running(store, job_id, record["key"]))
    started = time.monotonic()
    with logs.request_id_context(record.get("request_id"), job_id=job_id):
        try:
            result = _resolve(record["func"])(*record["args"], **record["kwargs"])
        except Exception as exc:
            log.exception("job %s failed", record["func"])
            store.update(job_id, state="failed", error=_reason(exc), ended_at=clock.timestamp())
            if reraise:
                raise
            return None
        finally:
            _current.reset(token)
        ended = clock.timestamp()
        store.update(job_id, state="finished", progress=100, result=result, ended_at=ended)
        log.info(
            "job %s finished",
            record["func"],
            extra={"duration_ms": round((time.monotonic() - started) * 1000, 1)},
        )
    return result


def _reason(exc: Exception) -> str:
    """A short reason for the status page (no traceback)."""
    from vrijstad.core import DomainError

    if isinstance(exc, DomainError) and str(exc):
        return str(exc)
    return str(_l("The work stopped with an error (%(kind)s).", kind=type(exc).__name__))


def set_progress(pct: float, message: str = "") -> None:
    """Report progress from inside a job (0–100); does nothing outside a job."""
    running = _current.get()
    if running is not None:
        running.store.update(
            running.job_id, progress=max(0, min(100, int(pct))), message=str(message)
        )


@contextlib.contextmanager
def as_user(locale: str | None = None) -> Iterator[None]:
    """Inside a job: url_for builds the public site's URLs and text is in the user's language.

    A worker has no request; the job then runs as a request to BASE_URL would, with no one
    signed in (a job passes its actor's id and checks rights itself).
    """
    app = current_app._get_current_object()
    with contextlib.ExitStack() as stack:
        if not has_request_context():
            stack.enter_context(app.test_request_context(base_url=app.config["BASE_URL"]))
        if locale:
            stack.enter_context(force_locale(locale))
        yield


def once(name: str, func: Callable, *args: Any, **kwargs: Any) -> Any:
    """Run func once per job: a retry gets the stored result instead of running it again."""
    running = _current.get()
    if running is None:
        return func(*args, **kwargs)
    done, result = running.store.step(running.key, name)
    if done:
        return result
    result = func(*args, **kwargs)
    running.store.set_step(running.key, name, result)
    return result


# --- status and retry ---------------------------------------------------------------------


def get_status(job_id: str) -> JobStatus | None:
    """The job's state for the status page, or None for an unknown id."""
    with queue_errors():
        return _status(_backend(), job_id)


def _status(backend: _Backend, job_id: str) -> JobStatus | None:
    record = backend.store.get(job_id)
    if record is None or "state" not in record:
        return None
    state, error = record["state"], record.get("error")
    if state in ("queued", "started") and not backend.inline and record.get("rq_id"):
        state, error = _rq_fallback(backend, job_id, record["rq_id"], state, error)
    result = record.get("result")
    url = label = None
    if isinstance(result, str) and result.startswith(("/", "http://", "https://")):
        url = result
    elif isinstance(result, dict) and result.get("url"):
        url, label = result["url"], result.get("label")
    return JobStatus(
        id=job_id,
        state=state,
        title=record.get("title", ""),
        progress=100 if state == "finished" else int(record.get("progress") or 0),
        message=record.get("message") or "",
        result_url=url,
        result_label=label,
        error=error,
        user_id=record.get("user_id"),
        attempts=int(record.get("attempts") or 0),
    )


def _rq_fallback(backend: _Backend, job_id: str, rq_id: str, state: str, error):
    """A worker that died mid-job leaves our record 'started': trust RQ's verdict then."""
    from rq.exceptions import NoSuchJobError
    from rq.job import Job

    try:
        rq_state = Job.fetch(rq_id, connection=backend.redis).get_status()
    except NoSuchJobError:
        return state, error
    if rq_state in ("failed", "stopped", "canceled"):
        error = str(_l("The worker stopped before the job was done."))
        backend.store.update(job_id, state="failed", error=error)
        return "failed", error
    return state, error


def retry(job_id: str) -> JobHandle:
    """Run a failed job again; the steps it finished before are not repeated."""
    with queue_errors():
        return _retry(_backend(), job_id)


def _retry(backend: _Backend, job_id: str) -> JobHandle:
    record = backend.store.get(job_id)
    if record is None:
        raise JobError(str(_l("This job does not exist (any more).")))
    status = _status(backend, job_id)
    if status is None or status.state != "failed":
        raise JobError(str(_l("Only a failed job can be tried again.")))
    # Two clicks on "try again" start one new attempt.
    if backend.store.claim(f"retry:{job_id}:{status.attempts}", "1") is not None:
        return JobHandle(job_id, record["key"])
    backend.store.update(job_id, state="queued", error=None, progress=0, message="")
    _start(current_app._get_current_object(), job_id)
    return JobHandle(job_id, record["key"])


# --- for the operator's overview ---------------------------------------------------------


def queue_connection() -> "redis.Redis | None":
    """The job queue's Redis connection; None when jobs run inline (REDIS_URL unset)."""
    return _backend().redis


def queue_names() -> list[str]:
    """The queues this app's workers take jobs from (RQ_QUEUES)."""
    return list(_backend().queues)


def job_record(job_id: str) -> dict | None:
    """The app's own record of a job (title, state, reason of failure, attempts, …)."""
    with queue_errors():
        return _backend().store.get(job_id)


def recent_records(limit: int = 20, examine: int = 2000) -> list[dict]:
    """The newest of the app's job records in Redis (at most `examine` are read), newest
    first; empty when jobs run inline."""
    backend = _backend()
    if backend.redis is None:
        return []
    with queue_errors():
        found = backend.redis.scan_iter(match="vrijstad:job:*", count=500)
        keys = list(itertools.islice(found, examine))
        records = [backend.store.get(key.decode().rsplit(":", 1)[1]) for key in keys]
    records = [record for record in records if record and "state" in record]
    records.sort(key=lambda record: record.get("created_at") or 0, reverse=True)
    return records[:limit]


# --- worker command -----------------------------------------------------------------------


def work(app: Flask, burst: bool = False, worker_class=None) -> bool:
    """Process jobs from the configured queues (burst: until they are empty)."""
    global _worker_app
    from rq import Queue, Worker

    backend = _backend(app)
    if backend.inline:
        raise click.ClickException("REDIS_URL is not set: jobs run inline, no worker is needed")
    _worker_app = app
    # The worker blocks on Redis for long: its own connection, without a short socket timeout.
    connection = redis.Redis.from_url(backend.url)
    queues = [Queue(name, connection=connection) for name in backend.queues]
    worker = (worker_class or Worker)(queues, connection=connection)
    return worker.work(burst=burst, logging_level=app.config.get("LOG_LEVEL", "INFO"))


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
def worker_command(burst: bool) -> None:
    """Run an RQ worker on the configured queues (RQ_QUEUES)."""
    work(current_app._get_current_object(), burst=burst)


def init_app(app: Flask) -> None:
    app.cli.add_command(worker_command)
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", _after_rollback)
