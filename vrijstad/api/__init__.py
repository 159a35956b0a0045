"""The open-data API (/api/v1/) and the page where organisations manage their API tokens."""

from flask import Flask
from flask_smorest import Api

from vrijstad.api.schemas import ErrorSchema
from vrijstad.api.views import bp

API_SETTINGS = {
    "API_TITLE": "Vrijstad open data",
    "API_VERSION": "1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    "API_SPEC_OPTIONS": {
        "info": {
            "description": (
                "Read-only open data of Vrijstad: areas and their streets, units listed for "
                "letting, and each area's vacancy per month (by number of units and by floor "
                "area, with the vacancy duration classes). Lists are paged in a stable order. "
                "Without a token the API is public and rate limited per address; an "
                "organisation's token (Authorization: Bearer …) adds the private fields of "
                "its own units. Errors are JSON with a status, a name and the reason."
            )
        },
    },
}


class VrijstadApi(Api):
    """flask-smorest's Api whose errors are answered by the API blueprint only: the rest of
    the site keeps its own (HTML) error pages."""

    def _register_error_handlers(self) -> None:
        pass


def init_app(app: Flask) -> None:

    for key, value in API_SETTINGS.items():
        app.config.setdefault(key, value)
    VrijstadApi.ERROR_SCHEMA = ErrorSchema
    api = VrijstadApi(app)
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "An API token."}
    )
    api.register_blueprint(bp)
    app.extensions["vrijstad-api"] = api
