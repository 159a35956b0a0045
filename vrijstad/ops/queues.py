"""What the operator's jobs page shows: RQ's queues, workers, failed and recent jobs (read
through RQ's public API: Queue, Worker and the job registries; a job's title, owner and the
reason shown to its user are in its meta, read by jobs.status_of).

Nothing here changes Redis: the registries are counted and listed without RQ's clean-up.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime

import redis
from rq import Queue, Worker
from rq.job import Job
from rq.worker import BaseWorker

from vrijstad import clock, jobs

FAILED_SHOWN = 20  # the latest failed jobs listed
RECENT_SHOWN = 20  # the newest jobs listed
RECENT_EXAMINED = 200  # at most this many of each queue and registry are read for them
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
    app_job: jobs.JobStatus | None  # as the user sees it (title, reason, attempts), if ours


@dataclass
class Overview:
    """status: "ok", "inline" (no REDIS_URL: jobs run in the request) or "unreachable"."""

    status: str
    problem: str = ""
    queues: list[QueueCounts] = field(default_factory=list)
    workers: list[WorkerInfo] = field(default_factory=list)
    failed: list[FailedJob] = field(default_factory=list)
    recent: list[jobs.JobStatus] = field(default_factory=list)


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


def _worker(worker: BaseWorker) -> WorkerInfo:
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
                app_job=jobs.status_of(job),
            )
        )
    failed.sort(key=lambda f: f.ended_at or datetime.min.replace(tzinfo=UTC), reverse=True)
    return failed[:FAILED_SHOWN]


def _recent(queues: list[Queue], connection: redis.Redis) -> list[jobs.JobStatus]:
    """The newest jobs of this app in any state, newest first."""
    ids: set[str] = set()
    for queue in queues:
        ids.update(queue.get_job_ids(0, RECENT_EXAMINED))
        for registry in (
            queue.started_job_registry,
            queue.finished_job_registry,
            queue.failed_job_registry,
            queue.deferred_job_registry,
            queue.scheduled_job_registry,
        ):
            ids.update(registry.get_job_ids(0, RECENT_EXAMINED - 1, desc=True, cleanup=False))
    found = Job.fetch_many(sorted(ids), connection=connection)
    shown = [jobs.status_of(job) for job in found if job is not None]
    recent = [status for status in shown if status is not None]
    oldest = datetime.min.replace(tzinfo=UTC)
    recent.sort(key=lambda status: status.queued_at or oldest, reverse=True)
    return recent[:RECENT_SHOWN]


def overview() -> Overview:
    """Every queue (the configured ones first), the workers, the latest failures."""
    if jobs.runs_inline():
        return Overview("inline")
    connection = jobs.queue_connection()
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
            recent=_recent(queues, connection),
        )
    except (redis.RedisError, jobs.JobsUnavailable) as exc:
        return Overview("unreachable", problem=type(exc.__cause__ or exc).__name__)
