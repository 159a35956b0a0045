"""Language choice, Dutch formatting and the template filters that use it."""

from collections.abc import Callable
from datetime import date, datetime

from babel import Locale
from babel.dates import format_date, format_datetime, get_timezone
from babel.support import NullTranslations
from flask import Flask, current_app, has_request_context, request, session
from flask_babel import get_locale, get_translations
from flask_login import current_user

from vrijstad.extensions import babel
from vrijstad.money import format_eur


def select_locale() -> str:
    """The user's saved language, else the one chosen this session, else Dutch."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    if request.args.get("lang") in languages:
        return request.args["lang"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    return str(get_locale() or "nl")


def catalogue_lookup() -> Callable[[], NullTranslations]:
    """The current locale's translations, for the many strings of a template.

    flask-babel finds the catalogue anew on every call; this keeps one per locale (per app).
    """
    catalogues: dict[Locale, NullTranslations] = {}

    def catalogue() -> NullTranslations:
        locale = get_locale()
        try:
            return catalogues[locale]
        except KeyError:
            found = get_translations()
            if locale is not None:
                catalogues[locale] = found
            return found

    return catalogue


def eur_filter(cents: int | None) -> str:
    return format_eur(cents, current_language())


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


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters["eur"] = eur_filter
    app.jinja_env.filters["date"] = date_filter
    app.jinja_env.add_extension("jinja2.ext.i18n")
    catalogue = catalogue_lookup()
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: catalogue().ugettext(s),
        ngettext=lambda s, p, n: catalogue().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: catalogue().upgettext(c, s),
        npgettext=lambda c, s, p, n: catalogue().unpgettext(c, s, p, n),
    )

    @app.context_processor
    def language_context() -> dict:
        return {"current_language": current_language(), "languages": app.config["LANGUAGES"]}
