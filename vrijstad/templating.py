"""Template helpers for pages drawn many times: remembered URLs, remembered fragments."""

from collections.abc import Callable, Hashable, Iterable

from flask import Flask, url_for
from flask.globals import _cv_request
from markupsafe import Markup

from vrijstad.i18n import current_language

#: URLs kept per application; when full the memory starts again (a search page builds ~50).
REMEMBERED_URLS = 20_000
#: Fragments kept per application (a search's filter panel is a few kilobytes).
REMEMBERED_FRAGMENTS = 2_000
#: url_for's own options: links that use them depend on more than the endpoint and values.
OPTIONS = frozenset({"_external", "_anchor", "_method", "_scheme"})


class RememberedUrls:
    """Flask's url_for for templates, remembering what it built.

    A search page builds about fifty links (its navigation, stylesheets, a link and a photo
    for every card); building one through the URL map takes several microseconds, looking it
    up far less. Within a request the same endpoint and values always give the same relative
    URL below the request's script root, so that root is part of the key. Links that depend on
    more than that are built afresh every time: blueprint-relative endpoints ('.index'), the
    underscore options (_external, _anchor, _method, _scheme), unhashable values, and links
    built outside a request (e-mails, jobs).
    """

    def __init__(self, app: Flask, size: int = REMEMBERED_URLS) -> None:
        self.app = app
        self.size = size
        self.built: dict[tuple[Hashable, ...], str] = {}
        self.plain: bool | None = None  # no url_defaults anywhere: known at the first link

    def __call__(self, endpoint: str, **values) -> str:
        if self.plain is None:
            self.plain = not any(self.app.url_default_functions.values())
        ctx = _cv_request.get(None)
        if ctx is None or not self.plain or endpoint[0] == "." or not OPTIONS.isdisjoint(values):
            return url_for(endpoint, **values)
        key = (ctx.request.script_root, endpoint, *values.items())
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


class RememberedFragments:
    """A part of a template whose HTML follows from a few query parameters alone, drawn once.

    ``{% call fragment("unit-filters", params=names) %} ... {% endcall %}`` draws the part the
    first time a language, script root and set of values of those parameters come along, and
    gives the same HTML again after that: a search's filter panel depends on nothing else, and
    drawing its fields is a good part of drawing the page. Other parameters (the page number,
    a campaign's utm_source) do not count. Only for parts that use nothing of the request but
    those parameters: no user, no CSRF token, no flashed message.
    """

    def __init__(self, size: int = REMEMBERED_FRAGMENTS) -> None:
        self.size = size
        self.drawn: dict[tuple[Hashable, ...], Markup] = {}

    def __call__(self, name: str, params: Iterable[str], *, caller: Callable[[], str]):
        request = _cv_request.get().request
        args = request.args
        values = tuple(tuple(args.getlist(param)) for param in params)
        key = (name, current_language(), request.script_root, values)
        try:
            return self.drawn[key]
        except KeyError:
            pass
        html = Markup(caller())  # nosec B704 - drawn by the template, which escaped it
        if len(self.drawn) >= self.size:
            self.drawn.clear()
        self.drawn[key] = html
        return html


def init_app(app: Flask) -> None:
    app.jinja_env.globals["url_for"] = RememberedUrls(app)
    app.jinja_env.globals["fragment"] = RememberedFragments()
