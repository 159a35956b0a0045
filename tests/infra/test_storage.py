"""The uploads storage port: the same behaviour from the local folder and from S3."""

import os
import urllib.error
import urllib.request
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.infra.conftest import S3_CREDENTIALS, closed_port_url
from vrijstad import clock
from vrijstad.storage import LocalStorage, S3Storage, StorageError, create_storage, get_storage

BAD_KEYS = ["../etc/passwd", "units/../../x", "/abs/path.jpg", "units\\1\\a.jpg", "", "a//b"]


@pytest.fixture(params=["local", "s3"])
def storage(request, tmp_path):
    if request.param == "local":
        return LocalStorage(tmp_path / "uploads")
    config = request.getfixturevalue("s3_config")
    return create_storage(config)


def http_get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def test_put_get_exists_delete(storage):
    storage.put("units/12/abc.jpg", b"\xff\xd8jpeg", "image/jpeg")
    assert storage.exists("units/12/abc.jpg")
    assert storage.get("units/12/abc.jpg") == b"\xff\xd8jpeg"
    storage.put("units/12/abc.jpg", b"replaced", "image/jpeg")
    assert storage.get("units/12/abc.jpg") == b"replaced"
    storage.delete("units/12/abc.jpg")
    assert not storage.exists("units/12/abc.jpg")


def test_missing_files(storage):
    assert not storage.exists("plans/7/none.pdf")
    with pytest.raises(FileNotFoundError):
        storage.get("plans/7/none.pdf")
    storage.delete("plans/7/none.pdf")  # no error


@pytest.mark.parametrize("key", BAD_KEYS)
def test_keys_that_could_escape_are_refused(storage, key):
    for call in (
        lambda: storage.put(key, b"x", "text/plain"),
        lambda: storage.get(key),
        lambda: storage.delete(key),
        lambda: storage.exists(key),
    ):
        with pytest.raises(ValueError):
            call()


def test_local_files_stay_inside_the_folder(tmp_path):
    storage = LocalStorage(tmp_path / "uploads")
    storage.put("plans/7/p.pdf", b"%PDF", "application/pdf")
    assert (tmp_path / "uploads" / "plans" / "7" / "p.pdf").read_bytes() == b"%PDF"
    assert [p.name for p in (tmp_path / "uploads" / "plans" / "7").iterdir()] == ["p.pdf"]


def sent(response) -> tuple[int, dict, bytes]:
    """Status, headers and body of a send() response (closing its file)."""
    response.direct_passthrough = False
    with response:
        return response.status_code, response.headers, response.get_data()


def test_local_send_streams_the_file(app, tmp_path):
    storage = LocalStorage(tmp_path / "uploads")
    storage.put("plans/7/plan.pdf", b"%PDF-1.7 plan", "application/pdf")
    with app.test_request_context():
        status, inline, body = sent(storage.send("plans/7/plan.pdf", "plan.pdf", "application/pdf"))
        attached = sent(
            storage.send("plans/7/plan.pdf", "Ondernemingsplan é.pdf", "application/pdf", True)
        )[1]
        with pytest.raises(FileNotFoundError):
            storage.send("plans/7/gone.pdf", "gone.pdf", "application/pdf")
    assert (status, body) == (200, b"%PDF-1.7 plan")
    assert inline["Content-Type"] == "application/pdf"
    assert inline["Content-Disposition"].startswith("inline")
    assert "private" in inline["Cache-Control"] and "public" not in inline["Cache-Control"]
    assert attached["Content-Disposition"].startswith("attachment")
    assert "Ondernemingsplan" in attached["Content-Disposition"]


def test_s3_objects_are_private_and_sent_by_a_signed_link(app, s3_config):
    storage = create_storage(s3_config)
    storage.put("plans/7/plan.pdf", b"%PDF-1.7 plan", "application/pdf")
    with app.test_request_context():
        response = storage.send("plans/7/plan.pdf", "plan é.pdf", "application/pdf", True)
        with pytest.raises(FileNotFoundError):
            storage.send("plans/7/gone.pdf", "gone.pdf", "application/pdf")
    assert response.status_code == 302
    signed = response.headers["Location"]
    assert signed.startswith(s3_config["S3_ENDPOINT_URL"]) and "Signature=" in signed
    status, headers, body = http_get(signed)
    assert (status, body) == (200, b"%PDF-1.7 plan")
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"].startswith("attachment")
    # The object itself is not public.
    plain = f"{s3_config['S3_ENDPOINT_URL']}/{s3_config['S3_BUCKET']}/plans/7/plan.pdf"
    assert http_get(plain)[0] == 403
    acl = storage.client.get_object_acl(Bucket=s3_config["S3_BUCKET"], Key="plans/7/plan.pdf")
    assert all("AllUsers" not in str(grant["Grantee"]) for grant in acl["Grants"])


