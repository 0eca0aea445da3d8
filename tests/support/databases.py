"""One engine per database for the whole test process, emptied before each test.

Every test used to build two engines (its own and its app's) on a fresh copy of the database, so
SQLAlchemy compiled each statement again for each test: its cache of compiled SQL lives on the
engine. One engine per database keeps that cache for the whole process. Between tests the
database is emptied (every row of every table deleted, identities restarted), as a migrated
database starts, and the pool is disposed, so no connection or transaction outlives its test.
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
            # SQLite checks each deleted row at once; the connection is thrown away below.
            # (pysqlite runs a PRAGMA outside the transaction, where SQLite obeys it.)
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            for table in SQLModel.metadata.sorted_tables:
                connection.execute(table.delete())
            has_sequences = connection.execute(text(
                "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'")).first()
            if has_sequences:
                connection.execute(text("DELETE FROM sqlite_sequence"))
        connection.commit()
    engine.dispose()


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
