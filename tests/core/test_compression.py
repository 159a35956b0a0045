"""Compressed responses (vrijstad/compression.py): pages for visitors and static files in
Brotli or gzip; small answers, files and downloads as they are; logged-in pages never
(BREACH), and those are not stored either."""

import gzip
import io
import re
import zlib

import brotli
import pytest
from flask import Response, send_file, stream_with_context

from vrijstad import create_app, exports
from vrijstad.exports import Column, Table

GZIP = {"Accept-Encoding": "gzip"}
BROWSER = {"Accept-Encoding": "gzip, deflate, br, zstd"}  # what Chromium sends


def test_a_visitors_page_is_compressed_with_what_the_browser_asks(client):
    plain = client.get("/").data
    assert b"<html" in plain
    response = client.get("/", headers=GZIP)
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert int(response.headers["Content-Length"]) == len(response.data) < len(plain) / 2
    assert b"<html" in gzip.decompress(response.data)

    response = client.get("/units", headers=BROWSER)
    assert response.headers["Content-Encoding"] == "br"
    assert b"<html" in brotli.decompress(response.data)


def test_without_accept_encoding_nothing_is_compressed(client):
    response = client.get("/")
    assert "Content-Encoding" not in response.headers
    assert int(response.headers["Content-Length"]) == len(response.data)


def test_a_small_answer_and_an_error_stay_as_they_are(client):
    small = client.get("/healthz", headers=GZIP)
    assert small.status_code == 200 and len(small.data) < 500
    assert "Content-Encoding" not in small.headers
    missing = client.get("/units/999999", headers=GZIP)
    assert missing.status_code == 404 and "Content-Encoding" not in missing.headers


def test_a_logged_in_page_is_neither_compressed_nor_stored(client, make_user, login):
    visitor = client.get("/", headers=GZIP)
    assert "no-store" not in visitor.headers.get("Cache-Control", "")
    login(make_user("starter"))
    response = client.get("/", headers=GZIP)
    assert response.status_code == 200 and b"<html" in response.data
    assert "Content-Encoding" not in response.headers
    assert response.headers["Cache-Control"] == "private, no-store"


def test_static_files_are_compressed_for_everyone_and_keep_their_etag_and_cache(
    client, make_user, login
):
    login(make_user("starter"))
    [stylesheet] = re.findall(
        r'href="(/static/vendor/pico/pico\.min\.css\?v=\w+)"', client.get("/").text
    )
    with client.get(stylesheet, headers=BROWSER) as response:
        assert response.status_code == 200
        assert response.headers["Content-Encoding"] == "br"
        assert b"--pico" in brotli.decompress(response.data)
        assert int(response.headers["Content-Length"]) == len(response.data)
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        etag = response.headers["ETag"]
        assert etag.endswith(':br"')
    with client.get(stylesheet, headers=BROWSER | {"If-None-Match": etag}) as again:
        assert again.status_code == 304 and again.cache_control.immutable
    with client.get(stylesheet, headers=GZIP) as other:
        assert other.headers["Content-Encoding"] == "gzip" and other.headers["ETag"] != etag
        assert b"--pico" in gzip.decompress(other.data)


@pytest.fixture(scope="module")
def files_app():
    """An app with a view for each kind of file answer, as the features send them (one for
    the module: views cannot be added to the session's app once it has served)."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://")
    text = "Hoogstraat;12;1.500,00\n" * 200
    table = Table("Proef", [Column("Adres", lambda row: row)], ["Hoogstraat 12"] * 200)

    @app.get("/t/pdf")
    def pdf():
        return send_file(io.BytesIO(b"%PDF-1.7\n" + b"0" * 5000), mimetype="application/pdf")

    @app.get("/t/csv")
    def csv():
        return exports.download(table, "csv", "proef")

    @app.get("/t/xlsx")
    def xlsx():
        return exports.download(table, "xlsx", "proef")

    @app.get("/t/stream")
    def stream():
        def lines():
            for _ in range(3):
                yield text

        return Response(stream_with_context(lines()), mimetype="text/plain")

    return app


@pytest.mark.parametrize("path", ["/t/pdf", "/t/csv", "/t/xlsx"])
def test_files_and_downloads_are_sent_as_they_are(files_app, path):
    with files_app.test_client() as client, client.get(path, headers=BROWSER) as response:
        assert response.status_code == 200 and len(response.data) > 500
        assert "Content-Encoding" not in response.headers
        assert int(response.headers["Content-Length"]) == len(response.data)


def test_a_streamed_answer_is_compressed_as_it_streams(files_app):
    with files_app.test_client() as client:
        response = client.get("/t/stream", headers={"Accept-Encoding": "deflate"})
        assert response.headers["Content-Encoding"] == "deflate"
        assert "Content-Length" not in response.headers
        assert zlib.decompress(response.data).decode() == "Hoogstraat;12;1.500,00\n" * 600
