"""What the status page shows about a job, and "try again": read from RQ's own job."""

from dataclasses import dataclass
from datetime import datetime

from flask import url_for
from rq.exceptions import InvalidJobOperation, NoSuchJobError
from rq.job import Job
from rq.job import JobStatus as RQStatus

from vrijstad import clock
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.jobs.backend import AppJob, JobError, _backend, queue_errors

#: RQ's states as the status page shows them.
_STATES = {
    RQStatus.CREATED: "queued",  # saved, waiting for the commit
    RQStatus.QUEUED: "queued",
    RQStatus.DEFERRED: "queued",
    RQStatus.SCHEDULED: "queued",  # an automatic retry, waiting for its moment
    RQStatus.STARTED: "started",
    RQStatus.FINISHED: "finished",
    RQStatus.FAILED: "failed",
    RQStatus.STOPPED: "failed",
    RQStatus.CANCELED: "failed",
}


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
    queued_at: datetime | None = None
    ended_at: datetime | None = None

    @property
    def done(self) -> bool:
        return self.state in ("finished", "failed")


def _fetch(job_id: str) -> Job | None:
    try:
        return AppJob.fetch(job_id, connection=_backend().redis)
    except (NoSuchJobError, ValueError):  # ValueError: not a job id at all
        return None


def status_of(job: Job) -> JobStatus | None:
    """What the status page shows about an RQ job; None for a job this app did not queue."""
    meta = job.meta
    if "title" not in meta:
        return None
    state = _STATES.get(job.get_status(refresh=False), "queued")
    error = None
    if state == "failed":
        error = meta.get("error") or str(_l("The worker stopped before the job was done."))
    result = job.return_value() if state == "finished" else None
    url = label = None
    if isinstance(result, str) and result.startswith(("/", "http://", "https://")):
        url = result
    elif isinstance(result, dict) and result.get("url"):
        url, label = result["url"], result.get("label")
    return JobStatus(
        id=job.id,
        state=state,
        title=meta["title"],
        progress=100 if state == "finished" else int(meta.get("progress") or 0),
        message=meta.get("message") or "",
        result_url=url,
        result_label=label,
        error=error,
        user_id=meta.get("user_id"),
        attempts=int(meta.get("attempts") or 0),
        queued_at=clock.as_utc(job.created_at) if job.created_at else None,
        ended_at=clock.as_utc(job.ended_at) if job.ended_at else None,
    )


def get_status(job_id: str) -> JobStatus | None:
    """The job's state for the status page, or None for an unknown id."""
    with queue_errors():
        job = _fetch(job_id)
        return status_of(job) if job is not None else None


def retry(job_id: str) -> JobHandle:
    """Run a failed job again (RQ's requeue); the steps it finished before are not repeated."""
    with queue_errors():
        job = _fetch(job_id)
        status = status_of(job) if job is not None else None
        if job is None or status is None:
            raise JobError(str(_l("This job does not exist (any more).")))
        if status.state != "failed":
            raise JobError(str(_l("Only a failed job can be tried again.")))
        job.meta.update(progress=0, message="", error=None)
        try:
            job.requeue()  # takes it off the failed registry: of two clicks, one requeues
        except InvalidJobOperation:
            pass
        else:
            queue = _backend().queue(job.origin)
            if not queue.is_async:  # inline: run it now
                queue.remove(job)
                queue.run_sync(job)
        return JobHandle(job.id, job.meta.get("key") or job.id)
