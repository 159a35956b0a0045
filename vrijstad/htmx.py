"""Render a whole page, or just its fragment for an htmx request."""

from flask import Response, make_response, render_template
from htmx_flask import request


def render_page(template: str, fragment: str, status: int = 200, **context: object) -> Response:
    """The fragment for htmx requests, the full page (which includes it) otherwise."""
    chosen = fragment if request.htmx and not request.htmx.boosted else template
    response = make_response(render_template(chosen, **context), status)
    response.vary.add("HX-Request")
    return response
