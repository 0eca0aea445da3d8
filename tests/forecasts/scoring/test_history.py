"""A question's crowd history, kept per process: extended as forecasts arrive, always exact."""

from datetime import timedelta

import pandas as pd
import pytest
from sqlalchemy import text

from forecasts.models import Forecast
from forecasts.questions import forecasting
from forecasts.scoring import history
from forecasts.scoring.aggregates import METHODS, crowd_histories, crowds_at
from forecasts.scoring.history import CrowdHistories, exact_history
from tests.support.builders import T0, make_publication, make_question, make_user

HOUR = timedelta(hours=1)


def _everything(session, question_id) -> pd.DataFrame:
    return history.crowd_forecasts(session.connection(), question_id)


def _exact_at_its_instants(points: pd.DataFrame, forecasts: pd.DataFrame) -> None:
    """Each kept point holds the crowd's exact value at its instant."""
    expected = crowds_at(forecasts, points["created_at"], METHODS)
    for method in METHODS:
        assert points[method].tolist() == pytest.approx(expected[method]["probability"].tolist())
    assert points["forecasters"].tolist() == expected["median"]["forecasters"].tolist()


def test_the_history_grows_with_each_forecast_and_stays_exact(session, manager, forecaster):
    people = [forecaster, *(make_user(session, f"crowd{i}") for i in range(3))]
    question = make_question(session, manager)
    histories = CrowdHistories()
    plan = [(0, 0.2, 1), (1, 0.7, 2), (2, 0.4, 3), (0, 0.9, 4), (3, 0.35, 4), (1, 0.1, 6)]
    for step, (person, probability, hours) in enumerate(plan):
        forecasting.submit_forecast(session, question, forecaster=people[person],
                                    probability=probability, now=T0 + hours * HOUR)
        kept = histories.history(session.connection(), question.id)
        assert kept.complete and kept.changes == len({h for _, _, h in plan[:step + 1]})
        _exact_at_its_instants(kept.points, _everything(session, question.id))
    # computed whole once; every later forecast only added the crowd at its own instant
    assert histories.recomputed == 1
    assert kept.points["median"].iloc[-1] == pytest.approx(0.375)  # of 0.9, 0.1, 0.4, 0.35
    assert kept.points["forecasters"].iloc[-1] == 4


def test_a_busy_history_keeps_at_most_its_points_with_the_latest(session, manager, monkeypatch):
    monkeypatch.setattr(history, "POINTS", 4)
    people = [make_user(session, f"busy{i}") for i in range(3)]
    question = make_question(session, manager)
    histories = CrowdHistories()
    for step in range(11):
        forecasting.submit_forecast(session, question, forecaster=people[step % 3],
                                    probability=0.05 + 0.08 * step, now=T0 + step * HOUR)
        kept = histories.history(session.connection(), question.id)
        assert len(kept.points) <= 4 and kept.changes == step + 1
        assert kept.points["created_at"].iloc[-1] == pd.Timestamp(T0 + step * HOUR)
    forecasts = _everything(session, question.id)
    _exact_at_its_instants(kept.points, forecasts)
    # every value on demand equals the whole step function of the crowd
    whole = crowd_histories(forecasts, METHODS)
    exact = exact_history(forecasts, chunk=3)
    for method in METHODS:
        assert exact[method].tolist() == pytest.approx(whole[method]["probability"].tolist())


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
    _exact_at_its_instants(kept.points, _everything(session, question.id))
    assert kept.points["median"].tolist()[:2] == pytest.approx([0.9, 0.55])  # 0.9, then with 0.2


def test_the_crowd_now_from_the_kept_forecasts_is_the_pages_sql_answer(session, manager,
                                                                       forecaster):
    # the page takes its "crowd now" from the forecasts its chart keeps: the same median and
    # count as forecasting.crowd_now's query, after the last forecast and between forecasts
    people = [forecaster, *(make_user(session, f"now{i}") for i in range(3))]
    question = make_question(session, manager)
    histories = CrowdHistories()
    assert histories.current(session.connection(), question.id, T0 + HOUR)[1:] == (None, 0)
    plan = [(0, 0.2, 1), (1, 0.7, 2), (2, 0.4, 3), (0, 0.9, 4), (3, 0.35, 4), (1, 0.1, 6)]
    for person, probability, hours in plan:
        forecasting.submit_forecast(session, question, forecaster=people[person],
                                    probability=probability, now=T0 + hours * HOUR)
    # a publication's stated forecast is scored, not pooled, on either path
    session.add(Forecast(question_id=question.id, probability=0.99, created_at=T0 + 3 * HOUR,
                         forecaster_id=make_publication(session, "Harbour Notes").id))
    session.commit()
    for hours in (0.5, 1, 2.5, 4, 5, 6, 9):
        now = T0 + hours * HOUR
        expected = forecasting.crowd_now(session, question, now)
        _, median, count = histories.current(session.connection(), question.id, now)
        assert count == expected.forecasters
        assert median == (None if expected.median is None else pytest.approx(expected.median))
    assert histories.current(session.connection(), question.id, T0 + 9 * HOUR)[1:] == (
        pytest.approx(0.375), 4)
