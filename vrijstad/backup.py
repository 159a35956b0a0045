"""Backups of the embedded setup: the SQLite database and the local upload folder in one
.tar.gz, and restoring one. PostgreSQL and object storage have their own tools (pg_dump and
pg_restore, bucket versioning); the README gives the steps.

The database is copied with SQLite's online backup API, so a backup taken while the app runs
is consistent. A restore checks every name in the archive before it writes anything.
"""

import json
import shutil
import sqlite3
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

import sqlalchemy as sa
from flask import current_app

from vrijstad import clock
from vrijstad.auth.models import User
from vrijstad.extensions import db

DATABASE_NAME = "vrijstad.db"
MANIFEST_NAME = "manifest.json"
UPLOADS_NAME = "uploads"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why."""


def _sqlite_path() -> Path:
    url = db.engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise BackupError(
            "This database is not a SQLite file. Back up PostgreSQL with pg_dump "
            "(see README, 'Backups')."
        )
    return Path(url.database)


def _uploads_dir() -> Path | None:
    if current_app.config.get("STORAGE_BACKEND", "local") != "local":
        return None  # objects in a bucket are backed up by the bucket's own versioning
    return Path(current_app.config["UPLOAD_DIR"])


def _copy_sqlite(source: Path, target: Path) -> None:
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
    finally:
        src.close()
        dst.close()


def _revision() -> str | None:
    try:
        return db.session.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    except sa.exc.DBAPIError:
        return None


def create_backup(target: Path) -> dict:
    """Write the database and uploads to target (.tar.gz); returns the manifest."""
    database = _sqlite_path()
    uploads = _uploads_dir()
    manifest = {
        "created_at": clock.now().isoformat(timespec="seconds"),
        "revision": _revision(),
        "uploads": uploads is not None and uploads.exists(),
    }
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / DATABASE_NAME
        _copy_sqlite(database, copy)
        (Path(folder) / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2))
        partial = target.with_name(target.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(Path(folder) / MANIFEST_NAME, MANIFEST_NAME)
            archive.add(copy, DATABASE_NAME)
            if uploads is not None and manifest["uploads"]:
                archive.add(uploads, UPLOADS_NAME)
        partial.replace(target)  # never a half-written backup under the real name
    return manifest


def _checked_members(archive: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = archive.getmembers()
    names = {member.name for member in members}
    if DATABASE_NAME not in names or MANIFEST_NAME not in names:
        raise BackupError("This is not a Vrijstad backup: the database or manifest is missing.")
    for member in members:
        path = PurePosixPath(member.name)
        top = path.parts[0] if path.parts else ""
        if (
            path.is_absolute()
            or ".." in path.parts
            or top not in {DATABASE_NAME, MANIFEST_NAME, UPLOADS_NAME}
            or not (member.isfile() or member.isdir())
        ):
            raise BackupError(f"Refused: the backup holds an unexpected entry {member.name!r}.")
    return members


def database_has_data() -> bool:
    """Whether any user exists: restoring over live data needs an explicit yes."""
    try:
        return (db.session.scalar(sa.select(sa.func.count(User.id))) or 0) > 0
    except sa.exc.DBAPIError:
        db.session.rollback()
        return False


def restore_backup(source: Path) -> dict:
    """Replace the database and uploads with those of a backup; returns its manifest."""
    database = _sqlite_path()
    uploads = _uploads_dir()
    with tempfile.TemporaryDirectory() as folder:
        try:
            with tarfile.open(source, "r:gz") as archive:
                members = _checked_members(archive)
                archive.extractall(folder, members=members, filter="data")
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise BackupError(f"This file cannot be read as a backup: {exc}") from exc
        try:
            manifest = json.loads((Path(folder) / MANIFEST_NAME).read_text())
        except ValueError as exc:
            raise BackupError("The backup's manifest is damaged.") from exc
        db.session.remove()
        db.engine.dispose()
        _copy_sqlite(Path(folder) / DATABASE_NAME, database)
        restored = Path(folder) / UPLOADS_NAME
        if uploads is not None and restored.exists():
            if uploads.exists():
                shutil.rmtree(uploads)
            shutil.copytree(restored, uploads)
    return manifest
