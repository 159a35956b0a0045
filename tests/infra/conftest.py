"""Real services on loopback: an S3-compatible server (moto) and Redis (db 15)."""

import os
import secrets
import socket
import uuid

import pytest

REDIS_TEST_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
S3_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint():
    """moto's S3 server in a thread on a free loopback port."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_config(s3_endpoint):
    """Settings for a fresh private bucket on the S3 server."""
    import boto3

    bucket = f"vrijstad-{uuid.uuid4().hex[:12]}"
    client = boto3.session.Session().client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_bucket(Bucket=bucket)
    return {
        "STORAGE_BACKEND": "s3",
        "S3_BUCKET": bucket,
        "S3_ENDPOINT_URL": s3_endpoint,
        "S3_REGION": "us-east-1",
        "S3_URL_EXPIRES": 300,
        **S3_CREDENTIALS,
    }


@pytest.fixture
def configured(app):
    """Run a test with some settings changed on the shared app; restored afterwards."""
    from vrijstad.jobs import EXTENSION_KEY as JOBS_KEY
    from vrijstad.storage import EXTENSION_KEY as STORAGE_KEY

    saved = dict(app.config)

    def configure(**settings):
        app.config.update(settings)
        app.extensions.pop(STORAGE_KEY, None)
        app.extensions.pop(JOBS_KEY, None)
        return app

    yield configure
    app.config.clear()
    app.config.update(saved)
    app.extensions.pop(STORAGE_KEY, None)
    app.extensions.pop(JOBS_KEY, None)


@pytest.fixture
def redis_url():
    """Redis db 15 on loopback, flushed before and after the test."""
    import redis

    client = redis.Redis.from_url(REDIS_TEST_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.fail(f"these tests need Redis at {REDIS_TEST_URL}")
    client.flushdb()
    yield REDIS_TEST_URL
    client.flushdb()
    client.close()


def production_env(base: dict, tmp_path, port: int) -> dict:
    """Settings for the app served by gunicorn as the deploy kit runs it: production, a
    SQLite database and folders in tmp_path, no Redis, no Sentry, one worker on `port`."""
    return {
        **base,
        "VRIJSTAD_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'vrijstad.db'}",
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "OUTBOX_DIR": str(tmp_path / "outbox"),
        "JOB_DIR": str(tmp_path / "jobs"),
        "REDIS_URL": "",
        "RATELIMIT_STORAGE_URI": "memory://",
        "SENTRY_DSN": "",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
    }


def closed_port_url(scheme: str = "http") -> str:
    """A loopback URL nothing listens on."""
    return f"{scheme}://127.0.0.1:{free_port()}"
