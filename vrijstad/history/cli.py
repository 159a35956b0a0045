"""`flask history import`: a vacancy history too big for the upload page."""

from pathlib import Path

import click
from flask.cli import AppGroup

from vrijstad.areas.models import Area
from vrijstad.auth.services import find_user_by_email
from vrijstad.core import DomainError
from vrijstad.extensions import db
from vrijstad.history import reading, services
from vrijstad.organisations.services import can_manage

history_cli = AppGroup("history", help="Import a historic vacancy file into an area.")


@history_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--area", "area_id", type=int, required=True, help="The area's id.")
@click.option(
    "--as",
    "actor_email",
    required=True,
    help="E-mail of a staff member of the area's organisation, recorded as the importer.",
)
def import_history_command(file: Path, area_id: int, actor_email: str) -> None:
    """Backfill an area's monthly vacancy from a .csv or .xlsx FILE (the columns of the
    upload page): every month, or none if any line has a problem."""
    area = db.session.get(Area, area_id)
    if area is None:
        raise click.BadParameter(f"no area with id {area_id}", param_hint="--area")
    actor = find_user_by_email(actor_email)
    if actor is None or not can_manage(actor, area.organisation_id):
        raise click.BadParameter(
            f"{actor_email!r} is not staff of {area.organisation.name}", param_hint="--as"
        )
    try:
        parsed = reading.parse(file.name, file.read_bytes())
        imported = services.import_history(actor, area, parsed.lines, parsed.errors)
    except services.HistoryError as exc:
        db.session.rollback()
        for error in exc.errors:
            click.echo(f"line {error.line}: {error.message}", err=True)
        raise click.ClickException(
            f"{len(exc.errors)} line(s) not right; nothing imported"
        ) from exc
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(
        f"{imported.months} month(s) imported into {area.name} "
        f"({imported.first:%Y-%m} to {imported.last:%Y-%m}, {imported.rows} rows; "
        f"{imported.replaced} earlier imported rows replaced)."
    )
