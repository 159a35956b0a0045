"""Unit photos through the storage port: local folder and S3, and S3 out of reach."""

import io
from pathlib import Path

import pytest

from tests.infra.conftest import closed_port_url
from tests.infra.test_storage import http_get
from tests.units.test_views import jpeg_bytes
from vrijstad.extensions import db
from vrijstad.storage import get_storage


@pytest.fixture(params=["local", "s3"])
def backend(request, configured):
    """The shared app switched to a storage backend; returns a lister of stored keys."""
    if request.param == "local":
        app = configured(STORAGE_BACKEND="local")
        root = Path(app.config["UPLOAD_DIR"])
        return lambda: sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
    config = request.getfixturevalue("s3_config")
    configured(**config)
    storage = get_storage()

    def keys():
        listing = storage.client.list_objects_v2(Bucket=config["S3_BUCKET"])
        return sorted(item["Key"] for item in listing.get("Contents", []))

    return keys


def upload(client, unit, *files):
    data = {"photo": [(io.BytesIO(content), name) for name, content in files]}
    return client.post(
        f"/units/{unit.id}/photos",
        data=data,
        content_type="multipart/form-data",
        follow_redirects=True,
        headers={"Accept-Language": "en"},
    )


def fetch_photo(client, url: str) -> bytes:
    """The photo bytes, following the signed link when the storage redirects to one."""
    with client.get(url) as response:
        if response.status_code == 302:
            status, headers, body = http_get(response.headers["Location"])
            assert status == 200 and headers.get("Content-Type") == "image/jpeg"
            return body
        assert response.status_code == 200 and response.mimetype == "image/jpeg"
        return response.data


def status_of(client, url: str) -> int:
    with client.get(url) as response:
        return response.status_code


def test_uploaded_photo_is_stored_served_and_deleted(client, make_unit, login, backend):
    unit = make_unit()
    login(unit.owner)
    assert upload(client, unit, ("a.jpg", jpeg_bytes())).status_code == 200
    db.session.refresh(unit)
    [photo] = unit.photos
    assert backend() == sorted(f"units/{unit.id}/{n}" for n in (photo.filename, photo.thumbnail))
    assert fetch_photo(client, f"/media/units/{unit.id}/{photo.filename}")[:2] == b"\xff\xd8"
    assert status_of(client, f"/media/units/{unit.id}/nothere.jpg") == 404
    assert status_of(client, f"/media/units/{unit.id}/..") == 404

    client.post(f"/units/{unit.id}/photos/{photo.id}/delete")
    assert backend() == []
    assert status_of(client, f"/media/units/{unit.id}/{photo.filename}") == 404


def test_a_refused_photo_leaves_no_files_behind(client, make_unit, login, backend):
    unit = make_unit()
    login(unit.owner)
    client.post("/language", data={"language": "en"})
    page = upload(client, unit, ("a.jpg", jpeg_bytes()), ("b.jpg", b"%PDF-1.4 not a photo"))
    assert "This file is not a photo we can read." in page.text
    db.session.refresh(unit)
    assert unit.photos == []
    assert backend() == []  # the first photo's files went with the rollback


def test_unreachable_storage_is_reported_on_the_upload_form(client, make_unit, login, configured):
    configured(
        STORAGE_BACKEND="s3",
        S3_BUCKET="vrijstad",
        S3_ENDPOINT_URL=closed_port_url(),
        S3_REGION="us-east-1",
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
    )
    unit = make_unit()
    login(unit.owner)
    client.post("/language", data={"language": "en"})
    page = upload(client, unit, ("a.jpg", jpeg_bytes()))
    assert page.status_code == 200
    assert "Photo storage cannot be reached right now. Nothing was saved" in page.text
    db.session.refresh(unit)
    assert unit.photos == []
