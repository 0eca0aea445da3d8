"""One engine per database for the whole test process, emptied before each test.

Every test used to build two engines (its own and its app's) on a fresh copy of the database, so
SQLAlchemy compiled each statement again for each test: its cache of compiled SQL lives on the
engine. One engine per database keeps that cache for the whole process. Between tests the
database is emptied (every row of every table deleted, identities restarted), as a migrated
database starts.

The engine's pool keeps its connections from test to test: each is rolled back as it returns to
the pool (SQLAlchemy's reset on return), so no transaction outlives its test, and on PostgreSQL
its session settings and advisory locks are reset too (``_reset_session``). PostgreSQL is thus
spared a new server process per test, which had to load its catalogue again: about 20 ms of CPU
a test. A test that stops or restarts the server leaves dead connections in the pool, which the
product's ``pool_pre_ping`` replaces.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, event, make_url, text
from sqlmodel import SQLModel

from forecasts.config import Settings
from forecasts.db import make_engine

_engines: dict[str, Engine] = {}


def shared_engine(url: str) -> Engine:
    """The process's engine for ``url``, built by the product's make_engine on first use."""
    if url not in _engines:
        engine = make_engine(Settings(database_url=url))
        if engine.dialect.name == "postgresql":
            event.listen(engine, "reset", _reset_session)
        _engines[url] = engine
    return _engines[url]


def _reset_session(dbapi_connection: Any, _record: Any, _state: Any) -> None:
    """Return a pooled PostgreSQL connection as a new one would be: out of its transaction, with
    the server's default settings (a test's ``SET TIME ZONE`` would otherwise reach the next
    test) and no advisory lock held. (SET is transactional, so it is reset after the rollback.)
    """
    dbapi_connection.rollback()
    dbapi_connection.execute("RESET ALL; SELECT pg_advisory_unlock_all()")
    dbapi_connection.commit()


def empty(engine: Engine) -> None:
    """Delete every row of every table and restart the identities (``alembic_version`` stays)."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.exec_driver_sql(_postgres_emptying(connection))
            connection.commit()
        return
    # One script through the driver (a millisecond a test less than a statement at a time). A
    # question (and a briefing draft) can refer to another row of its own table, and SQLite
    # checks each deleted row at once, so the checks are off for the script and back on
    # afterwards, whatever happens, before the connection returns to the pool.
    raw = engine.raw_connection()
    try:
        raw.driver_connection.executescript(_sqlite_emptying(engine, raw))
    finally:
        raw.rollback()  # nothing to roll back unless the script failed
        raw.driver_connection.execute("PRAGMA foreign_keys=ON")
        raw.close()


_SQLITE_EMPTYING: dict[str, str] = {}


def _sqlite_emptying(engine: Engine, raw: Any) -> str:
    """The emptying script for one SQLite database, built once per database."""
    url = str(engine.url)
    if url not in _SQLITE_EMPTYING:
        deletes = [f'DELETE FROM "{table.name}";' for table in SQLModel.metadata.sorted_tables]
        if raw.driver_connection.execute(
                "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").fetchone():
            deletes.append("DELETE FROM sqlite_sequence;")  # AUTOINCREMENT's counters
        _SQLITE_EMPTYING[url] = f"PRAGMA foreign_keys=OFF; BEGIN; {' '.join(deletes)} COMMIT;"
    return _SQLITE_EMPTYING[url]


_POSTGRES_EMPTYING: dict[str, str] = {}


def _postgres_emptying(connection: Connection) -> str:
    """One round trip that empties a PostgreSQL test database, built once per database.

    TRUNCATE of every table cost about 20 ms a test (it swaps each table's files and rewrites
    the catalogue); DELETE of a test's few rows costs about 7, which over the ~500 PostgreSQL
    tests is several seconds of CPU. ``session_replication_role = replica`` turns the
    foreign-key triggers off for the transaction, so a question that refers to another question
    is deleted like any other row, and ``setval`` restarts each identity of the schema at 1.
    Only a superuser may set that role: for a database given by TEST_DATABASE_URL to an
    ordinary owner, the emptying is the TRUNCATE, as before.
    """
    url = str(connection.engine.url)
    if url not in _POSTGRES_EMPTYING:
        tables = [f'"{table.name}"' for table in SQLModel.metadata.sorted_tables]
        superuser = connection.execute(text("SELECT current_setting('is_superuser')")).scalar()
        if superuser != "on":
            _POSTGRES_EMPTYING[url] = (f"SET LOCAL lock_timeout = '20s'; TRUNCATE "
                                       f"{', '.join(tables)} RESTART IDENTITY CASCADE")
            return _POSTGRES_EMPTYING[url]
        sequences = connection.execute(text(
            "SELECT format('%I.%I', schemaname, sequencename) FROM pg_sequences"
            " WHERE schemaname = current_schema()")).scalars()
        statements = [
            "SET LOCAL session_replication_role = replica",
            # A connection some earlier test left open in a transaction would hold a lock that
            # DELETE waits for: fail with PostgreSQL's message rather than hang the run.
            "SET LOCAL lock_timeout = '20s'",
            *(f"DELETE FROM {table}" for table in tables),
        ]
        restarts = [f"setval('{name}', 1, false)" for name in sequences]
        if restarts:
            statements.append("SELECT " + ", ".join(restarts))
        _POSTGRES_EMPTYING[url] = "; ".join(statements)
    return _POSTGRES_EMPTYING[url]


def own_database(url: str, worker: str | None) -> str:
    """The database a test process uses on the server TEST_DATABASE_URL names: that database
    itself, or under ``-n`` one per worker beside it (``forecasts_test_gw0`` …), created on first
    use, so that one process never empties the rows another is testing.

    Raises PermissionError with the way out when the role may not create databases.
    """
    if worker is None:
        return url
    given = make_url(url)
    name = f"{given.database}_{worker}"
    engine = make_engine(Settings(database_url=url))
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                        {"name": name}).first()
            if not exists:
                if not connection.execute(text(
                        "SELECT rolcreatedb OR rolsuper FROM pg_roles"
                        " WHERE rolname = current_user")).scalar():
                    raise PermissionError(
                        f"Under -n each test process needs a database of its own beside "
                        f"{given.database!r} ({name!r}), and this role may not create one: "
                        "grant it CREATEDB, create the databases, or run pytest with -n 0.")
                connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        engine.dispose()
    return given.set(database=name).render_as_string(hide_password=False)


@contextmanager
def stamped(engine: Engine, revision: str | None) -> Iterator[None]:
    """The database stamped at ``revision`` for the block (None: at none, as before any
    migration; or one no migration here defines), then put back at its own revision, which
    the emptying between tests leaves alone."""
    with engine.begin() as connection:
        current = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        connection.execute(text("DELETE FROM alembic_version"))
        if revision is not None:
            connection.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": revision})
    try:
        yield
    finally:
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM alembic_version"))
            connection.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": current})


def dispose_all() -> None:
    for engine in _engines.values():
        engine.dispose()
    _engines.clear()
