"""The migration that renames the "ignorance" policy's stored columns "uninformed" keeps every
stored score, down and up, on both engines."""

from __future__ import annotations

from datetime import timedelta

import pytest
from alembic import command
from sqlalchemy import text
from sqlmodel import Session

from forecasts import resolution, schema
from forecasts.config import Settings
from forecasts.db import make_engine
from forecasts.models import Role
from forecasts.questions import forecasting
from tests.support.builders import T0, make_question, make_user

BEFORE = "f4a9c2e7b1d6"  # the last revision with the old names
FINN = (0.25 + 29 * 0.04) / 30  # a 50 % first day, then 20 % on a NO for 29 days


def _score_rows(engine, policy: str) -> list[tuple[float, float]]:  # type: ignore[no-untyped-def]
    with engine.connect() as db:
        scores = db.execute(text(
            f"SELECT brier_{policy}, crowd_brier_{policy} FROM question_score"
            " WHERE in_crowd ORDER BY subject_id")).all()
        cells = db.execute(text(
            f"SELECT sum(brier_{policy}), sum(relative_{policy}) FROM score_cell")).one()
    return [tuple(row) for row in scores] + [tuple(cells)]


def test_stored_scores_keep_their_values_through_the_rename_down_and_up(
        blank_url):
    schema.upgrade(blank_url)
    engine = make_engine(Settings(database_url=blank_url))
    try:
        with Session(engine) as session:
            manager = make_user(session, "maria", Role.manager)
            question = make_question(session, manager)
            for name, p in (("finn", 0.2), ("rowena", 0.7)):
                forecasting.submit_forecast(session, question, forecaster=make_user(session, name),
                                            probability=p, now=T0 + timedelta(days=1))
            resolution.resolve(session, question, outcome="no", actor=manager,
                               now=question.closes_at + timedelta(days=1))
            session.commit()
        renamed = _score_rows(engine, "uninformed")
        assert renamed[0][0] == pytest.approx(FINN)

        engine.dispose()
        command.downgrade(schema.alembic_config(blank_url), BEFORE)
        assert _score_rows(engine, "ignorance") == renamed
        engine.dispose()
        schema.upgrade(blank_url)
        assert _score_rows(engine, "uninformed") == renamed
    finally:
        engine.dispose()
