"""Length limits held by the database too, on both engines; the migration keeps existing rows."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, SQLModel

from forecasts import schema
from forecasts.models import Forecast, Question, Team
from tests.support.builders import T0, make_question
from web import create_app
from web.cli import cli

BEFORE_LIMITS = "c7e2b1d4a8f3"  # the revision before the length limits


def bounded_columns() -> list[tuple[str, str, int]]:
    """Every VARCHAR(n) column of the models (enums excepted: their values are fixed)."""
    return [(table.name, column.name, column.type.length)  # type: ignore[attr-defined]
            for table in SQLModel.metadata.sorted_tables for column in table.columns
            if getattr(column.type, "length", None) and not isinstance(column.type, sa.Enum)]


def test_every_bounded_column_has_a_length_check_in_the_database(engine):
    inspector = sa.inspect(engine)
    missing = []
    for table, column, length in bounded_columns():
        checks = {c["name"]: c["sqltext"] for c in inspector.get_check_constraints(table)}
        text = checks.get(f"ck_{table}_{column}_length", "")
        if "length" not in text or str(length) not in text:
            missing.append(f"{table}.{column} <= {length}")
    # A new String(n) column needs, in its migration: batch_op.create_check_constraint(
    # "ck_<table>_<column>_length", 'length("<column>") <= n') (SQLite ignores VARCHAR's n).
    assert missing == []


@pytest.mark.parametrize("make_row", [
    lambda q: Question(**{**q.model_dump(exclude={"id"}), "description": "x" * 10_001}),
    lambda q: Forecast(question_id=q.id, forecaster_id=q.created_by_id, probability=0.3,
                       rationale="x" * 10_001, created_at=T0),
    lambda q: Team(name="t" * 81, created_at=T0),
], ids=["description", "rationale", "team name"])
def test_the_database_refuses_over_long_text_written_past_the_domain(session, manager, make_row):
    question = make_question(session, manager)
    session.add(make_row(question))
    with pytest.raises(DBAPIError):
        session.commit()


@contextmanager
def database_at_revision(database_url: str, revision: str) -> Iterator[str]:
    """A fresh database of the same engine migrated to ``revision``."""
    url = sa.make_url(database_url)
    if url.get_backend_name() == "sqlite":
        fresh = url.set(database=str(url.database) + f".{uuid.uuid4().hex}.db")
        schema.upgrade(fresh.render_as_string(hide_password=False), revision)
        yield fresh.render_as_string(hide_password=False)
        return
    name = f"migration_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    fresh_url = url.set(database=name).render_as_string(hide_password=False)
    try:
        schema.upgrade(fresh_url, revision)
        yield fresh_url
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def _insert_rows(engine: sa.Engine, description: str) -> None:
    with engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO \"user\" (id, username, display_name, password_hash, role, active, "
            "created_at, kind) VALUES (1, 'maria', 'Maria', 'x', 'manager', true, :t, 'person')"
        ), {"t": T0})
        connection.execute(sa.text(
            "INSERT INTO question (id, title, description, resolution_criteria, opens_at, "
            "closes_at, resolve_by, source_name, source_url, source_quote, created_by_id, "
            "created_at, condition_negated) VALUES (1, 'Will it?', :d, 'YES if so.', :t, :c, :c, "
            "'', '', '', 1, :t, false)"
        ), {"d": description, "t": T0, "c": T0.replace(year=2027)})
        connection.execute(sa.text(
            "INSERT INTO forecast (id, question_id, forecaster_id, probability, rationale, "
            "created_at) VALUES (1, 1, 1, 0.3, 'Base rate.', :t)"), {"t": T0})


def test_the_migration_keeps_existing_rows(database_url):
    with database_at_revision(database_url, BEFORE_LIMITS) as url:
        engine = sa.create_engine(url)
        _insert_rows(engine, "Background " * 100)
        schema.upgrade(url)
        with Session(engine) as session:
            question = session.get(Question, 1)
            assert question is not None and question.description == "Background " * 100
            forecast = session.get(Forecast, 1)
            assert forecast is not None and forecast.rationale == "Base rate."  # no cascade
        engine.dispose()


def test_the_migration_stops_on_over_long_rows_and_changes_nothing(database_url):
    with database_at_revision(database_url, BEFORE_LIMITS) as url:
        engine = sa.create_engine(url)
        _insert_rows(engine, "x" * 7_000_000)
        with pytest.raises(schema.MigrationRefused,
                           match=r"question\.description: 1 row\(s\) longer than 10000 "
                                 r"characters"):
            schema.upgrade(url)
        with engine.connect() as connection:
            version = connection.exec_driver_sql("SELECT version_num FROM alembic_version")
            assert version.scalar() == BEFORE_LIMITS
            length = connection.exec_driver_sql("SELECT length(description) FROM question")
            assert length.scalar() == 7_000_000
        engine.dispose()


@pytest.mark.sqlite_only  # the refusal itself is tested on both engines above
def test_the_command_says_in_one_line_why_the_migration_stopped(database_url, settings, clock):
    with database_at_revision(database_url, BEFORE_LIMITS) as url:
        engine = sa.create_engine(url)
        _insert_rows(engine, "x" * 10_001)
        engine.dispose()
        app = create_app(settings.with_overrides(database_url=url), clock=clock)
        try:
            result = app.test_cli_runner().invoke(cli, args=["db", "upgrade"])
        finally:
            app.extensions["engine"].dispose()
    assert result.exit_code == 2, result.output
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: The migration stopped: Cannot add the input length limits")
    assert "question.description: 1 row(s) longer than 10000 characters" in line
