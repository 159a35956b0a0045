"""Template helpers for pages drawn many times: url_for with the URLs it built remembered."""

from collections.abc import Hashable

from flask import Flask, has_request_context, request, url_for

from vrijstad import assets

#: URLs kept per application; when full the memory starts again (a search page builds ~50).
REMEMBERED_URLS = 20_000
#: url_for's own options: links that use them depend on more than the endpoint and values.
OPTIONS = frozenset({"_external", "_anchor", "_method", "_scheme"})


class RememberedUrls:
    """Flask's url_for for templates, remembering what it built.

    A search page builds about fifty links (its navigation, stylesheets, a link and a photo
    for every card); building one through the URL map takes several microseconds, looking it
    up far less. Within a request the same endpoint and values always give the same relative
    URL below the request's script root, so that root is part of the key, and so is each
    value's type (1, 1.0 and True are equal keys but different URLs). Links that depend on
    more than that are built afresh every time: blueprint-relative endpoints ('.index'), the
    underscore options (_external, _anchor, _method, _scheme), unhashable values, and links
    built outside a request (e-mails, jobs).
    """

    def __init__(self, app: Flask, size: int = REMEMBERED_URLS) -> None:
        self.app = app
        self.size = size
        self.built: dict[tuple[Hashable, ...], str] = {}
        # No url_defaults whose values may differ between requests (vrijstad.assets' static
        # versions do not): known at the first link.
        self.plain: bool | None = None

    def __call__(self, endpoint: str, **values) -> str:
        if self.plain is None:  # url_defaults that may differ between requests
            self.plain = not any(
                not getattr(function, "same_in_every_request", False)
                for functions in self.app.url_default_functions.values()
                for function in functions
            )
        if (
            not self.plain
            or endpoint[0] == "."
            or not OPTIONS.isdisjoint(values)
            or not has_request_context()
        ):
            return url_for(endpoint, **values)
        key = (request.script_root, endpoint, *((k, type(v), v) for k, v in values.items()))
        try:
            return self.built[key]
        except KeyError:
            pass
        except TypeError:  # an unhashable value, such as a list
            return url_for(endpoint, **values)
        url = url_for(endpoint, **values)
        if len(self.built) >= self.size:
            self.built.clear()
        self.built[key] = url
        return url


def init_app(app: Flask) -> None:

    assets.init_app(app)
    app.jinja_env.globals["url_for"] = RememberedUrls(app)
