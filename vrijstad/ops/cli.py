"""`flask ops …`: commands for operators."""

import logging

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from vrijstad.ops import restore


def _psycopg(url: str) -> str:
    """postgres:// and postgresql:// URLs through psycopg 3, as the app's own (config.py)."""
    parsed = sa.make_url(url)
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


ops_cli = AppGroup("ops", help="Operator commands: checks of a restored backup.")


@ops_cli.command("verify-restore")
@click.option(
    "--database-url",
    "url",
    metavar="URL",
    default=None,
    help="The restored database (default: the app's own DATABASE_URL).",
)
def verify_restore_command(url: str | None) -> None:
    """Check a restored database: schema at the code's revision, a ledger that balances,
    gap-free invoice numbers. Exits 1 when anything is wrong."""
    url = _psycopg(url) if url else current_app.config["SQLALCHEMY_DATABASE_URI"]
    click.echo(f"Checking {sa.make_url(url).render_as_string(hide_password=True)}")
    logging.getLogger("alembic.runtime.migration").setLevel(logging.WARNING)  # no chatter
    report = restore.verify(url, current_app.extensions["migrate"].directory)
    click.echo(report.text())
    if not report.ok:
        raise SystemExit(1)
