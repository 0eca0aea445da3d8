"""A database that cannot serve the program, explained in one line for its operator.

The `forecasts` command and the scheduler show these sentences (exit status 2) instead of a
traceback, because the fault lies in the deployment, not the program: no server at the address,
a database never migrated, or one migrated by newer code. The URL's password is never shown.
"""

from __future__ import annotations

import sys

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from forecasts import schema

NOT_MIGRATED = ("The database has no schema yet (or is behind): "
                "run `forecasts db upgrade`.")


def explain(error: BaseException, database_url: str) -> str | None:
    """One sentence saying why the database at ``database_url`` failed with ``error``; None when
    ``error`` is no database fault of the deployment's (a program fault: let it propagate).

    Handles SQLAlchemy's ``DBAPIError`` (the driver's errors), Alembic's ``CommandError`` and a
    migration's own refusal (``schema.MigrationRefused``).
    Probes the database once more, on a connection of its own, to tell a missing schema from a
    program fault; a failing probe is reported as an unreachable database.
    """
    if isinstance(error, schema.MigrationRefused):
        return f"The migration stopped: {_first_line(error, database_url)}"
    alembic_errors = sys.modules.get("alembic.util.exc")  # imported only if a migration ran
    migrating = alembic_errors is not None and isinstance(error, alembic_errors.CommandError)
    if not migrating and not isinstance(error, DBAPIError):
        return None
    if isinstance(error, DBAPIError) and error.statement is None:
        return _unreachable(error, database_url)  # it failed before any SQL was sent: connecting
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        if not migrating and schema.is_current(engine, schema.expected_heads()):
            return None  # the schema is right, so the SQL is wrong: a program fault
        unknown = schema.unknown_revisions(engine)
    except DBAPIError as probe:
        return _unreachable(probe, database_url)
    finally:
        engine.dispose()
    if unknown:
        return newer_code(unknown)
    if migrating:
        return f"The migration stopped: {_first_line(error, database_url)}"
    return NOT_MIGRATED


def newer_code(revisions: list[str]) -> str:
    """What to say of a database stamped with ``revisions`` that no migration here defines."""
    return (f"The database is at revision {', '.join(revisions)}, which this code does not "
            "know (newer code ran on it?): deploy that code, or restore a backup.")


def _unreachable(error: DBAPIError, database_url: str) -> str:
    return f"Cannot reach the database: {_first_line(error.orig or error, database_url)}"


def _first_line(error: BaseException, database_url: str) -> str:
    """The error's first line, with the URL's password (should a driver echo it) masked."""
    line = (str(error).strip().splitlines() or [type(error).__name__])[0]
    password = make_url(database_url).password
    return line.replace(str(password), "***") if password else line
