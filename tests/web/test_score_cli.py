"""`forecasts scores rebuild` and `forecasts scores leaderboard` over the score store."""

from datetime import timedelta

from sqlalchemy import text

from forecasts import resolution
from forecasts.questions import forecasting
from tests.support.builders import T0, make_question, make_user


def test_rebuild_rewrites_the_store_with_a_progress_bar(runner, session, manager, forecaster):
    other = make_user(session, "rowena")
    question = make_question(session, manager)
    for person, p in [(forecaster, 0.2), (other, 0.7)]:
        forecasting.submit_forecast(session, question, forecaster=person, probability=p,
                                    now=T0 + timedelta(days=1))
    resolution.resolve(session, question, outcome="no", actor=manager,
                       now=question.closes_at + timedelta(days=1))
    session.execute(text("DELETE FROM question_score"))  # as if the rules had changed
    session.commit()
    result = runner.invoke(args=["scores", "rebuild", "--batch", "1"])
    assert result.exit_code == 0, result.output
    assert "Scoring resolved questions" in result.output
    assert "Stored 6 score rows for 1 resolved questions." in result.output  # 2 people, 4 crowds
    board = runner.invoke(args=["scores", "leaderboard"])
    assert "Finn" in board.output and "Rowena" in board.output
    assert runner.invoke(args=["scores", "rebuild", "--batch", "0"]).exit_code == 2
