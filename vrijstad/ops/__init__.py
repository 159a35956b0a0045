"""Running on several servers: logs, uploads storage, background jobs, health checks."""

from flask import Flask

from vrijstad import jobs, logs, storage
from vrijstad.ops import views
from vrijstad.ops.cli import ops_cli


def init_app(app: Flask) -> None:

    logs.init_app(app)
    storage.init_app(app)
    jobs.init_app(app)
    views.init_app(app)
    app.cli.add_command(ops_cli)
