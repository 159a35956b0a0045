"""Readiness checks for a load balancer: database, migrations, Redis, storage.

A server is taken out of the balancer (not ready) only for what it cannot work without: the
database, and a schema that has every migration this code needs. A schema *ahead* of the
code is fine: during a rolling deploy the migrations of the next release run first, while
the old servers keep serving. Redis and the storage are needed by some pages only (the app
degrades without them: limits per process, jobs refused with a clear page), so their
failures are reported as degraded but keep the server in the balancer.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import redis
import sqlalchemy as sa
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app

from vrijstad.extensions import db
from vrijstad.storage import get_storage

log = logging.getLogger(__name__)

#: Checks whose failure takes the server out of the balancer; the others only degrade it.
ESSENTIAL = frozenset({"database", "migrations"})


def check_database() -> str | None:
    db.session.execute(sa.text("SELECT 1"))
    return None


def redis_urls(app: Flask) -> list[str]:
    """The Redis servers this app needs: the job queue and the rate-limit storage."""
    urls = []
    if app.config.get("REDIS_URL"):
        urls.append(app.config["REDIS_URL"])
    limits = app.config.get("RATELIMIT_STORAGE_URI") or ""
    if limits.startswith(("redis://", "rediss://", "redis+unix://")) and limits not in urls:
        urls.append(limits)
    return urls


def check_redis() -> str | None:

    for url in redis_urls(current_app):
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        try:
            client.ping()
        finally:
            client.close()
    return None


def check_storage() -> str | None:

    get_storage().check()
    return None


@dataclass(frozen=True)
class Migrations:
    """The code's migration graph: its heads, and each revision with all it builds on."""

    heads: frozenset[str]
    applied_with: dict[str, frozenset[str]]


@cache
def code_migrations(directory: str) -> Migrations:

    config = Config()
    config.set_main_option("script_location", directory)
    script = ScriptDirectory.from_config(config)
    parents = {}
    for revision in script.walk_revisions():
        down = revision.down_revision or ()
        parents[revision.revision] = (down,) if isinstance(down, str) else tuple(down)

    @cache
    def lineage(revision: str) -> frozenset[str]:
        return frozenset({revision}).union(*(lineage(parent) for parent in parents[revision]))

    return Migrations(
        heads=frozenset(script.get_heads()), applied_with={rev: lineage(rev) for rev in parents}
    )


class SchemaBehind(Exception):
    """The database lacks migrations this code needs: run `flask db upgrade`."""


def check_migrations() -> str | None:
    """None when the database has exactly the code's migrations; a note when it is ahead."""

    code = code_migrations(current_app.extensions["migrate"].directory)
    with db.engine.connect() as connection:
        current = frozenset(MigrationContext.configure(connection).get_current_heads())
    if current == code.heads:
        return None
    unknown = sorted(rev for rev in current if rev not in code.applied_with)
    applied = frozenset().union(*(code.applied_with[rev] for rev in current if rev not in unknown))
    if unknown:
        # A revision this code has never seen: a newer release has migrated already.
        return f"ahead: database at {unknown}, newer than this code ({sorted(code.heads)})"
    if not code.heads <= applied:
        raise SchemaBehind(f"database at {sorted(current)}, code needs {sorted(code.heads)}")
    return None


def checks(app: Flask) -> dict[str, Callable[[], str | None]]:
    """The checks that apply to this configuration, by name."""
    found = {"database": check_database, "migrations": check_migrations}
    if redis_urls(app):
        found["redis"] = check_redis
    found["storage"] = check_storage
    return found


@dataclass
class Readiness:
    """Each check's result ("ok", a note, or the kind of failure) and the verdict."""

    checks: dict[str, str]
    failed: list[str]

    @property
    def ready(self) -> bool:
        return not ESSENTIAL.intersection(self.failed)

    @property
    def status(self) -> str:
        if not self.ready:
            return "not ready"
        return "degraded" if self.failed else "ready"


def readiness() -> Readiness:
    """Run every check; full errors go to the log, the kind of failure into the result."""
    results, failed = {}, []
    for name, check in checks(current_app).items():
        try:
            note = check()
        except Exception as exc:
            log.warning("readiness check %s failed: %s", name, exc)
            results[name] = f"failed: {type(exc).__name__}"
            failed.append(name)
            if name in ESSENTIAL:
                db.session.rollback()
        else:
            results[name] = note or "ok"
    return Readiness(results, failed)
