"""Pages that start background jobs: jobs inline, on RQ with Redis, or with Redis down."""

import pytest
from rq import SimpleWorker

from tests.infra.conftest import REDIS_TEST_URL, closed_port_url
from vrijstad import jobs


@pytest.fixture
def job_settings(app):
    """Change the job settings of the shared app for one test; restored afterwards."""
    saved = dict(app.config)

    def configure(**settings):
        app.config.update(settings)
        app.extensions.pop(jobs.EXTENSION_KEY, None)
        return app

    yield configure
    app.config.clear()
    app.config.update(saved)
    app.extensions.pop(jobs.EXTENSION_KEY, None)


@pytest.fixture
def rq_worker(job_settings):
    """Jobs go to RQ on Redis (db 15); calling the fixture's value lets a worker run them."""
    import redis

    client = redis.Redis.from_url(REDIS_TEST_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.fail(f"these tests need Redis at {REDIS_TEST_URL}")
    client.flushdb()
    app = job_settings(REDIS_URL=REDIS_TEST_URL)
    yield lambda: jobs.work(app, burst=True, worker_class=SimpleWorker)
    client.flushdb()
    client.close()


@pytest.fixture
def redis_down(job_settings):
    """REDIS_URL is set but nothing answers there."""
    job_settings(REDIS_URL=closed_port_url("redis") + "/0")


def job_id_of(response) -> str:
    """The job a page started: it redirects to /jobs/<id>."""
    assert response.status_code == 303, response.text
    assert "/jobs/" in response.location, response.location
    return response.location.rsplit("/", 1)[1]
