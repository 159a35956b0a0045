"""Flask commands: demo data, importing and exporting units, invoicing and settling."""

import time
from datetime import date, timedelta
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup

from vrijstad import backup, clock, demo, exports, jobs
from vrijstad.auth.cli import users_cli
from vrijstad.auth.services import find_user_by_email
from vrijstad.billing import receivables
from vrijstad.billing import services as billing
from vrijstad.core import DomainError
from vrijstad.dashboard import services as dashboard
from vrijstad.extensions import db
from vrijstad.history.cli import history_cli
from vrijstad.letting.models import Collective
from vrijstad.letting.services import send_turnover_reminders, start_placements
from vrijstad.money import format_eur
from vrijstad.opendata.cli import opendata_cli
from vrijstad.organisations.models import Organisation
from vrijstad.saved import digests
from vrijstad.storage import StorageError, remove_job_files
from vrijstad.units import importer, queries


@click.command("demo-data")
@click.option("--if-empty", is_flag=True, help="Only load when the database has no users.")
def demo_data_command(if_empty: bool) -> None:
    """Load the Dijkerveen demo city centre and print the demo logins; loading it again
    changes nothing."""

    if demo.demo_is_loaded():
        click.echo("The Dijkerveen demo is already loaded; nothing changed.")
        return
    if not demo.database_is_empty():
        if if_empty:
            click.echo("Database already has data; demo data not loaded.")
            return
        raise click.ClickException("the database is not empty; demo data needs an empty one")
    started = time.perf_counter()
    logins = demo.load_demo_data()
    db.session.commit()
    click.echo(
        f"Demo data loaded in {time.perf_counter() - started:.1f} s. "
        f"Logins (password for all: {demo.DEMO_PASSWORD}):"
    )
    for role, email in logins:
        click.echo(f"  {role:<20} {email}")


units_cli = AppGroup("units", help="Import units from a spreadsheet, or export them.")


def _organisation(ref: str) -> Organisation:
    """An organisation by id or by name (case-insensitive)."""
    organisation = db.session.get(Organisation, int(ref)) if ref.isdigit() else None
    if organisation is None:
        organisation = db.session.scalar(
            sa.select(Organisation).where(sa.func.lower(Organisation.name) == ref.strip().lower())
        )
    if organisation is None:
        raise click.BadParameter(
            f"no organisation with id or name {ref!r}", param_hint="--organisation"
        )
    return organisation


@units_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--organisation", "organisation_ref", required=True, help="Its id or name.")
@click.option(
    "--as",
    "actor_email",
    required=True,
    help="E-mail of a staff member of the organisation, recorded as the importer.",
)
def import_units_command(file: Path, organisation_ref: str, actor_email: str) -> None:
    """Import units from a .csv or .xlsx FILE: every row, or none if any row has a problem."""
    organisation = _organisation(organisation_ref)
    actor = find_user_by_email(actor_email)
    if actor is None:
        raise click.BadParameter(f"no user with e-mail {actor_email!r}", param_hint="--as")
    try:
        rows = importer.read_rows(file.name, file.read_bytes())
        result = importer.import_units(actor, organisation, rows)
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    if result.errors:
        db.session.rollback()
        for error in result.errors:
            click.echo(f"line {error.line}, {error.column or '-'}: {error.message}", err=True)
        raise click.ClickException(f"{len(result.errors)} problem(s) found; nothing imported")
    db.session.commit()
    click.echo(f"{len(result.units)} unit(s) imported into {organisation.name}.")


@units_cli.command("export")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--organisation", "organisation_ref", required=True, help="Its id or name.")
def export_units_command(file: Path, organisation_ref: str) -> None:
    """Export an organisation's units to FILE; its extension, .csv or .xlsx, sets the format."""
    fmt = file.suffix.lower().lstrip(".")
    if fmt not in exports.FORMATS:
        raise click.BadParameter("the file name must end in .csv or .xlsx", param_hint="FILE")
    organisation = _organisation(organisation_ref)
    units = db.session.scalars(queries.units_of_organisation(organisation.id)).all()
    file.write_bytes(importer.export_units(units, fmt))
    click.echo(f"{len(units)} unit(s) of {organisation.name} exported to {file}.")


def _period(value: str) -> date:
    try:
        year, month = (int(part) for part in value.split("-"))
        return date(year, month, 1)
    except ValueError as exc:
        raise click.BadParameter("use the form JJJJ-MM (YYYY-MM), e.g. 2026-11") from exc


def last_month() -> date:
    """The first day of the previous month in Amsterdam."""
    return clock.month_start(clock.this_month() - timedelta(days=1))


@click.command("invoice")
@click.option("--period", default=None, help="The month, as YYYY-MM (default: this month).")
def invoice_command(period: str | None) -> None:
    """Issue every organisation's invoices of a month (a scheduled run on the 1st)."""

    month = _period(period) if period else clock.this_month()
    with jobs.as_user():  # the starters' notices and e-mails link to the public site
        for organisation in db.session.scalars(sa.select(Organisation).order_by(Organisation.id)):
            run = billing.generate_invoices(None, organisation, month)
            db.session.commit()
            click.echo(f"{organisation.name}: {len(run.created)} invoices")
            for placement, reason in run.skipped:
                click.echo(f"  skipped {placement.starter_trade_name}: {reason}")


