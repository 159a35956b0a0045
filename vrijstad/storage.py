"""Uploaded files behind one port: a local folder by default, S3-compatible storage when set.

Keys are relative, slash-separated paths such as ``units/12/abc.jpg``. Callers never build
file paths or bucket URLs themselves; they call get_storage() and use put, get, delete,
exists and send. put_in_transaction and delete_after_commit tie files to the database
transaction: an upload is removed when the transaction rolls back, a deleted file goes only
once the deletion is committed.
"""

import logging
import os
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol
from urllib.parse import quote

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import BotoCoreError, ClientError
from flask import Flask, current_app, redirect, send_file
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from vrijstad import clock
from vrijstad.core import transaction_list

EXTENSION_KEY = "vrijstad_storage"
_WRITTEN = "vrijstad_storage_written"
_DOOMED = "vrijstad_storage_doomed"
log = logging.getLogger(__name__)


class StorageError(Exception):
    """The storage backend could not be reached or refused the operation."""


class Storage(Protocol):
    """What every backend offers."""

    def put(self, key: str, data: bytes, content_type: str) -> None: ...
    def get(self, key: str) -> bytes: ...
    def delete(self, key: str) -> None: ...
    def exists(self, key: str) -> bool: ...
    def send(
        self, key: str, filename: str, content_type: str, as_attachment: bool = False
    ) -> Response: ...
    def check(self) -> None: ...
    def older_than(self, prefix: str, cutoff: datetime) -> list[str]: ...


#: Files made for a job (an import's upload and outcome, a ZIP to download): kept as long as
#: the job's record (JOB_TTL), then removed by `flask clean-files`.
JOB_FILE_PREFIXES = ("imports/", "downloads/")


def check_key(key: str) -> str:
    """The key itself, or ValueError when it could escape its folder or bucket prefix."""
    parts = key.split("/")
    if (
        not key
        or "\\" in key
        or "\x00" in key
        or key.startswith("/")
        or ".." in parts
        or any(part in ("", ".") for part in parts)
        or (len(key) > 1 and key[1] == ":")
    ):
        raise ValueError(f"invalid storage key {key!r}")
    return key


class LocalStorage:
    """Files in a folder on this machine (UPLOAD_DIR): the default, no extra services."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).absolute()

    def _path(self, key: str) -> Path:
        return self.root.joinpath(*check_key(key).split("/"))

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write to a temporary file and rename, so a reader never sees half a file.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, path)
            clock.stamp_file(path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        path = self._path(key)
        if not path.is_file():
            raise FileNotFoundError(key)
        return path.read_bytes()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def send(
        self, key: str, filename: str, content_type: str, as_attachment: bool = False
    ) -> Response:
        path = self._path(key)
        if not path.is_file():
            raise FileNotFoundError(key)
        response = send_file(
            path, mimetype=content_type, as_attachment=as_attachment, download_name=filename
        )
        # Uploads may be private (drafts, plans): browsers may keep them, shared caches not.
        response.cache_control.public = False
        response.cache_control.private = True
        response.cache_control.no_cache = None
        response.cache_control.max_age = 3600
        return response

    def older_than(self, prefix: str, cutoff: datetime) -> list[str]:
        """Keys under the prefix (a folder, ending in /) last written before the cutoff."""
        folder = self._path(prefix.rstrip("/"))
        if not folder.is_dir():
            return []
        found = []
        for path in folder.rglob("*"):
            if path.is_file() and not path.name.startswith(".upload-"):
                modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
                if modified < cutoff:
                    found.append(path.relative_to(self.root).as_posix())
        return sorted(found)

    def check(self) -> None:
        """Raise StorageError unless the folder can be created and written."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.root, prefix=".readyz-"):
                pass
        except OSError as exc:
            raise StorageError(str(exc)) from exc


