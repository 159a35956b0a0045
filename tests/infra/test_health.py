"""/healthz and /readyz as a load balancer sees them."""

import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext

from tests.infra.conftest import closed_port_url
from vrijstad.extensions import db


def test_healthz_says_the_process_is_alive(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_checks_database_storage_and_migrations(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ready",
        "checks": {"database": "ok", "storage": "ok", "migrations": "ok"},
        "failed": [],
    }


def test_readyz_pings_redis_when_it_is_configured(client, configured, redis_url):
    configured(REDIS_URL=redis_url)
    body = client.get("/readyz").get_json()
    assert body["status"] == "ready" and body["checks"]["redis"] == "ok"


def test_unreachable_redis_makes_the_app_not_ready(client, configured):
    configured(REDIS_URL=closed_port_url("redis") + "/0")
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "not ready" and body["failed"] == ["redis"]
    assert body["checks"]["redis"].startswith("failed")
    assert body["checks"]["database"] == "ok"


def test_redis_rate_limit_storage_is_checked_too(client, configured):
    configured(RATELIMIT_STORAGE_URI=closed_port_url("redis"))
    response = client.get("/readyz")
    assert response.status_code == 503 and response.get_json()["failed"] == ["redis"]


def test_unreachable_storage_makes_the_app_not_ready(client, configured):
    configured(
        STORAGE_BACKEND="s3",
        S3_BUCKET="vrijstad",
        S3_ENDPOINT_URL=closed_port_url(),
        S3_REGION="us-east-1",
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
    )
    response = client.get("/readyz")
    assert response.status_code == 503 and response.get_json()["failed"] == ["storage"]


def test_s3_storage_is_ready_when_its_bucket_answers(client, configured, s3_config):
    configured(**s3_config)
    assert client.get("/readyz").get_json()["checks"]["storage"] == "ok"
    configured(**{**s3_config, "S3_BUCKET": "no-such-bucket"})
    assert client.get("/readyz").get_json()["failed"] == ["storage"]


def test_a_database_behind_the_migrations_is_not_ready(app, client):
    with db.engine.connect() as conn:
        [head] = MigrationContext.configure(conn).get_current_heads()
    with db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = 'older'"))
    try:
        response = client.get("/readyz")
    finally:
        with db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE alembic_version SET version_num = :v"), {"v": head})
    assert response.status_code == 503
    assert response.get_json()["failed"] == ["migrations"]
