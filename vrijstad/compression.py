"""Compressed responses (Flask-Compress: Brotli or gzip, whichever the browser asks for first).

The settings are config.Config's COMPRESS_*. What is compressed: text (HTML, CSS, JavaScript,
JSON, SVG, plain text) of at least `COMPRESS_MIN_SIZE` bytes (500), answered 2xx. PDFs,
spreadsheets, photos and CSV downloads are not (their types are not in `COMPRESS_MIMETYPES`:
they are compressed already, or a download the browser stores as sent). Every compressed
answer carries `Vary: Accept-Encoding`; a strong ETag gets the encoding appended
(`"abc:br"`), so a conditional request still gets 304.

Pages and static files are compressed whole (the largest static file is some 200 kB); in
production nginx serves /static itself and compresses it (deploy/nginx-vrijstad.conf). An
answer streamed by a view would be compressed chunk by chunk, with Brotli or deflate.

Who gets compressed pages: visitors who are not logged in. Compressing a page that holds a
secret next to text an attacker chooses (a search term) lets the attacker guess the secret
from the compressed size over many requests (BREACH). A logged-in page holds personal data,
so it goes uncompressed. A visitor's page holds one secret, the CSRF token, and Flask-WTF
signs it anew each second (a timestamp and an HMAC with the server's key), so the token on a
page changes faster than such guessing can follow, and without the key its unchanging part
is no use. Static files hold no secret and are compressed for everyone.
"""

from flask import Flask, Response, request
from flask_login import current_user

from vrijstad.extensions import compress


def may_compress() -> bool:
    """Whether this request's answer may be compressed: static files always, pages only for
    visitors who are not logged in (see the module's note on BREACH)."""
    if request.endpoint == "static":
        return True
    return not current_user.is_authenticated


def compress_response(response: Response) -> Response:
    """after_request: compress a 2xx answer when it may be and the browser accepts it."""
    if not (200 <= response.status_code < 300 and may_compress()):
        return response
    if request.endpoint == "static" and response.is_streamed:
        # Read the file whole (and close it with the response): compressed as a stream, the
        # file would stay open until garbage collection, and it gets a Content-Length.
        response.direct_passthrough = False
        response.make_sequence()
    return compress.after_request(response)


def init_app(app: Flask) -> None:
    compress.init_app(app)
    app.after_request(compress_response)