@click.command("settle")
@click.option("--period", default=None, help="The month, as YYYY-MM (default: last month).")
@click.option("--confirm-unchecked", is_flag=True, help="Settle over unchecked turnover reports.")
def settle_command(period: str | None, confirm_unchecked: bool) -> None:
    """Settle every collective's month; a month already settled is left as it is."""

    month = _period(period) if period else last_month()
    failed = False
    for collective in db.session.scalars(sa.select(Collective).order_by(Collective.id)):
        try:
            settlement = billing.calculate_settlement(None, collective, month, confirm_unchecked)
        except billing.BillingError as exc:
            db.session.rollback()
            failed = True
            click.echo(f"{collective.name}: not settled — {exc}", err=True)
            continue
        db.session.commit()
        click.echo(
            f"{collective.name} {month:%Y-%m}: {format_eur(settlement.received_cents)} "
            f"received, {settlement.status.value}"
        )
    if failed:
        raise SystemExit(1)


@click.command("remind")
@click.option(
    "--date", "on", default=None, help="The day to run for, as YYYY-MM-DD (default today)."
)
def remind_command(on: str | None) -> None:
    """Reminders (a daily scheduled run): overdue invoices at 7 and 21 days, and last month's
    turnover reports before their deadline and after it; placements whose start date has come
    become active."""

    try:
        today = date.fromisoformat(on) if on else clock.today()
    except ValueError as exc:
        raise click.BadParameter("use the form YYYY-MM-DD") from exc
    # Links in the mails point at the public site, as a request from it would build them.
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        sent = receivables.send_reminders(today)
        turnover = send_turnover_reminders(today)
        started = start_placements(today)
        db.session.commit()
    click.echo(f"{len(sent)} reminders sent")
    click.echo(f"{len(turnover)} turnover report reminders sent")
    click.echo(f"{len(started)} placements started")


@click.command("digest")
@click.option(
    "--date", "on", default=None, help="The day to run for, as YYYY-MM-DD (default today)."
)
def digest_command(on: str | None) -> None:
    """Saved searches' e-mails (a daily scheduled run): each search that is due (daily or
    weekly) mails the units listed since that match it, each unit once; a second run the
    same day sends nothing."""

    try:
        today = date.fromisoformat(on) if on else clock.today()
    except ValueError as exc:
        raise click.BadParameter("use the form YYYY-MM-DD") from exc
    mailed = units = 0
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        for search_id in digests.due_searches(today):
            digest = digests.send_digest(search_id, today)
            db.session.commit()  # one search at a time: its claim and its mail together
            if digest is not None and digest.units:
                mailed, units = mailed + 1, units + len(digest.units)
    click.echo(f"{mailed} digests sent ({units} units)")


@click.command("snapshot")
@click.option("--period", default=None, help="The month, as YYYY-MM (default: this month).")
def snapshot_command(period: str | None) -> None:
    """Record every area's vacancy for a month (this one or the previous); run it again and
    areas already recorded stay as they were."""

    today = clock.today()
    month = _period(period) if period else clock.month_start(today)
    try:
        run = dashboard.take_snapshots(month, today)
    except DomainError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(
        f"Snapshot {month:%Y-%m}: {run.areas_recorded} area(s) recorded ({run.rows} rows), "
        f"{run.areas_skipped} already recorded."
    )


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(target: Path) -> None:
    """Write the SQLite database and the uploads to TARGET (.tar.gz)."""

    try:
        manifest = backup.create_backup(target)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Backup written to {target} (revision {manifest['revision']}).")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Replace a database that already holds data.")
def restore_command(source: Path, yes: bool) -> None:
    """Replace the SQLite database and the uploads with a backup. Stop the app first."""

    if backup.database_has_data() and not yes:
        raise click.ClickException(
            "The database holds data; add --yes to replace it with the backup."
        )
    try:
        manifest = backup.restore_backup(source)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"Restored the backup of {manifest['created_at']} (revision {manifest['revision']}); "
        "run 'flask db upgrade' if the code is newer."
    )


@click.command("clean-files")
@click.option(
    "--days",
    type=click.IntRange(min=0),
    default=None,
    help="Remove job files older than this many days (default: JOB_TTL).",
)
def clean_files_command(days: int | None) -> None:
    """Remove the files made for background jobs (import uploads and outcomes, ZIP downloads)
    once their job's record has expired (a daily scheduled run)."""

    age = (
        timedelta(days=days)
        if days is not None
        else timedelta(seconds=int(current_app.config["JOB_TTL"]))
    )
    try:
        removed = remove_job_files(age)
    except StorageError as exc:
        raise click.ClickException(f"The storage cannot be reached: {exc}") from exc
    click.echo(f"{len(removed)} job files removed")


@click.command("analyze")
def analyze_command() -> None:
    """Refresh the database's statistics, so that the query planner picks the right indexes
    (a nightly scheduled run on SQLite; PostgreSQL's autovacuum does this by itself)."""
    with db.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    click.echo("Statistics refreshed")


def init_app(app: Flask) -> None:
    app.cli.add_command(demo_data_command)
    app.cli.add_command(units_cli)
    app.cli.add_command(history_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(invoice_command)
    app.cli.add_command(settle_command)
    app.cli.add_command(remind_command)
    app.cli.add_command(snapshot_command)
    app.cli.add_command(digest_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(clean_files_command)
    app.cli.add_command(analyze_command)
    app.cli.add_command(opendata_cli)
