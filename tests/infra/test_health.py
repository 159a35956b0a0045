"""/healthz and /readyz as a load balancer sees them."""

import pytest
import sqlalchemy as sa
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

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
        "checks": {"database": "ok", "migrations": "ok", "storage": "ok"},
        "failed": [],
    }


def test_readyz_pings_redis_when_it_is_configured(client, configured, redis_url):
    configured(REDIS_URL=redis_url)
    body = client.get("/readyz").get_json()
    assert body["status"] == "ready" and body["checks"]["redis"] == "ok"


def test_unreachable_redis_degrades_but_keeps_the_server_in_the_balancer(client, configured):
    configured(REDIS_URL=closed_port_url("redis") + "/0")
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "degraded" and body["failed"] == ["redis"]
    assert body["checks"]["redis"].startswith("failed")
    assert body["checks"]["database"] == "ok"


def test_redis_rate_limit_storage_is_checked_too(client, configured):
    configured(RATELIMIT_STORAGE_URI=closed_port_url("redis"))
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["status"] == "degraded"
    assert response.get_json()["failed"] == ["redis"]


def test_unreachable_storage_degrades_but_keeps_the_server_in_the_balancer(client, configured):
    configured(
        STORAGE_BACKEND="s3",
        S3_BUCKET="vrijstad",
        S3_ENDPOINT_URL=closed_port_url(),
        S3_REGION="us-east-1",
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
    )
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["status"] == "degraded"
    assert response.get_json()["failed"] == ["storage"]


def test_s3_storage_is_ready_when_its_bucket_answers(client, configured, s3_config):
    configured(**s3_config)
    assert client.get("/readyz").get_json()["checks"]["storage"] == "ok"
    configured(**{**s3_config, "S3_BUCKET": "no-such-bucket"})
    assert client.get("/readyz").get_json()["failed"] == ["storage"]


@pytest.fixture
def schema_at(app):
    """Set the database's recorded migration revision for a test; restored afterwards."""
    with db.engine.connect() as conn:
        [head] = MigrationContext.configure(conn).get_current_heads()

    def move(revision: str | None) -> None:
        with db.engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM alembic_version"))
            if revision:
                conn.execute(
                    sa.text("INSERT INTO alembic_version (version_num) VALUES (:v)"),
                    {"v": revision},
                )

    yield move
    move(head)


def code_revisions(app) -> tuple[str, str]:
    """The code's head revision and the one before it."""
    config = Config()
    config.set_main_option("script_location", app.extensions["migrate"].directory)
    script = ScriptDirectory.from_config(config)
    head = script.get_revision(script.get_current_head())
    return head.revision, head.down_revision


def test_a_database_behind_the_migrations_is_not_ready(app, client, schema_at):
    head, previous = code_revisions(app)
    schema_at(previous)  # the code's last migration was not applied yet
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "not ready"
    assert response.get_json()["failed"] == ["migrations"]
    schema_at(None)  # a database never migrated
    assert client.get("/readyz").status_code == 503


def test_a_database_at_the_code_migrations_is_ready(app, client, schema_at):
    head, _previous = code_revisions(app)
    schema_at(head)
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["checks"]["migrations"] == "ok"


def test_a_database_ahead_of_the_code_keeps_the_old_servers_ready(app, client, schema_at):
    """The next release migrated already: the servers still on this code keep serving."""
    schema_at("f00dcafe0001")  # a revision only the next release knows
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ready" and body["failed"] == []
    assert body["checks"]["migrations"].startswith("ahead")
    assert "f00dcafe0001" in body["checks"]["migrations"]
