"""`flask users create-admin`: the first platform admin of a new installation;
`flask users reset-2fa`: two-step verification off for a locked-out user."""

import os

import click
from flask.cli import AppGroup

from vrijstad.audit.services import record_event
from vrijstad.auth import services, two_factor
from vrijstad.auth.models import User
from vrijstad.extensions import db

PASSWORD_VARIABLE = "VRIJSTAD_ADMIN_PASSWORD"  # noqa: S105 - the variable's name

users_cli = AppGroup("users", help="Manage accounts from the command line.")


def create_platform_admin(email: str, password: str, name: str) -> User:
    """A new account with platform admin rights, under the same password rules as any."""
    user = services.register_user(email, password, name, "staff", verified=True)
    make_platform_admin(user)
    return user


def make_platform_admin(user: User) -> None:
    """Give an account platform admin rights."""
    user.is_admin = True
    record_event(None, "user.made_platform_admin", user)


@users_cli.command("create-admin")
@click.option("--email", required=True, help="The admin's e-mail address (the login).")
@click.option("--name", default="Beheerder", show_default=True, help="The admin's name.")
@click.option("--promote", is_flag=True, help="Make an existing account platform admin.")
def create_admin_command(email: str, name: str, promote: bool) -> None:
    """Create a platform admin. The password is asked for twice (not shown), or read from
    $VRIJSTAD_ADMIN_PASSWORD; with --promote an existing account becomes platform admin."""
    existing = services.find_user_by_email(email)
    if existing is not None:
        if not promote:
            raise click.ClickException(
                f"an account with {existing.email} exists; add --promote to make it platform admin"
            )
        make_platform_admin(existing)
        db.session.commit()
        click.echo(f"{existing.email} is now a platform admin.")
        return
    password = os.environ.get(PASSWORD_VARIABLE) or click.prompt(
        "Password", hide_input=True, confirmation_prompt=True
    )
    try:
        user = create_platform_admin(email, password, name)
    except services.AccountError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Platform admin {user.email} created.")


@users_cli.command("reset-2fa")
@click.argument("email")
def reset_two_factor_command(email: str) -> None:
    """Switch two-step verification off for a user who lost their app and recovery codes; it
    ends their sessions and is recorded in the audit trail. They set it up again at the next
    login if their role needs it."""
    user = services.find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"no account with {email}")
    if not user.two_factor_enabled:
        raise click.ClickException(f"{user.email} has no two-step verification to reset")
    two_factor.reset(user)
    db.session.commit()
    click.echo(f"Two-step verification of {user.email} is reset; they can log in with a password.")
