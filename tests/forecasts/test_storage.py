"""The storage layer: migrations match the models, SQLite is tuned, times stay UTC."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel

from forecasts import schema
from forecasts.config import ConfigError, Settings, normalise_database_url
from forecasts.db import make_engine
from tests.support.builders import T0, make_question


def test_migrations_match_the_models(engine):
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert diff == []
    assert not schema.pending(engine)


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    engine = make_engine(Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}",
                                  sqlite_busy_timeout_ms=7000))
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 7000
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_times_come_back_as_utc(session, manager):
    athens = timezone(timedelta(hours=2))
    question = make_question(session, manager,
                             closes_at=datetime(2026, 3, 1, 14, 0, tzinfo=athens),
                             resolve_by=datetime(2026, 3, 9, tzinfo=UTC))
    session.expire_all()
    assert question.closes_at == datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    assert question.closes_at.utcoffset() == timedelta(0)
    assert question.opens_at == T0


def test_the_database_refuses_an_impossible_probability(session, manager, forecaster):
    from sqlalchemy.exc import IntegrityError

    from forecasts.models import Forecast

    question = make_question(session, manager)
    session.add(Forecast(question_id=question.id, forecaster_id=forecaster.id, probability=1.0,
                         created_at=T0))
    with pytest.raises(IntegrityError):
        session.commit()


def test_settings_parse_strictly():
    with pytest.raises(ConfigError):
        Settings.from_env({"SESSION_COOKIE_SECURE": "maybe"})
    with pytest.raises(ConfigError):
        Settings.from_env({"STALE_AFTER_DAYS": "0"})
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    settings = Settings.from_env({"INSTANCE_PATH": "/tmp/x"})
    assert settings.database_url == "sqlite:////tmp/x/forecasts.db"