class S3Storage:
    """Private objects in an S3-compatible bucket; downloads go through presigned URLs."""

    def __init__(
        self,
        bucket: str,
        *,
        endpoint_url: str | None = None,
        region: str | None = None,
        access_key: str | None = None,
        secret_key: str | None = None,
        url_expires: int = 300,
        connect_timeout: float = 5,
    ) -> None:

        if not bucket:
            raise RuntimeError("S3_BUCKET must be set when STORAGE_BACKEND=s3")
        self.bucket = bucket
        self.url_expires = url_expires
        self.client = boto3.session.Session().client(
            "s3",
            endpoint_url=endpoint_url or None,
            region_name=region or None,
            aws_access_key_id=access_key or None,
            aws_secret_access_key=secret_key or None,
            config=BotoConfig(
                signature_version="s3v4",
                connect_timeout=connect_timeout,
                read_timeout=30,
                retries={"max_attempts": 2, "mode": "standard"},
            ),
        )

    def _call(self, method: str, **kwargs):

        try:
            return getattr(self.client, method)(Bucket=self.bucket, **kwargs)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code in ("NoSuchKey", "404", "NotFound"):
                raise FileNotFoundError(kwargs.get("Key", "")) from exc
            raise StorageError(f"{method}: {code or exc}") from exc
        except BotoCoreError as exc:
            raise StorageError(f"{method}: {exc}") from exc

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self._call("put_object", Key=check_key(key), Body=data, ContentType=content_type)

    def get(self, key: str) -> bytes:
        return self._call("get_object", Key=check_key(key))["Body"].read()

    def delete(self, key: str) -> None:
        self._call("delete_object", Key=check_key(key))

    def exists(self, key: str) -> bool:
        try:
            self._call("head_object", Key=check_key(key))
        except FileNotFoundError:
            return False
        return True

    def send(
        self, key: str, filename: str, content_type: str, as_attachment: bool = False
    ) -> Response:
        if not self.exists(key):
            raise FileNotFoundError(key)
        disposition = "attachment" if as_attachment else "inline"
        url = self.client.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.bucket,
                "Key": key,
                "ResponseContentType": content_type,
                "ResponseContentDisposition": _content_disposition(disposition, filename),
            },
            ExpiresIn=self.url_expires,
        )
        response = redirect(url, code=302)
        # The signed URL expires: browsers may reuse the redirect for half its lifetime.
        response.headers["Cache-Control"] = f"private, max-age={self.url_expires // 2}"
        return response

    def older_than(self, prefix: str, cutoff: datetime) -> list[str]:
        """Keys under the prefix last written before the cutoff."""

        found = []
        try:
            pages = self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=check_key(prefix.rstrip("/")) + "/"
            )
            for page in pages:
                found += [o["Key"] for o in page.get("Contents", []) if o["LastModified"] < cutoff]
        except (BotoCoreError, ClientError) as exc:
            raise StorageError(f"list_objects_v2: {exc}") from exc
        return sorted(found)

    def check(self) -> None:
        """Raise StorageError unless the bucket answers."""
        self._call("head_bucket")


def _content_disposition(kind: str, filename: str) -> str:

    ascii_name = filename.encode("ascii", "ignore").decode() or "download"
    ascii_name = ascii_name.replace('"', "").replace("\\", "")
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def create_storage(config) -> Storage:
    """The backend the configuration asks for."""
    backend = (config.get("STORAGE_BACKEND") or "local").lower()
    if backend == "local":
        return LocalStorage(config["UPLOAD_DIR"])
    if backend == "s3":
        return S3Storage(
            config.get("S3_BUCKET", ""),
            endpoint_url=config.get("S3_ENDPOINT_URL"),
            region=config.get("S3_REGION"),
            access_key=config.get("AWS_ACCESS_KEY_ID"),
            secret_key=config.get("AWS_SECRET_ACCESS_KEY"),
            url_expires=int(config.get("S3_URL_EXPIRES", 300)),
        )
    raise RuntimeError(f"unknown STORAGE_BACKEND {backend!r}; use 'local' or 's3'")


def get_storage(app: Flask | None = None) -> Storage:
    """The application's storage, created on first use and kept on app.extensions."""
    app = app or current_app
    storage = app.extensions.get(EXTENSION_KEY)
    if storage is None:
        storage = app.extensions[EXTENSION_KEY] = create_storage(app.config)
    return storage


def remove_job_files(age: timedelta, now: datetime | None = None) -> list[str]:
    """Remove the files made for jobs (JOB_FILE_PREFIXES) that are older than `age`."""
    storage = get_storage()
    cutoff = (now or clock.now()) - age
    removed = []
    for prefix in JOB_FILE_PREFIXES:
        for key in storage.older_than(prefix, cutoff):
            storage.delete(key)
            removed.append(key)
    return removed


def put_in_transaction(key: str, data: bytes, content_type: str) -> None:
    """Store a file that belongs to rows of the current transaction: a rollback removes it."""
    storage = get_storage()
    transaction_list(_WRITTEN).append((storage, key))
    storage.put(key, data, content_type)


def delete_after_commit(key: str) -> None:
    """Remove a file once the transaction that dropped its rows commits (kept on rollback)."""
    transaction_list(_DOOMED).append((get_storage(), key))


def _remove(entries: list) -> None:
    for storage, key in entries:
        try:
            storage.delete(key)
        except (StorageError, OSError):
            log.exception("could not delete stored file %s", key)


def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint released: the outer work is not committed
        return
    session.info.pop(_WRITTEN, None)
    _remove(session.info.pop(_DOOMED, []))


def _after_rollback(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is not None:  # a savepoint: the outer work goes on
        return
    session.info.pop(_DOOMED, None)
    _remove(session.info.pop(_WRITTEN, []))


def init_app(app: Flask) -> None:
    """Clean up files of committed deletions and of rolled-back uploads."""
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", _after_rollback)
