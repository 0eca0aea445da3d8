"""A question's crowd history, kept per process: extended as forecasts arrive, always exact."""

from datetime import timedelta

import pandas as pd
import pytest
from sqlalchemy import text

from forecasts.questions import forecasting
from forecasts.scoring.aggregates import METHODS, crowds_at
from forecasts.scoring.history import CrowdHistories, full_history, sample
from tests.support.builders import T0, make_question, make_user

HOUR = timedelta(hours=1)


def _everything(session, question_id) -> pd.DataFrame:
    frame = pd.read_sql(text("SELECT question_id, forecaster_id, probability, created_at "
                             "FROM forecast WHERE question_id = :q"), session.connection(),
                        params={"q": question_id})
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True, format="ISO8601")
    return frame


def _same(kept: pd.DataFrame, fresh: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(kept.reset_index(drop=True), fresh.reset_index(drop=True),
                                  check_dtype=False, atol=1e-12)


def test_the_history_grows_with_each_forecast_and_equals_a_full_computation(
        session, manager, forecaster):
    people = [forecaster, *(make_user(session, f"crowd{i}") for i in range(3))]
    question = make_question(session, manager)
    histories = CrowdHistories()
    plan = [(0, 0.2, 1), (1, 0.7, 2), (2, 0.4, 3), (0, 0.9, 4), (3, 0.35, 4), (1, 0.1, 6)]
    for step, (person, probability, hours) in enumerate(plan):
        forecasting.submit_forecast(session, question, forecaster=people[person],
                                    probability=probability, now=T0 + hours * HOUR)
        kept = histories.history(session.connection(), question.id)
        _same(kept, full_history(_everything(session, question.id)))
        assert len(kept) == len({h for _, _, h in plan[:step + 1]})  # one row per instant
    # computed whole once; every later forecast only added the crowd at its own instant
    assert histories.recomputed == 1
    assert kept["median"].iloc[-1] == pytest.approx(0.375)  # median of 0.9, 0.1, 0.4, 0.35
    assert kept["forecasters"].iloc[-1] == 4


def test_a_forecast_dated_before_the_kept_history_recomputes_the_question(
        session, manager, forecaster):
    rowena = make_user(session, "rowena")
    question = make_question(session, manager)
    histories = CrowdHistories()
    for person, probability, hours in [(forecaster, 0.2, 5), (rowena, 0.6, 6)]:
        forecasting.submit_forecast(session, question, forecaster=person,
                                    probability=probability, now=T0 + hours * HOUR)
    histories.history(session.connection(), question.id)
    # as an import of older forecasts would store it (forecasts are append-only, dates are not)
    session.execute(text(
        "INSERT INTO forecast (question_id, forecaster_id, probability, rationale, created_at) "
        "VALUES (:q, :f, 0.9, '', :at)"),
        {"q": question.id, "f": rowena.id, "at": (T0 + 2 * HOUR).replace(tzinfo=None)})
    session.commit()
    kept = histories.history(session.connection(), question.id)
    assert histories.recomputed == 2
    _same(kept, full_history(_everything(session, question.id)))
    assert kept["median"].tolist()[:2] == pytest.approx([0.9, 0.55])  # 0.9 alone, then with 0.2


def test_a_sampled_history_holds_the_crowd_standing_at_each_instant(session, manager,
                                                                     forecaster):
    rowena = make_user(session, "rowena")
    question = make_question(session, manager)
    plan = [(forecaster, 0.2, 1), (rowena, 0.7, 2), (forecaster, 0.5, 7)]
    for person, probability, hours in plan:
        forecasting.submit_forecast(session, question, forecaster=person,
                                    probability=probability, now=T0 + hours * HOUR)
    forecasts = _everything(session, question.id)
    history = full_history(forecasts)
    sampled = sample(history, T0 + 10 * HOUR, 12)
    expected = crowds_at(forecasts, sampled["created_at"], METHODS)
    for method in METHODS:
        assert sampled[method].tolist() == pytest.approx(expected[method]["probability"].tolist())
    assert sampled["forecasters"].tolist() == expected["median"]["forecasters"].tolist()
