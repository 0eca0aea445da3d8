"""One engine per database for the whole test process, emptied before each test.

Every test used to build two engines (its own and its app's) on a fresh copy of the database, so
SQLAlchemy compiled each statement again for each test: its cache of compiled SQL lives on the
engine. One engine per database keeps that cache for the whole process. Between tests the
database is emptied (every row of every table deleted, identities restarted), as a migrated
database starts.

The engine's pool keeps its connections from test to test: each is rolled back as it returns to
the pool (SQLAlchemy's reset on return), so no transaction outlives its test, and PostgreSQL is
spared a new server process per test, which had to load its catalogue again: about 20 ms of CPU
a test. A test that stops or restarts the server leaves dead connections in the pool, which the
product's ``pool_pre_ping`` replaces.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine, text
from sqlmodel import SQLModel

from forecasts.config import Settings
from forecasts.db import make_engine

_engines: dict[str, Engine] = {}


def shared_engine(url: str) -> Engine:
    """The process's engine for ``url``, built by the product's make_engine on first use."""
    if url not in _engines:
        _engines[url] = make_engine(Settings(database_url=url))
    return _engines[url]


def empty(engine: Engine) -> None:
    """Delete every row of every table and restart the identities (``alembic_version`` stays)."""
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql(_postgres_emptying(connection))
        else:
            # A question (and a briefing draft) can refer to another row of its own table, and
            # SQLite checks each deleted row at once; the checks are back on below, before the
            # connection returns to the pool. (pysqlite runs a PRAGMA outside the transaction,
            # where SQLite obeys it.)
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            for table in SQLModel.metadata.sorted_tables:
                connection.execute(table.delete())
            has_sequences = connection.execute(text(
                "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'")).first()
            if has_sequences:
                connection.execute(text("DELETE FROM sqlite_sequence"))
        connection.commit()
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")


_POSTGRES_EMPTYING: dict[str, str] = {}


def _postgres_emptying(connection: Connection) -> str:
    """One round trip that empties a PostgreSQL test database, built once per database.

    TRUNCATE of every table cost about 20 ms a test (it swaps each table's files and rewrites
    the catalogue); DELETE of a test's few rows costs about 7, which over the ~500 PostgreSQL
    tests is several seconds of CPU. ``session_replication_role = replica`` (the test cluster's
    superuser may set it) turns the foreign-key triggers off for the transaction, so a question
    that refers to another question is deleted like any other row, and ``setval`` restarts every
    identity at 1.
    """
    url = str(connection.engine.url)
    if url not in _POSTGRES_EMPTYING:
        sequences = connection.execute(text(
            "SELECT format('%I.%I', schemaname, sequencename) FROM pg_sequences")).scalars()
        statements = [
            "SET LOCAL session_replication_role = replica",
            # A connection some earlier test left open in a transaction would hold a lock that
            # DELETE waits for: fail with PostgreSQL's message rather than hang the run.
            "SET LOCAL lock_timeout = '20s'",
            *(f'DELETE FROM "{table.name}"' for table in SQLModel.metadata.sorted_tables),
        ]
        restarts = [f"setval('{name}', 1, false)" for name in sequences]
        if restarts:
            statements.append("SELECT " + ", ".join(restarts))
        _POSTGRES_EMPTYING[url] = "; ".join(statements)
    return _POSTGRES_EMPTYING[url]


def dispose_all() -> None:
    for engine in _engines.values():
        engine.dispose()
    _engines.clear()
