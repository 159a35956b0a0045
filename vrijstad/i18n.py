"""Language choice, Dutch formatting and the template filters that use it."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

import flask_babel
from babel.dates import format_date, format_datetime, get_timezone
from babel.support import NullTranslations
from flask import Flask, current_app, g, has_app_context, has_request_context, request, session
from flask_babel import get_locale, get_translations
from flask_babel.speaklater import LazyString
from flask_login import current_user
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup

from vrijstad import labels
from vrijstad.extensions import babel
from vrijstad.money import Cents, format_eur, format_whole_eur


def select_locale() -> str:
    """The user's saved language, else the one chosen this session, else Dutch."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = session.get("locale")
    if isinstance(chosen, str) and chosen in languages:
        return chosen
    if request.args.get("lang") in languages:
        return request.args["lang"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


#: flask.g attribute: the request's language and catalogue, once found.
RESOLVED = "vrijstad_language"


def _resolved() -> tuple[str, NullTranslations]:
    """The current language and its catalogue, found once per request (or app context).

    A page asks for them dozens of times (every string, every amount); flask-babel finds them
    through several context look-ups each time. The pair is kept on flask.g, which lives as
    long as flask-babel's own choice of locale; force_locale() and refresh() below, which
    change that choice, set it aside.
    """
    if not has_app_context():
        return str(get_locale() or "nl"), get_translations()
    found = g.get(RESOLVED)
    if found is None:
        found = (str(get_locale() or "nl"), get_translations())
        setattr(g, RESOLVED, found)
    return found


@contextmanager
def force_locale(locale: str) -> Iterator[None]:
    """flask_babel.force_locale, for this module's per-request language as well: text inside
    the block is in `locale`, after it in the language of before."""
    saved = g.pop(RESOLVED, None) if has_app_context() else None
    try:
        with flask_babel.force_locale(locale):  # noqa: TID251 - the one wrapper
            yield
    finally:
        if has_app_context():
            g.pop(RESOLVED, None)
            if saved is not None:
                setattr(g, RESOLVED, saved)


def refresh() -> None:
    """flask_babel.refresh, for this module's per-request language as well: after a change of
    language within a request (the user's saved language, the session's), text follows it."""
    flask_babel.refresh()  # noqa: TID251 - the one wrapper
    if has_app_context():
        g.pop(RESOLVED, None)


def current_language() -> str:
    return _resolved()[0]


def catalogue() -> NullTranslations:
    """The current language's translations."""
    return _resolved()[1]


def gettext(string: str, **variables) -> str:
    """flask_babel.gettext, with the catalogue found once per request."""
    text = catalogue().ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    return catalogue().ungettext(singular, plural, num) % variables


def lazy_gettext(string: str, **variables) -> LazyString:
    """A text translated each time it is shown, in the language of that moment."""
    return LazyString(gettext, string, **variables)


@pass_eval_context
def template_gettext(eval_ctx: EvalContext, string: str, **variables) -> str:
    text = catalogue().ugettext(string)
    if eval_ctx.autoescape:
        text = Markup(text)  # nosec B704 - our own catalogue; values are escaped by %
    if not variables and "%" not in text:
        return text  # formatting would change nothing
    return text % variables


@pass_eval_context
def template_ngettext(
    eval_ctx: EvalContext, singular: str, plural: str, num: int, **variables
) -> str:
    variables.setdefault("num", num)
    text = catalogue().ungettext(singular, plural, num)
    if eval_ctx.autoescape:
        text = Markup(text)  # nosec B704 - our own catalogue; values are escaped by %
    return text % variables


def eur_filter(cents: int | None) -> str:
    return format_eur(cents, current_language())


def whole_eur_filter(cents: int | None) -> str:
    return format_whole_eur(cents, current_language())


def date_filter(value: date | datetime | None, style: str = "short") -> str:
    """'28-11-2026' in Dutch; 'long' gives '28 november 2026'."""
    if value is None:
        return ""
    locale = current_language()
    if isinstance(value, datetime):
        pattern = "dd-MM-yyyy HH:mm" if style == "short" else "d MMMM yyyy HH:mm"
        return format_datetime(
            value, pattern, tzinfo=get_timezone("Europe/Amsterdam"), locale=locale
        )
    pattern = "dd-MM-yyyy" if style == "short" else "d MMMM yyyy"
    return format_date(value, pattern, locale=locale)


def present(value: object) -> object:
    """A raw value inside a message as the reader sees it: Cents as money, a date or moment
    in the Dutch (or English) style; anything else as it is."""
    if isinstance(value, Cents):
        return eur_filter(value)
    if isinstance(value, date):
        return date_filter(value)
    return value


def month_filter(value: date | None) -> str:
    """'november 2026' in Dutch, 'November 2026' in English."""
    if value is None:
        return ""
    return format_date(value, "LLLL yyyy", locale=current_language())


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters["eur"] = eur_filter
    app.jinja_env.filters["whole_eur"] = whole_eur_filter
    app.jinja_env.filters["date"] = date_filter
    app.jinja_env.filters["month"] = month_filter
    app.jinja_env.filters["label"] = labels.label
    app.jinja_env.add_extension("jinja2.ext.i18n")
    # jinja2.ext.i18n adds this method to the environment; its stubs do not know it.
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: catalogue().ugettext(s),
        ngettext=lambda s, p, n: catalogue().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: catalogue().upgettext(c, s),
        npgettext=lambda c, s, p, n: catalogue().unpgettext(c, s, p, n),
    )
    # The same as the extension's new-style _() and ngettext() (translate, mark safe where the
    # template autoescapes, then fill in the escaped values), in one call instead of three.
    app.jinja_env.globals.update(
        _=template_gettext, gettext=template_gettext, ngettext=template_ngettext
    )

    @app.context_processor
    def language_context() -> dict:
        return {"current_language": current_language(), "languages": app.config["LANGUAGES"]}