def test_s3_signed_links_are_short_lived(app, s3_config):
    # moto does not enforce expiry, so check the lifetime signed into the link.
    storage = create_storage({**s3_config, "S3_URL_EXPIRES": 60})
    storage.put("units/1/a.jpg", b"jpeg", "image/jpeg")
    with app.test_request_context():
        response = storage.send("units/1/a.jpg", "a.jpg", "image/jpeg")
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert query["X-Amz-Expires"] == ["60"]
    assert response.headers["Cache-Control"] == "private, max-age=30"


def test_unreachable_s3_raises_storage_error(tmp_path):
    storage = S3Storage(
        "vrijstad",
        endpoint_url=closed_port_url(),
        region="us-east-1",
        access_key=S3_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        secret_key=S3_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )
    with pytest.raises(StorageError):
        storage.put("units/1/a.jpg", b"x", "image/jpeg")
    with pytest.raises(StorageError):
        storage.check()


def test_storage_comes_from_configuration(configured, s3_config, tmp_path):
    app = configured(UPLOAD_DIR=str(tmp_path / "up"))
    with app.app_context():
        assert isinstance(get_storage(), LocalStorage)
        assert get_storage() is get_storage()
    app = configured(**s3_config)
    with app.app_context():
        assert isinstance(get_storage(), S3Storage)
    app = configured(STORAGE_BACKEND="ftp")
    with app.app_context(), pytest.raises(RuntimeError, match="STORAGE_BACKEND"):
        get_storage()


def test_files_older_than_a_moment_are_found_under_their_prefix_only(storage):
    storage.put("imports/units/1/a.csv", b"a", "text/csv")
    storage.put("imports/units/2/b.json", b"{}", "application/json")
    storage.put("units/12/photo.jpg", b"\xff\xd8", "image/jpeg")
    later = clock.now() + timedelta(minutes=5)
    earlier = clock.now() - timedelta(minutes=5)
    assert storage.older_than("imports/", later) == [
        "imports/units/1/a.csv",
        "imports/units/2/b.json",
    ]
    assert storage.older_than("imports/", earlier) == []
    assert storage.older_than("downloads/", later) == []


def test_clean_files_removes_old_job_files_and_keeps_the_rest(configured, runner, tmp_path):
    configured(STORAGE_BACKEND="local", UPLOAD_DIR=str(tmp_path / "uploads"), JOB_TTL=86400)
    storage = get_storage()
    keys = {
        "old_import": "imports/units/1/aaaa.csv",
        "old_zip": "downloads/collectives/3/bbbb.zip",
        "new_outcome": "imports/units/1/cccc.json",
        "old_photo": "units/7/photo.jpg",
    }
    for key in keys.values():
        storage.put(key, b"x", "application/octet-stream")
    two_days_ago = (clock.now() - timedelta(days=2)).timestamp()
    for name in ("old_import", "old_zip", "old_photo"):
        path = tmp_path / "uploads" / keys[name]
        os.utime(path, (two_days_ago, two_days_ago))
    result = runner.invoke(args=["clean-files"])
    assert result.exit_code == 0, result.output
    assert "2 job files removed" in result.output
    assert not storage.exists(keys["old_import"]) and not storage.exists(keys["old_zip"])
    assert storage.exists(keys["new_outcome"])  # younger than JOB_TTL
    assert storage.exists(keys["old_photo"])  # not a job's file
    assert "1 job files removed" in runner.invoke(args=["clean-files", "--days", "0"]).output
    assert not storage.exists(keys["new_outcome"])


def test_a_released_savepoint_is_no_commit_for_stored_files(ctx):
    """SQLAlchemy fires after_commit when a savepoint is released too: a file doomed inside
    one must stay until the outer transaction commits, and a file written inside one must go
    when the outer transaction rolls back."""
    from vrijstad.extensions import db, savepoint
    from vrijstad.storage import delete_after_commit, put_in_transaction

    storage = get_storage()
    storage.put("units/kept.jpg", b"kept", "image/jpeg")
    with savepoint():
        delete_after_commit("units/kept.jpg")
        put_in_transaction("units/new.jpg", b"new", "image/jpeg")
    assert storage.exists("units/kept.jpg")  # not yet: nothing is committed
    db.session.rollback()
    assert storage.exists("units/kept.jpg")  # the deletion was rolled back with its rows
    assert not storage.exists("units/new.jpg")  # the upload went with its rows
