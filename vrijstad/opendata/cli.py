"""Flask commands for the registers' big files: `flask opendata import-bag FILE
--organisation ID` and `import-kvk`, all lines or none, as the upload page does."""

from pathlib import Path

import click
from flask.cli import AppGroup

from vrijstad.auth.services import find_user_by_email
from vrijstad.core import DomainError
from vrijstad.extensions import db
from vrijstad.opendata import services
from vrijstad.organisations.models import Organisation

opendata_cli = AppGroup("opendata", help="Import the BAG and KvK registers for an organisation.")


def _run(importer, file: Path, organisation_id: int, actor_email: str | None) -> None:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise click.BadParameter(f"no organisation {organisation_id}", param_hint="--organisation")
    actor = find_user_by_email(actor_email) if actor_email else None
    if actor_email and actor is None:
        raise click.BadParameter(f"no user with e-mail {actor_email!r}", param_hint="--as")
    try:
        done = importer(actor, organisation, file.read_bytes(), file.name)
    except services.BatchError as exc:
        db.session.rollback()
        for error in exc.errors:
            click.echo(f"line {error.line}: {error.message}", err=True)
        raise click.ClickException(f"{len(exc.errors)} bad line(s); nothing imported") from exc
    except DomainError as exc:  # a file that cannot be read, or no row in the areas
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(
        f"{done.kept} row(s) imported into {organisation.name}, {done.passed_over} passed over, "
        f"{done.matched} matched."
    )


_file = click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
_organisation = click.option("--organisation", "organisation_id", type=int, required=True)
_actor = click.option("--as", "actor_email", help="E-mail of the staff member importing.")


@opendata_cli.command("import-bag")
@_file
@_organisation
@_actor
def import_bag_command(file: Path, organisation_id: int, actor_email: str | None) -> None:
    """Import the shop objects of a BAG extract (CSV) for the organisation's areas."""
    _run(services.import_bag, file, organisation_id, actor_email)


@opendata_cli.command("import-kvk")
@_file
@_organisation
@_actor
def import_kvk_command(file: Path, organisation_id: int, actor_email: str | None) -> None:
    """Import the active establishments of a KvK register (CSV) for the organisation's areas."""
    _run(services.import_kvk, file, organisation_id, actor_email)
