"""`forecasts export …` and `forecasts import …`: the data out as CSV/JSON/zip, and back in."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlmodel import Session

from forecasts import bounds
from forecasts.accounts.people import find_user
from forecasts.errors import DomainError
from forecasts.exports import files, importing
from forecasts.exports.datasets import DATASETS, export_filter
from forecasts.messages import counted, sentences
from forecasts.models import Role, User
from web.cli_types import BoundedDay, BoundedText, ExistingFile, NewFile, OneOf
from web.database import command_session

EVERYONE = User(username="export", display_name="Export", password_hash="-", role=Role.admin)


class _Refused(click.ClickException):
    exit_code = 2


def _viewer(session: Session, username: str | None) -> User:
    if username is None:
        return EVERYONE
    user = find_user(session, username)
    if user is None:
        raise _Refused(f"No user named {username!r}.")
    return user


@click.command("export")
@click.argument("dataset", type=OneOf([*DATASETS, "all"]))
@click.option("--format", "fmt", type=OneOf(files.FORMATS), default="csv",
              show_default=True, help="Ignored for 'all', which is a zip of CSV files.")
@click.option("--tag", default="", type=BoundedText(bounds.TAG),
              help="Only questions with this tag.")
@click.option("--from", "start", type=BoundedDay(),
              help="First day of the period (YYYY-MM-DD, UTC).")
@click.option("--to", "end", type=BoundedDay(),
              help="Last day of the period (YYYY-MM-DD, UTC, included).")
@click.option("--as", "username", type=BoundedText(bounds.USERNAME),
              help="Export what this user may see (default: everything).")
@click.option("--output", "-o", type=NewFile(),
              help="Write here instead of standard output (required for 'all').")
@with_appcontext
def export_command(dataset: str, fmt: str, tag: str, start: date | None, end: date | None,
                   username: str | None, output: Path | None) -> None:
    """Export questions (with resolutions and trail), forecasts, per-question scores or the
    leaderboard as CSV or JSON, or 'all' of them as a zip with a README of the columns.
    """
    if start and end and start > end:
        raise _Refused("The period's start (--from) must not be after its end (--to).")
    cache, now = current_app.extensions["scores"], current_app.extensions["clock"].now()
    with command_session() as session:
        viewer = _viewer(session, username)
        try:
            where = export_filter(session, tag=tag, start=start, end=end)
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
@click.argument("kind", type=OneOf(["questions", "forecasts"]))
@click.argument("path", type=ExistingFile())
@click.option("--as", "username", required=True, type=BoundedText(bounds.USERNAME),
              help="The manager recorded as the importer (and in imported trails).")
@with_appcontext
def import_command(kind: str, path: Path, username: str) -> None:
    """Import questions or forecasts from this product's export (CSV or JSON) or Fatebook's
    CSV. Every row is checked first; one bad row stores nothing, and each is named.
    """
    with command_session() as session:
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
                click.echo(sentences([f"Row {bad.row}: {bad.reason}"]), err=True)
            raise _Refused(f"Nothing was imported: {counted(len(error.bad_rows), 'bad row')}."
                           ) from None
        except DomainError as error:
            raise _Refused(str(error)) from None
    click.echo(f"Imported {counted(report.questions, 'question')} and "
               f"{counted(report.forecasts, 'forecast')}.")
