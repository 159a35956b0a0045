"""Mail goes out as a background job after the commit; a down queue never loses it."""

from rq import Queue, SimpleWorker
from rq.job import Job, JobStatus

from tests.infra.conftest import closed_port_url
from vrijstad import jobs


def test_mail_is_sent_by_the_worker(client, configured, redis_url, make_user, outbox):
    app = configured(REDIS_URL=redis_url)
    user = make_user()
    assert client.post("/reset", data={"email": user.email}).status_code == 302
    assert outbox() == []  # queued, not sent in the request
    jobs.work(app, burst=True, worker_class=SimpleWorker)
    assert [m["To"] for m in outbox()] == [user.email]
    assert "/reset/" in outbox()[0].get_body(("plain",)).get_content()


def test_a_retried_mail_job_does_not_send_twice(client, configured, redis_url, make_user, outbox):
    app = configured(REDIS_URL=redis_url)
    user = make_user()
    client.post("/reset", data={"email": user.email})
    queue = Queue("default", connection=jobs.queue_connection())
    [job_id] = queue.get_job_ids()
    jobs.work(app, burst=True, worker_class=SimpleWorker)
    # The worker died after sending, before it could record the job as done: RQ then moves
    # the job to its failed registry.
    job = Job.fetch(job_id, connection=queue.connection)
    job.set_status(JobStatus.FAILED)
    queue.failed_job_registry.add(job, exc_string="worker lost")
    assert jobs.get_status(job_id).state == "failed"
    jobs.retry(job_id)
    jobs.work(app, burst=True, worker_class=SimpleWorker)
    assert jobs.get_status(job_id).state == "finished"
    assert len(outbox()) == 1


def test_mail_is_delivered_in_the_request_when_redis_is_down(client, configured, make_user, outbox):
    configured(REDIS_URL=closed_port_url("redis") + "/0")
    user = make_user()
    response = client.post("/reset", data={"email": user.email})
    # Same answer as for an unknown address: a down queue must not reveal accounts.
    assert response.status_code == 302
    assert [m["To"] for m in outbox()] == [user.email]
