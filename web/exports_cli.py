"""`forecasts export …` and `forecasts import …`: the data out as CSV/JSON/zip, and back in."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlmodel import Session

from forecasts.accounts.people import find_user
from forecasts.errors import DomainError
from forecasts.exports import files, importing
from forecasts.exports.datasets import DATASETS, ExportFilter
from forecasts.models import Role, User

EVERYONE = User(username="export", display_name="Export", password_hash="-", role=Role.admin)


class _Refused(click.ClickException):
    exit_code = 2


def _session() -> Session:
    return Session(current_app.extensions["engine"])


def _day(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise _Refused(f"--{name} must be a date written YYYY-MM-DD, not {value!r}.") from None
    if not 1970 <= day.year < 2200:
        raise _Refused(f"--{name} must be between 1970 and 2199.")
    return day


def _viewer(session: Session, username: str | None) -> User:
    if username is None:
        return EVERYONE
    user = find_user(session, username)
    if user is None:
        raise _Refused(f"No user named {username!r}.")
    return user


@click.command("export")
@click.argument("dataset", type=click.Choice([*DATASETS, "all"]))
@click.option("--format", "fmt", type=click.Choice(files.FORMATS), default="csv",
              show_default=True, help="Ignored for 'all', which is a zip of CSV files.")
@click.option("--tag", default="", help="Only questions with this tag.")
@click.option("--from", "start", help="First day of the period (YYYY-MM-DD, UTC).")
@click.option("--to", "end", help="Last day of the period (YYYY-MM-DD, UTC, included).")
@click.option("--as", "username", help="Export what this user may see (default: everything).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write here instead of standard output (required for 'all').")
@with_appcontext
def export_command(dataset: str, fmt: str, tag: str, start: str | None, end: str | None,
                   username: str | None, output: Path | None) -> None:
    """Export questions (with resolutions and trail), forecasts, per-question scores or the
    leaderboard as CSV or JSON, or 'all' of them as a zip with a README of the columns.
    """
    where = ExportFilter(tag=tag, start=_day(start, "from"), end=_day(end, "to"))
    cache, now = current_app.extensions["scores"], current_app.extensions["clock"].now()
    with _session() as session:
        viewer = _viewer(session, username)
        try:
            if dataset == "all":
                if output is None:
                    raise _Refused("Give --output FILE.zip for 'all'.")
                output.write_bytes(files.bundle(session, cache, viewer, where, now))
                click.echo(f"Wrote {output}.", err=True)
                return
            text = files.render(dataset, fmt, session, cache, viewer, where)
        except DomainError as error:
            raise _Refused(str(error)) from None
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8", newline="")
        click.echo(f"Wrote {output}.", err=True)


@click.command("import")
@click.argument("kind", type=click.Choice(["questions", "forecasts"]))
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as", "username", required=True,
              help="The manager recorded as the importer (and in imported trails).")
@with_appcontext
def import_command(kind: str, path: Path, username: str) -> None:
    """Import questions or forecasts from this product's export (CSV or JSON) or Fatebook's
    CSV. Every row is checked first; one bad row stores nothing, and each is named.
    """
    with _session() as session:
        actor = _viewer(session, username)
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise _Refused(f"{path} is not UTF-8 text.") from None
        try:
            rows = importing.read_rows(text, json_file=path.suffix.lower() == ".json")
            with click.progressbar(length=len(rows), label="Checking rows",
                                   file=sys.stderr) as bar:
                report = importing.import_rows(session, rows, kind=kind, actor=actor,
                                               progress=bar.update)
        except importing.ImportRefused as error:
            for bad in error.bad_rows:
                click.echo(f"row {bad.row}: {bad.reason}", err=True)
            raise _Refused(f"Nothing was imported: {len(error.bad_rows)} bad rows.") from None
        except DomainError as error:
            raise _Refused(str(error)) from None
    click.echo(f"Imported {report.questions} questions and {report.forecasts} forecasts.")
