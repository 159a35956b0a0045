"""Health checks for the load balancer, and the status page of a background job."""

from flask import Blueprint, Flask, abort, jsonify, redirect
from flask_login import current_user

from vrijstad import jobs
from vrijstad.errors import render_error
from vrijstad.extensions import db, limiter
from vrijstad.forms import ButtonForm
from vrijstad.htmx import render_page
from vrijstad.i18n import gettext as _
from vrijstad.ops import health
from vrijstad.storage import StorageError
from vrijstad.web import is_htmx

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """The process is alive (nothing else is checked)."""
    response = jsonify(status="ok")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/readyz")
@limiter.exempt
def readyz():
    """Ready for traffic (200) unless the database is unreachable or behind the code (503);
    Redis or storage failing answers 200 with status "degraded"."""
    result = health.readiness()
    response = jsonify(status=result.status, checks=result.checks, failed=result.failed)
    response.status_code = 200 if result.ready else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def get_job_or_404(job_id: str) -> jobs.JobStatus:
    status = jobs.get_status(job_id) if job_id.isalnum() else None
    if status is None:
        abort(404)
    if status.user_id is not None and not (
        current_user.is_authenticated
        and (current_user.id == status.user_id or current_user.is_admin)
    ):
        abort(404)
    return status


@bp.get("/jobs/<job_id>")
def job_status(job_id: str):
    job = get_job_or_404(job_id)
    response = render_page("ops/job.html", "ops/_job.html", job=job, button=ButtonForm())
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/jobs/<job_id>/retry")
def job_retry(job_id: str):
    get_job_or_404(job_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        jobs.retry(job_id)
    except jobs.JobError as exc:
        return render_error(409, str(exc))
    if is_htmx():
        return job_status(job_id)
    return redirect(jobs.JobHandle(job_id, job_id).status_url, code=303)


def service_unavailable(exc: Exception):
    db.session.rollback()
    if isinstance(exc, jobs.JobsUnavailable):
        message = _("Background work cannot be queued right now. Nothing was saved; try again.")
    else:
        message = _("File storage cannot be reached right now. Nothing was saved; try again.")
    response, code = render_error(503, message)
    return response, code, {"Retry-After": "30"}


def init_app(app: Flask) -> None:
    app.register_error_handler(jobs.JobsUnavailable, service_unavailable)
    app.register_error_handler(StorageError, service_unavailable)
