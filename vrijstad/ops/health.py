"""Readiness checks for a load balancer: database, Redis, storage, migrations."""

import logging
from collections.abc import Callable
from functools import cache

import sqlalchemy as sa
from flask import Flask, current_app

from vrijstad.extensions import db

log = logging.getLogger(__name__)


def check_database() -> None:
    db.session.execute(sa.text("SELECT 1"))


def redis_urls(app: Flask) -> list[str]:
    """The Redis servers this app needs: the job queue and the rate-limit storage."""
    urls = []
    if app.config.get("REDIS_URL"):
        urls.append(app.config["REDIS_URL"])
    limits = app.config.get("RATELIMIT_STORAGE_URI") or ""
    if limits.startswith(("redis://", "rediss://", "redis+unix://")) and limits not in urls:
        urls.append(limits)
    return urls


def check_redis() -> None:
    import redis

    for url in redis_urls(current_app):
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        try:
            client.ping()
        finally:
            client.close()


def check_storage() -> None:
    from vrijstad.storage import get_storage

    get_storage().check()


@cache
def _migration_heads(directory: str) -> frozenset[str]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", directory)
    return frozenset(ScriptDirectory.from_config(config).get_heads())


class NotAtHead(Exception):
    """The database schema is behind (or ahead of) the code's migrations."""


def check_migrations() -> None:
    from alembic.runtime.migration import MigrationContext

    heads = _migration_heads(current_app.extensions["migrate"].directory)
    with db.engine.connect() as connection:
        current = frozenset(MigrationContext.configure(connection).get_current_heads())
    if current != heads:
        raise NotAtHead(f"database at {sorted(current)}, code at {sorted(heads)}")


def checks(app: Flask) -> dict[str, Callable[[], None]]:
    """The checks that apply to this configuration, by name."""
    found = {"database": check_database}
    if redis_urls(app):
        found["redis"] = check_redis
    found["storage"] = check_storage
    found["migrations"] = check_migrations
    return found


def readiness() -> tuple[bool, dict[str, str]]:
    """(ready, {check: "ok" or the kind of failure}); full errors go to the log."""
    results = {}
    for name, check in checks(current_app).items():
        try:
            check()
        except Exception as exc:
            log.warning("readiness check %s failed: %s", name, exc)
            results[name] = f"failed: {type(exc).__name__}"
            if name == "database":
                db.session.rollback()
        else:
            results[name] = "ok"
    return all(v == "ok" for v in results.values()), results
