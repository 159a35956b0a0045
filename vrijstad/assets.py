"""Versioned static URLs: every link to a static file carries a hash of the file's content.

`url_for("static", filename="css/app.css")` gives `/static/css/app.css?v=<12 hex digits>`,
the start of the SHA-256 of the file as this process first read it (once per file and
process; a release restarts the servers, which read the new files). A new file has a new
URL, so browsers, nginx and any cache between may keep a versioned answer for a year: the app
answers a request whose `v` is the file's current version with
`Cache-Control: public, max-age=31536000, immutable`. A request without a version, or with
another file's version (an old page, a server of the previous release during a rolling
deploy), gets Flask's default answer: revalidated with its ETag on every use.

Files that only other static files name (Leaflet's marker images, named by its CSS) have no
version; nginx gives those a short cache (deploy/nginx-vrijstad.conf).
"""

import hashlib
from pathlib import Path

from flask import Flask, Response, current_app, request
from werkzeug.security import safe_join

EXTENSION_KEY = "vrijstad.static_versions"
#: The query parameter that carries the version.
VERSION_ARG = "v"
#: Hex digits of the hash in the URL: 48 bits, no two versions of a file share one.
VERSION_LENGTH = 12
#: How long a versioned file may be kept: a year, the longest HTTP/1.1 advises.
IMMUTABLE_MAX_AGE = 365 * 24 * 3600


class StaticVersions:
    """The content version of each file of the static folder, read once per process."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.known: dict[tuple[str | None, str], str | None] = {}

    def __call__(self, filename: str) -> str | None:
        """The file's version, or None when there is no such file (the link stays plain)."""
        folder = self.app.static_folder
        try:
            return self.known[folder, filename]
        except KeyError:
            pass
        version = None
        path = safe_join(folder, filename) if folder else None
        if path is not None and Path(path).is_file():
            with open(path, "rb") as file:
                version = hashlib.file_digest(file, "sha256").hexdigest()[:VERSION_LENGTH]
        self.known[folder, filename] = version
        return version


def add_version(endpoint: str, values: dict) -> None:
    """url_defaults: the static endpoint's links get the file's version."""
    if endpoint == "static" and VERSION_ARG not in values and "filename" in values:
        version = current_app.extensions[EXTENSION_KEY](values["filename"])
        if version is not None:
            values[VERSION_ARG] = version


# The same values give the same URL in every request: vrijstad.templating may remember them.
add_version.same_in_every_request = True  # type: ignore[attr-defined]  # a marker on a function


def cache_versioned(response: Response) -> Response:
    """after_request: a static file asked for by its current version is kept for a year."""
    if request.endpoint != "static" or response.status_code not in (200, 304):
        return response
    wanted = request.args.get(VERSION_ARG)
    filename = (request.view_args or {}).get("filename")
    if wanted and filename and wanted == current_app.extensions[EXTENSION_KEY](filename):
        response.cache_control.no_cache = None
        response.cache_control.public = True
        response.cache_control.max_age = IMMUTABLE_MAX_AGE
        response.cache_control.immutable = True
    return response


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION_KEY] = StaticVersions(app)
    app.url_defaults(add_version)
    app.after_request(cache_versioned)
