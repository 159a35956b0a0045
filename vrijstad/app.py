"""The application factory: create_app() runs one register_* step per concern."""

from pathlib import Path

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

from config import Config, get_config

# `models` makes every table known to Alembic and the mapper before the first query.
from vrijstad import (
    api,
    cli,
    compression,
    database,
    errors,
    forms,
    i18n,
    models,
    ops,
    security,
    templating,
)
from vrijstad.admin.views import bp as admin_bp
from vrijstad.api.token_views import bp as api_tokens_bp
from vrijstad.applications import todo as applications_todo
from vrijstad.applications.views import bp as applications_bp
from vrijstad.areas.views import bp as areas_bp
from vrijstad.auth import services as auth_services
from vrijstad.auth.verification_views import bp as verification_bp
from vrijstad.auth.views import bp as auth_bp
from vrijstad.billing import todo as billing_todo
from vrijstad.billing.views import bp as billing_bp
from vrijstad.bylaw import todo as bylaw_todo
from vrijstad.bylaw.views import bp as bylaw_bp
from vrijstad.contests import todo as contests_todo
from vrijstad.contests.views import bp as contests_bp
from vrijstad.dashboard.views import bp as dashboard_bp
from vrijstad.dashboard.views import streets_bp
from vrijstad.extensions import csrf, db, htmx, limiter, login_manager, mail, migrate
from vrijstad.footfall.views import bp as footfall_bp
from vrijstad.forecast import todo as forecast_todo
from vrijstad.forecast.views import bp as forecast_bp
from vrijstad.history.views import bp as history_bp
from vrijstad.legal.views import bp as legal_bp
from vrijstad.letting import todo as letting_todo
from vrijstad.letting.views import bp as letting_bp
from vrijstad.main.views import bp as main_bp
from vrijstad.matching.views import bp as matching_bp
from vrijstad.notifications import mail as outbox
from vrijstad.notifications.views import bp as notifications_bp
from vrijstad.opendata.views import bp as opendata_bp
from vrijstad.ops.views import bp as ops_bp
from vrijstad.organisations.views import bp as organisations_bp
from vrijstad.payments import todo as payments_todo
from vrijstad.payments.views import bp as payments_bp
from vrijstad.popups.views import bp as popups_bp
from vrijstad.privacy.views import bp as privacy_bp
from vrijstad.relations import todo as relations_todo
from vrijstad.relations.views import bp as relations_bp
from vrijstad.saved.views import bp as saved_bp
from vrijstad.scenarios.views import bp as scenarios_bp
from vrijstad.starters.views import bp as starters_bp
from vrijstad.subsidies import todo as subsidies_todo
from vrijstad.subsidies.views import bp as subsidies_bp
from vrijstad.todo.views import bp as todo_bp
from vrijstad.units.import_views import bp as units_import_bp
from vrijstad.units.views import bp as units_bp
from vrijstad.units.wizard_views import bp as units_wizard_bp

ROOT = Path(__file__).resolve().parent.parent


#: The features' providers of the staff's "Te doen" list: each registers itself on import.
TASK_PROVIDERS = (
    applications_todo,
    billing_todo,
    bylaw_todo,
    contests_todo,
    forecast_todo,
    letting_todo,
    payments_todo,
    relations_todo,
    subsidies_todo,
)


def create_app(config: Config | str | None = None, **overrides) -> Flask:
    """Build the application: one register_* step per concern."""
    app = Flask(
        "vrijstad",
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    if config is None or isinstance(config, str):
        config = get_config(config)
    app.config.from_object(config)
    app.config.update(overrides)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    register_operations(app)
    register_compression(app)
    register_extensions(app)
    register_i18n(app)
    register_templating(app)
    register_url_converters(app)
    register_blueprints(app)
    register_security(app)
    register_errorhandlers(app)
    register_upload_cleanup(app)
    register_commands(app)
    register_shellcontext(app)
    register_proxy(app)
    return app


def register_operations(app: Flask) -> None:

    ops.init_app(app)


def register_compression(app: Flask) -> None:
    """Early: after_request functions run last-registered first, so compression sees each
    answer after every other step has set its body and headers."""

    compression.init_app(app)


def register_extensions(app: Flask) -> None:

    database.use_custom_plans(app)
    db.init_app(app)
    database.ping_idle_connections(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    htmx.init_app(app)
    mail.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    outbox.init_app(app)

    auth_services.init_login(login_manager)


def register_i18n(app: Flask) -> None:

    i18n.init_app(app)


def register_templating(app: Flask) -> None:

    templating.init_app(app)


def register_url_converters(app: Flask) -> None:

    forms.init_url_map(app)


def register_blueprints(app: Flask) -> None:

    blueprints = (
        main_bp,
        auth_bp,
        admin_bp,
        organisations_bp,
        areas_bp,
        units_bp,
        units_import_bp,
        units_wizard_bp,
        starters_bp,
        applications_bp,
        letting_bp,
        billing_bp,
        notifications_bp,
        privacy_bp,
        popups_bp,
        matching_bp,
        payments_bp,
        dashboard_bp,
        streets_bp,
        api_tokens_bp,
        contests_bp,
        subsidies_bp,
        forecast_bp,
        footfall_bp,
        history_bp,
        saved_bp,
        scenarios_bp,
        verification_bp,
        legal_bp,
        todo_bp,
        bylaw_bp,
        relations_bp,
        opendata_bp,
    )
    for bp in blueprints:
        app.register_blueprint(bp)

    api.init_app(app)
    app.register_blueprint(ops_bp)


def register_security(app: Flask) -> None:

    security.init_app(app)
    forms.init_app(app)


def register_errorhandlers(app: Flask) -> None:

    errors.init_app(app)


def register_upload_cleanup(app: Flask) -> None:
    """Close uploaded files' temporary copies when a request ends, also when it was refused."""

    @app.teardown_request
    def close_uploads(exc: BaseException | None = None) -> None:
        if "files" in request.__dict__:  # only when the body was parsed
            for upload in request.files.values():
                upload.close()


def register_commands(app: Flask) -> None:

    cli.init_app(app)


def register_shellcontext(app: Flask) -> None:

    app.shell_context_processor(lambda: {"db": db, "models": models})


def register_proxy(app: Flask) -> None:
    """Behind a proxy, take the client's address, scheme and host from the X-Forwarded-*
    headers of as many proxies as configured, and only theirs (none by default: headers a
    client sends itself are ignored). Wraps the whole app, so every step sees the client."""

    hops = {part: app.config[f"PROXY_FIX_X_{part.upper()}"] for part in ("for", "proto", "host")}
    if any(hops.values()):
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]  # Flask's documented way
            app.wsgi_app, x_for=hops["for"], x_proto=hops["proto"], x_host=hops["host"]
        )
