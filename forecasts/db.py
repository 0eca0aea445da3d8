"""Engines and sessions: SQLite tuned for several workers, or PostgreSQL through psycopg 3."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import DateTime, Engine, create_engine, event, text
from sqlalchemy.engine import Dialect
from sqlalchemy.engine.url import make_url
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, Session

from forecasts.config import Settings


class UTCDateTime(TypeDecorator[datetime]):
    """Store UTC, return timezone-aware UTC on every engine (SQLite keeps no offset of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("refusing to store a naive datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utc_timestamp(*, nullable: bool = False, index: bool = False) -> Any:
    """A timezone-aware UTC timestamp column (see UTCDateTime), for a table's field."""
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable, index=index)


def text_enum(kind: type[StrEnum]) -> sa.Enum:
    """A StrEnum stored as its values in a VARCHAR: adding a value needs no ALTER TYPE."""
    return sa.Enum(
        kind, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]
    )


def json_text(value: Any) -> str:
    """How JSON columns are written: keys sorted (stable text), and a value JSON has no type for
    (a datetime in a check's evidence, say) as its ``str``, as the evidence always was."""
    return json.dumps(value, sort_keys=True, default=str)


def make_engine(settings: Settings) -> Engine:
    """Build the engine for ``settings.database_url``."""
    url = make_url(settings.database_url)
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, json_serializer=json_text)
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": settings.sqlite_busy_timeout_ms / 1000},
                           json_serializer=json_text)
    _tune_sqlite(engine, settings.sqlite_busy_timeout_ms)
    return engine


def _tune_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """WAL lets readers work while one worker writes; the busy timeout queues writers."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """One transaction for a job step or a CLI command: commit on success, roll back on error.

    The house rule: domain functions flush, and whoever owns the work commits. A web request
    is one unit of work (``web/database.py`` commits after a response below 400); a job or a
    command is another, opened here. Only batch steps that must keep each item on its own (an
    email claimed before it is sent, a webhook delivery, a source poll, the scheduler's lease
    and run records) commit inside, and their docstrings say so.
    """
    with Session(engine) as session:
        try:
            yield session
        except BaseException:
            session.rollback()
            raise
        session.commit()


def check_database(engine: Engine) -> None:
    """Run a trivial query; raises if the database cannot be reached."""
    with Session(engine) as session:
        session.exec(text("SELECT 1"))  # type: ignore[call-overload]
