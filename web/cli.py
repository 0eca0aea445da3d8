"""The `forecasts` command: schema upgrades, users and teams, sample data.

Run `forecasts --help`. Bad input exits with status 2 and a one-line message.
"""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlmodel import Session

from forecasts import accounts, sample, schema
from forecasts.config import ConfigError
from forecasts.errors import DomainError, ValidationFailed
from forecasts.models import Role


class CommandError(click.ClickException):
    """A refused command: message on stderr, exit status 2 (bad input, not a crash)."""

    exit_code = 2


def _create_app():  # type: ignore[no-untyped-def]
    from web import create_app

    try:
        return create_app()
    except ConfigError as error:
        raise CommandError(str(error)) from None


cli = FlaskGroup(create_app=_create_app, add_version_option=False, help=__doc__)


def init_app(app: Flask) -> None:
    """Attach the command groups to the app, where FlaskGroup and test runners find them."""
    for group in (db, users, teams, sample_group):
        app.cli.add_command(group)


def _session() -> Session:
    return Session(current_app.extensions["engine"])


def _now():  # type: ignore[no-untyped-def]
    return current_app.extensions["clock"].now()


def _refuse(error: DomainError) -> CommandError:
    if isinstance(error, ValidationFailed):
        return CommandError("; ".join(f"{k}: {v}" for k, v in error.fields.items()))
    return CommandError(str(error))


@click.group()
def db() -> None:
    """The database schema."""


@db.command("upgrade")
@with_appcontext
def db_upgrade() -> None:
    """Apply every pending migration (run after each deploy, before starting gunicorn)."""
    settings = current_app.config["SETTINGS"]
    schema.upgrade(settings.database_url)
    click.echo(f"Schema is up to date ({current_app.extensions['engine'].dialect.name}).")


@click.group()
def users() -> None:
    """User accounts."""


@users.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.forecaster.value,
              show_default=True)
@click.option("--display-name", default="", help="Shown on pages; defaults to the username.")
@click.option("--team", "team_name", default=None, help="Team name (created if new).")
@click.password_option(help="Prompted for when not given.")
@with_appcontext
def users_create(username: str, role: str, display_name: str, team_name: str | None,
                 password: str) -> None:
    """Add a user."""
    with _session() as session:
        try:
            team = None
            if team_name:
                team = accounts.find_team(session, team_name) or accounts.create_team(
                    session, team_name, now=_now())
            user = accounts.create_user(session, username=username, password=password,
                                        display_name=display_name, role=role, team=team,
                                        now=_now())
        except DomainError as error:
            raise _refuse(error) from None
        click.echo(f"Created {user.role.value} {user.username}.")


@click.group()
def teams() -> None:
    """Teams of forecasters."""


@teams.command("create")
@click.argument("name")
@with_appcontext
def teams_create(name: str) -> None:
    """Add a team."""
    with _session() as session:
        try:
            team = accounts.create_team(session, name, now=_now())
        except DomainError as error:
            raise _refuse(error) from None
        click.echo(f"Created team {team.name}.")


@click.group("sample")
def sample_group() -> None:
    """Demonstration data."""


@sample_group.command("load")
@with_appcontext
def sample_load() -> None:
    """Load the sample briefing, users and forecasts once; later runs change nothing."""
    with _session() as session:
        loaded = sample.load(session, now=_now())
    click.echo("Sample data loaded." if loaded else "Sample data already present; left as is.")
    click.echo("Demo sign-ins (username / password):")
    for person in sample.DEMO_USERS:
        click.echo(f"  {person.username:<10} {person.password:<18} {person.role.value}")
