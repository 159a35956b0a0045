"""Versioned static URLs: each link to a static file names the file's content, so the file
may be kept for a year; a new file gets a new link."""

import hashlib
import re
import shutil
from pathlib import Path

from flask import url_for

from vrijstad import ROOT, create_app
from vrijstad.assets import IMMUTABLE_MAX_AGE, VERSION_LENGTH

STATIC = Path(ROOT / "static")
LINK = re.compile(r'(?:href|src)="/static/([^"?]+)(?:\?v=([0-9a-f]+))?"')


def content_version(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:VERSION_LENGTH]


def test_every_static_link_of_a_page_carries_its_files_version(client, make_unit):
    unit = make_unit()
    for page in ("/", "/units", f"/units/{unit.id}", "/login"):
        links = LINK.findall(client.get(page).text)
        assert any(name == "css/app.css" for name, _ in links), page
        for name, version in links:
            assert version == content_version(STATIC / name), (page, name)


def test_a_changed_file_gets_a_new_link_in_the_next_process_not_this_one(tmp_path):
    """The version is read once per process: the release's servers start with the new files."""
    folder = tmp_path / "static"
    shutil.copytree(STATIC / "css", folder / "css")
    stylesheet = folder / "css" / "app.css"

    def link(app) -> str:
        with app.test_request_context("/"):
            return url_for("static", filename="css/app.css")

    before = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://")
    before.static_folder = str(folder)
    old = link(before)
    assert old == f"/static/css/app.css?v={content_version(stylesheet)}"
    stylesheet.write_text(stylesheet.read_text() + "\n.release-2 { color: red; }\n")
    after = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://")
    after.static_folder = str(folder)
    new = link(after)
    assert new == f"/static/css/app.css?v={content_version(stylesheet)}" and new != old
    assert link(before) == old  # read once: a running server keeps what it read
    with after.test_request_context("/"):  # no such file: a plain link, no error
        assert url_for("static", filename="css/missing.css") == "/static/css/missing.css"


def test_a_versioned_file_is_kept_for_a_year_others_are_revalidated(client):
    page = client.get("/").text
    [versioned] = re.findall(r'href="(/static/css/app\.css\?v=[0-9a-f]+)"', page)
    with client.get(versioned) as response:
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert response.cache_control.max_age == IMMUTABLE_MAX_AGE
        etag = response.headers["ETag"]
    with client.get(versioned, headers={"If-None-Match": etag}) as again:
        assert again.status_code == 304 and again.cache_control.immutable
    for unversioned in ("/static/css/app.css", "/static/css/app.css?v=0123456789ab"):
        with client.get(unversioned) as response:  # no version, or an old one: each use asks
            assert response.status_code == 200 and response.cache_control.no_cache
            assert not response.cache_control.immutable and not response.cache_control.max_age


def test_remembered_links_keep_working_with_versions(app):
    """The template's url_for remembers static links too (their version is per process)."""
    remembered = app.jinja_env.globals["url_for"]
    with app.test_request_context("/"):
        first = remembered("static", filename="css/app.css")
        assert remembered.plain is True
        assert (
            remembered("static", filename="css/app.css")
            == first
            == url_for("static", filename="css/app.css")
        )


def test_other_url_defaults_still_turn_remembering_off():
    """A url_defaults that may differ between requests (not marked) is run for every link."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://")
    app.url_defaults(lambda endpoint, values: None)
    remembered = app.jinja_env.globals["url_for"]
    with app.test_request_context("/"):
        assert remembered("static", filename="css/app.css").startswith("/static/css/app.css?v=")
        assert remembered.plain is False and remembered.built == {}
