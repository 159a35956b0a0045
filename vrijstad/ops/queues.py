"""What the operator's jobs page shows: RQ's queues, workers and failed jobs (read through
RQ's public API: Queue, Worker and the job registries), beside the app's own job records.

Nothing here changes Redis: the registries are counted and listed without RQ's clean-up.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime

import redis
from rq import Queue, Worker
from rq.job import Job

from vrijstad import clock, jobs

FAILED_SHOWN = 20  # the latest failed jobs listed
RECENT_SHOWN = 20  # the app's newest job records listed
ERROR_LINES = 12  # the first lines of a failed job's traceback


@dataclass(frozen=True)
class QueueCounts:
    name: str
    queued: int
    started: int
    finished: int
    failed: int
    deferred: int
    scheduled: int


@dataclass(frozen=True)
class WorkerInfo:
    name: str
    state: str
    queues: list[str]
    current_job: str | None
    last_heartbeat: datetime | None
    born: datetime | None
    successful: int
    failed: int


@dataclass(frozen=True)
class FailedJob:
    id: str
    queue: str
    description: str
    ended_at: datetime | None
    error: str  # the exception, e.g. "ZeroDivisionError: division by zero"
    traceback: str  # its first lines
    app_job: dict | None  # the app's record of the job (title, reason, attempts), if any


@dataclass
class Overview:
    """status: "ok", "inline" (no REDIS_URL: jobs run in the request) or "unreachable"."""

    status: str
    problem: str = ""
    queues: list[QueueCounts] = field(default_factory=list)
    workers: list[WorkerInfo] = field(default_factory=list)
    failed: list[FailedJob] = field(default_factory=list)
    recent: list[dict] = field(default_factory=list)


def _aware(moment: datetime | None) -> datetime | None:
    return clock.as_utc(moment) if moment else None


def _counts(queue: Queue) -> QueueCounts:
    return QueueCounts(
        name=queue.name,
        queued=queue.count,
        started=queue.started_job_registry.get_job_count(cleanup=False),
        finished=queue.finished_job_registry.get_job_count(cleanup=False),
        failed=queue.failed_job_registry.get_job_count(cleanup=False),
        deferred=queue.deferred_job_registry.get_job_count(cleanup=False),
        scheduled=queue.scheduled_job_registry.get_job_count(cleanup=False),
    )


def _worker(worker: Worker) -> WorkerInfo:
    return WorkerInfo(
        name=worker.name,
        state=str(getattr(worker.get_state(), "value", worker.get_state())),
        queues=worker.queue_names(),
        current_job=worker.get_current_job_id(),
        last_heartbeat=_aware(worker.last_heartbeat),
        born=_aware(worker.birth_date),
        successful=worker.successful_job_count,
        failed=worker.failed_job_count,
    )


def _error_text(job: Job) -> str:
    result = job.latest_result()
    text = (result.exc_string if result is not None else None) or job.exc_info or ""
    return text.strip()


def _app_record(job: Job) -> dict | None:
    """The app's record of an RQ job: RQ runs jobs.run_job(<the app's job id>)."""
    if job.func_name != f"{jobs.run_job.__module__}.{jobs.run_job.__name__}" or not job.args:
        return None
    record = jobs.job_record(str(job.args[0]))
    return record if record and "state" in record else None


def _failed(queues: list[Queue], connection: redis.Redis) -> list[FailedJob]:
    ids = []
    for queue in queues:  # newest failures first: the registry is ordered by expiry
        registry = queue.failed_job_registry
        newest = registry.get_job_ids(0, FAILED_SHOWN - 1, desc=True, cleanup=False)
        ids += [(queue.name, job_id) for job_id in newest]
    found = Job.fetch_many([i for _, i in ids], connection=connection)
    failed = []
    for (queue_name, job_id), job in zip(ids, found, strict=True):
        if job is None:  # expired between the two reads
            continue
        text = _error_text(job)
        lines = text.splitlines()
        failed.append(
            FailedJob(
                id=job_id,
                queue=queue_name,
                description=job.description or job_id,
                ended_at=_aware(job.ended_at),
                error=lines[-1] if lines else "",
                traceback="\n".join(lines[:ERROR_LINES]),
                app_job=_app_record(job),
            )
        )
    failed.sort(key=lambda f: f.ended_at or datetime.min.replace(tzinfo=UTC), reverse=True)
    return failed[:FAILED_SHOWN]


def overview() -> Overview:
    """Every queue (the configured ones first), the workers, the latest failures."""
    connection = jobs.queue_connection()
    if connection is None:
        return Overview("inline")
    try:
        configured = jobs.queue_names()
        queues = [Queue(name, connection=connection) for name in configured]
        queues += sorted(
            (q for q in Queue.all(connection=connection) if q.name not in configured),
            key=lambda q: q.name,
        )
        return Overview(
            "ok",
            queues=[_counts(queue) for queue in queues],
            workers=sorted(
                (_worker(w) for w in Worker.all(connection=connection)), key=lambda w: w.name
            ),
            failed=_failed(queues, connection),
            recent=jobs.recent_records(RECENT_SHOWN),
        )
    except (redis.RedisError, jobs.JobsUnavailable) as exc:
        return Overview("unreachable", problem=type(exc.__cause__ or exc).__name__)


def record_time(record: dict, name: str) -> datetime | None:
    """A time the app's record keeps as seconds since the epoch, as an aware datetime."""
    value = record.get(name)
    return datetime.fromtimestamp(value, UTC) if value else None
