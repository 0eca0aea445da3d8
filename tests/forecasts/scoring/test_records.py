from datetime import timedelta

import pytest
from sqlmodel import select

from forecasts import resolution
from forecasts.models import QuestionScore
from forecasts.questions import forecasting
from forecasts.scoring.records import track_record
from tests.support.builders import T0, make_question


def test_score_uses_the_last_forecast_before_close(session, manager, forecaster):
    question = make_question(session, manager)
    forecasting.submit_forecast(session, question, forecaster=forecaster, probability=0.3,
                                now=T0 + timedelta(days=1))
    forecasting.submit_forecast(session, question, forecaster=forecaster, probability=0.2,
                                now=T0 + timedelta(days=2))
    resolution.resolve(session, question, outcome="no", actor=manager,
                       now=question.closes_at + timedelta(days=1))
    record = track_record(session, forecaster, question.closes_at + timedelta(days=2))
    [scored] = record.resolved
    assert scored.final.probability == 0.2
    assert scored.brier == pytest.approx(0.04)  # (0.2 − 0)²
    assert record.mean_brier == pytest.approx(0.04)
    assert record.standing == []


def test_annulled_questions_are_not_scored_and_open_ones_are_standing(session, manager,
                                                                      forecaster):
    annulled = make_question(session, manager, title="Will X?")
    won = make_question(session, manager, title="Will Y?")
    still_open = make_question(session, manager, title="Will Z?",
                               closes_at=T0 + timedelta(days=90),
                               resolve_by=T0 + timedelta(days=90))
    for question, p in [(annulled, 0.9), (won, 0.7), (still_open, 0.5)]:
        forecasting.submit_forecast(session, question, forecaster=forecaster, probability=p,
                                    now=T0 + timedelta(days=1))
    after = T0 + timedelta(days=31)
    resolution.resolve(session, annulled, outcome="annulled", actor=manager, now=after)
    resolution.resolve(session, won, outcome="yes", actor=manager, now=after)
    record = track_record(session, forecaster, after)
    scores = {s.question.id: s.brier for s in record.resolved}
    assert scores[annulled.id] is None
    assert scores[won.id] == pytest.approx(0.09)  # (0.7 − 1)²
    assert record.mean_brier == pytest.approx(0.09)
    assert [s.question.id for s in record.standing] == [still_open.id]


def test_the_record_takes_the_same_final_forecast_as_the_scores(session, manager, forecaster):
    # two forecasts at one instant: the one rule (scoring.timeline.final_forecasts) takes the
    # higher, whatever order they were stored in, on the record page as on the leaderboard
    question = make_question(session, manager)
    for probability in (0.3, 0.2):
        forecasting.submit_forecast(session, question, forecaster=forecaster,
                                    probability=probability, now=T0 + timedelta(days=2))
    resolution.resolve(session, question, outcome="no", actor=manager,
                       now=question.closes_at + timedelta(days=1))
    [scored] = track_record(session, forecaster, question.closes_at + timedelta(days=2)).resolved
    stored = session.exec(select(QuestionScore).where(
        QuestionScore.question_id == question.id,
        QuestionScore.subject_id == forecaster.id)).one()
    assert scored.final.probability == stored.probability == 0.3
    assert scored.brier == pytest.approx(0.09)  # (0.3 − 0)²
