"""Flask commands: demo data."""

import click
from flask import Flask

from vrijstad.extensions import db


@click.command("demo-data")
@click.option("--if-empty", is_flag=True, help="Only load when the database has no users.")
def demo_data_command(if_empty: bool) -> None:
    """Load the Dijkerveen demo city centre and print the demo logins."""
    from vrijstad import demo

    if not demo.database_is_empty():
        if if_empty:
            click.echo("Database already has data; demo data not loaded.")
            return
        raise click.ClickException("the database is not empty; demo data needs an empty one")
    logins = demo.load_demo_data()
    db.session.commit()
    click.echo(f"Demo data loaded. Logins (password for all: {demo.DEMO_PASSWORD}):")
    for role, email in logins:
        click.echo(f"  {role:<20} {email}")


def init_app(app: Flask) -> None:
    app.cli.add_command(demo_data_command)
