"""The `forecasts` command: schema upgrades, users and teams, sample data.

Run `forecasts --help`. Bad input exits with status 2 and a one-line message.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, ScriptInfo, with_appcontext

from forecasts import bounds, briefings, db_errors, sample, schema
from forecasts.accounts import people as accounts
from forecasts.accounts import profile
from forecasts.briefings import MAX_BRIEFING_BYTES, estimative
from forecasts.config import ConfigError
from forecasts.errors import DomainError, ValidationFailed
from forecasts.exports import standings
from forecasts.exports.cells import write_table
from forecasts.models import Role, UserKind
from forecasts.scoring import book as scorebook
from forecasts.scoring import store as score_store
from web.cli_types import BoundedDay, BoundedText, BoundedWhole, ExistingFile, NewFile, OneOf
from web.database import command_session
from web.exports_cli import export_command, import_command


class CommandError(click.ClickException):
    """A refused command: message on stderr, exit status 2 (bad input, not a crash)."""

    exit_code = 2


def _create_app() -> Flask:
    from web import create_app

    try:
        return create_app()
    except ConfigError as error:
        raise CommandError(str(error)) from None


class _Commands(FlaskGroup):
    """Flask's command group, whose ``--help`` says why the app's commands are missing when
    the settings refuse to load (Flask would print the loading error's traceback)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        try:
            ctx.ensure_object(ScriptInfo).load_app()
        except CommandError as error:
            click.echo(f"Error: {error.format_message()}\n", err=True)
            return click.Group.list_commands(self, ctx)  # run, shell, routes: Flask's own
        return super().list_commands(ctx)

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; a database the deployment got wrong (unreachable, never migrated,
        migrated by newer code) stops it with one line, for every command alike."""
        try:
            return super().invoke(ctx)
        except Exception as error:
            reason = _database_fault(ctx, error)
            if reason is None:
                raise
            raise CommandError(reason) from None


def _database_fault(ctx: click.Context, error: Exception) -> str | None:
    if isinstance(error, click.ClickException | click.exceptions.Exit | click.Abort):
        return None  # click's own ways out; the app may not even load
    settings = ctx.ensure_object(ScriptInfo).load_app().config["SETTINGS"]
    return db_errors.explain(error, settings.database_url)


cli = _Commands(create_app=_create_app, add_version_option=False, help=__doc__)


def init_app(app: Flask) -> None:
    """Attach the command groups to the app, where FlaskGroup and test runners find them."""
    for group in (db, users, teams, sample_group, briefing_group, jobs_group, scores):
        app.cli.add_command(group)
    app.cli.add_command(export_command)
    app.cli.add_command(import_command)


def _now() -> datetime:
    return current_app.extensions["clock"].now()


def _refuse(error: DomainError) -> CommandError:
    return CommandError(str(error))  # a ValidationFailed's text is its messages as sentences


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
@click.argument("username", type=BoundedText(bounds.USERNAME))
@click.option("--role", type=OneOf([r.value for r in Role]), default=Role.forecaster.value,
              show_default=True)
@click.option("--display-name", default="", type=BoundedText(bounds.DISPLAY_NAME),
              help="Shown on pages; defaults to the username.")
@click.option("--team", "team_name", default=None, type=BoundedText(bounds.TEAM_NAME),
              help="Team name (created if new).")
@click.option("--email", default=None, type=BoundedText(bounds.EMAIL),
              help="Where digests and reminders go.")
@click.password_option(help="Prompted for when not given.", type=BoundedText(bounds.PASSWORD))
@with_appcontext
def users_create(username: str, role: str, display_name: str, team_name: str | None,
                 password: str, email: str | None) -> None:
    """Add a user."""
    with command_session() as session:
        try:
            email = profile.clean_email(email)
            team = None
            if team_name:
                team = accounts.find_team(session, team_name) or accounts.create_team(
                    session, team_name, now=_now())
            user = accounts.create_user(session, username=username, password=password,
                                        display_name=display_name, role=role, team=team,
                                        now=_now())
            if email:
                profile.set_email(session, user, email)
        except DomainError as error:
            raise _refuse(error) from None
        click.echo(f"Created {user.role.value} {user.username}.")


@click.group()
def teams() -> None:
    """Teams of forecasters."""


@teams.command("create")
@click.argument("name", type=BoundedText(bounds.TEAM_NAME))
@with_appcontext
def teams_create(name: str) -> None:
    """Add a team."""
    with command_session() as session:
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
    with command_session() as session:
        loaded = sample.load(session, now=_now())
    click.echo("Sample data loaded." if loaded else "Sample data already present; left as is.")
    click.echo("Demo sign-ins (username / password):")
    for person in sample.DEMO_USERS:
        click.echo(f"  {person.username:<10} {person.password:<18} {person.role.value}")


# --- Briefing import ---------------------------------------------------------------


@click.group("briefing")
def briefing_group() -> None:
    """Analysts' briefings turned into draft questions."""


@briefing_group.command("import")
@click.argument("file", type=ExistingFile())
@click.option("--yardstick", default=estimative.DEFAULT_YARDSTICK, show_default=True,
              type=OneOf(list(estimative.YARDSTICKS)),
              help="How estimative words become numbers.")
@click.option("--date", "published", default=None, type=BoundedDay(),
              help="The briefing's publication date, 1970–2200 (default: today, UTC).")
@click.option("--publication", default="", type=BoundedText(bounds.PUBLICATION),
              help="Whose judgements these are (a name or alias; created if new). Default: the "
                   "name the briefing gives in its footer or masthead.")
@click.option("--json", "as_json", is_flag=True,
              help="Print the drafts as JSON and store nothing.")
@with_appcontext
def briefing_import(file: Path, yardstick: str, published: date | None, publication: str,
                    as_json: bool) -> None:
    """Read a briefing (.txt, .md or .html) and store its drafts for a manager's review."""
    day = published or _now().date()
    raw = _read_briefing(file)
    if as_json:
        try:
            parsed = briefings.parse(raw, published=day, yardstick=yardstick,
                                     publication=publication or None)
        except ValidationFailed as error:
            raise CommandError(str(error)) from None
        if not parsed.drafts:
            raise CommandError(briefings.NO_ASSESSMENTS)
        # Each draft says whose judgment it is: the publication (as given, or as the text names
        # itself) and the byline's author.
        whose = {"publication": publication or parsed.publication or parsed.title,
                 "author": parsed.author}
        click.echo(json.dumps([d.to_dict() | whose for d in parsed.drafts], indent=2,
                              ensure_ascii=False))
        return
    with command_session() as session:
        try:
            stored = briefings.import_briefing(session, raw, published=day, yardstick=yardstick,
                                               publication=publication, importer=None,
                                               now=_now())
        except ValidationFailed as error:
            raise CommandError(str(error)) from None
        count = len(briefings.drafts(session, stored))
        click.echo(f"Stored briefing {stored.id} ({stored.publication}, {stored.published}) "
                   f"with {count} draft{'' if count == 1 else 's'} for review at "
                   f"/briefings/{stored.id}.")


def _read_briefing(file: Path) -> bytes:
    if file.stat().st_size > MAX_BRIEFING_BYTES:
        # Refuse before reading: a huge file should not be loaded into memory to be rejected.
        size = file.stat().st_size / 1024 / 1024
        limit = MAX_BRIEFING_BYTES // 1024 // 1024
        raise CommandError(f"{file} is {size:.1f} MB; the limit is {limit} MB. "
                           "Split it and import the parts.")
    try:
        return file.read_bytes()
    except OSError as error:
        raise CommandError(f"Cannot read {file}: {error.strerror}.") from None


# --- Scheduler ---------------------------------------------------------------------


@click.group("jobs")
def jobs_group() -> None:
    """The scheduler: closing, resolution checks, digests, reminders, score snapshots."""


@jobs_group.command("run")
@with_appcontext
def jobs_run() -> None:
    """Run the scheduler in the foreground (one per deployment; a second one stands by)."""
    from jobs.__main__ import NotReady, serve

    try:
        serve(current_app.config["SETTINGS"])
    except NotReady as error:
        raise CommandError(str(error)) from None


@click.group()
def scores() -> None:
    """Scores of resolved questions."""


@scores.command("leaderboard")
@click.option("--by", type=OneOf(["forecaster", "team", "tag"]), default="forecaster",
              show_default=True)
@click.option("--min-questions", type=BoundedWhole(1, 10_000), default=1, show_default=True)
@click.option("--policy", type=OneOf(["active", "crowd", "uninformed"],
                                     aliases=standings.DEPRECATED_POLICY_NAMES), default="active",
              show_default=True, help="How time before a forecaster's first forecast counts.")
@click.option("--two-term", is_flag=True, help="Report Brier on the 0–2 scale (GJOpen).")
@click.option("--csv", "csv_path", type=NewFile(),
              help="Also write the table to this CSV file.")
@with_appcontext
def scores_leaderboard(by: str, min_questions: int, policy: str, two_term: bool,
                       csv_path: Path | None) -> None:
    """Print the leaderboard (time-weighted and relative Brier, coverage, Murphy terms)."""
    with command_session() as session:
        # the page's own path (forecasts/exports/standings.py): one leaderboard, summed in SQL
        filters = standings.LeaderboardFilters(by=by, policy=policy, two_term=two_term,
                                               min_questions=min_questions)
        table = standings.leaderboard_by_id(session, current_app.extensions["scores"], filters)
        if by == "forecaster":
            names = scorebook.forecaster_names(session, table["forecaster_id"])
            table = table.copy()  # the cache hands the same frame to every caller: never edit it
            table.insert(1, "name", [names.get(int(i), "?") for i in table["forecaster_id"]])
    if table.empty:
        click.echo("No scored questions yet: resolve a question that has forecasts.")
        return
    if csv_path:
        with open(csv_path, "w", newline="", encoding="utf-8") as stream:
            write_table(stream, table)  # cells neutralised against formula injection
    scale = "0–2 scale" if two_term else "0–1 scale"
    click.echo(f"Leaderboard by {by} (Brier {scale}, before-first policy: {policy})")
    click.echo(table.to_string(index=False, float_format=lambda v: f"{v:.4f}"))


@scores.command("rebuild")
@click.option("--batch", type=BoundedWhole(1, 100_000),
              default=score_store.BATCH_QUESTIONS, show_default=True,
              help="Questions scored per batch (bounds memory).")
@with_appcontext
def scores_rebuild(batch: int) -> None:
    """Recompute every stored question score (run after a change to the scoring rules)."""
    with command_session() as session:
        connection = session.connection()
        total = score_store.resolved_count(connection)
        with click.progressbar(length=total, label="Scoring resolved questions") as bar:
            rows = score_store.rebuild(connection, batch=batch, progress=bar.update)
    click.echo(f"Stored {rows} score rows for {total} resolved questions.")


# --- Passwords ---------------------------------------------------------------------


@users.command("set-password")
@click.argument("username", type=BoundedText(bounds.USERNAME))
@click.option("--temporary", is_flag=True,
              help="The user must choose their own password at their next sign-in.")
@click.password_option(help="Prompted for (twice) when not given.",
                       type=BoundedText(bounds.PASSWORD))
@with_appcontext
def users_set_password(username: str, temporary: bool, password: str) -> None:
    """Set a user's password; every session of theirs ends."""
    with command_session() as session:
        user = accounts.find_user(session, username)
        if user is None or user.kind is not UserKind.person:
            raise CommandError(f"No person with the username {username!r}.")
        try:
            accounts.set_password(session, user, password, temporary=temporary, now=_now())
        except DomainError as error:
            raise _refuse(error) from None
        click.echo(f"Password set for {user.username}"
                   + (" (temporary: to be changed at the next sign-in)." if temporary else "."))
