"""Reaffirming an unchanged forecast, and closing early and reopening with a trail."""

from datetime import timedelta

import pytest

from forecasts import resolution
from forecasts.errors import Conflict, NotAllowed, ValidationFailed
from forecasts.models import Action
from forecasts.questions import catalog as questions
from forecasts.questions import forecasting
from forecasts.questions.catalog import Status
from forecasts.resolution import closing
from tests.support.builders import T0, make_question


def test_reaffirm_records_the_latest_probability_again_now(session, manager, forecaster):
    question = make_question(session, manager)
    forecasting.submit_forecast(session, question, forecaster=forecaster, probability=0.3,
                                rationale="Talks stalled.", now=T0 + timedelta(days=1))
    forecasting.submit_forecast(session, question, forecaster=forecaster, probability=0.35,
                                now=T0 + timedelta(days=2))
    again = forecasting.reaffirm(session, question, forecaster=forecaster,
                                 now=T0 + timedelta(days=9))
    newest, *older = forecasting.history(session, question, forecaster)
    assert newest.id == again.id and len(older) == 2
    assert (newest.probability, newest.rationale) == (0.35, "Reaffirmed")
    assert newest.created_at == T0 + timedelta(days=9)
    assert [f.probability for f in older] == [0.35, 0.3]  # earlier rows untouched


def test_reaffirm_needs_a_forecast_and_an_open_question(session, manager, forecaster):
    question = make_question(session, manager)
    with pytest.raises(Conflict, match="no forecast of yours"):
        forecasting.reaffirm(session, question, forecaster=forecaster, now=T0 + timedelta(days=1))
    forecasting.submit_forecast(session, question, forecaster=forecaster, probability=0.3,
                                now=T0 + timedelta(days=1))
    with pytest.raises(Conflict, match="closed"):
        forecasting.reaffirm(session, question, forecaster=forecaster,
                             now=question.closes_at + timedelta(minutes=1))
    assert len(forecasting.history(session, question, forecaster)) == 1


def test_closing_early_needs_a_reason(session, manager):
    question = make_question(session, manager)
    with pytest.raises(ValidationFailed):
        questions.close_early(session, question, actor=manager, note="  ",
                              now=T0 + timedelta(days=2))
    assert questions.status(question, T0 + timedelta(days=2)) is Status.open


def test_a_manager_reopens_an_early_close_and_both_steps_are_in_the_trail(session, manager,
                                                                          forecaster):
    question = make_question(session, manager)
    questions.close_early(session, question, actor=manager, note="Strike called off.",
                          now=T0 + timedelta(days=2))
    with pytest.raises(Conflict):
        forecasting.submit_forecast(session, question, forecaster=forecaster, probability=0.3,
                                    now=T0 + timedelta(days=3))
    with pytest.raises(NotAllowed):
        questions.reopen(session, question, actor=forecaster, note="Mine!",
                         now=T0 + timedelta(days=3))
    with pytest.raises(ValidationFailed):
        questions.reopen(session, question, actor=manager, note="", now=T0 + timedelta(days=3))
    questions.reopen(session, question, actor=manager, note="The strike resumed.",
                     now=T0 + timedelta(days=4))
    assert questions.status(question, T0 + timedelta(days=4)) is Status.open
    forecasting.submit_forecast(session, question, forecaster=forecaster, probability=0.6,
                                now=T0 + timedelta(days=5))
    assert [(e.action, e.note, e.actor_id) for e in resolution.trail(session, question)] == [
        (Action.close, "Strike called off.", manager.id),
        (Action.reopen, "The strike resumed.", manager.id),
    ]


def test_a_reopened_question_still_closes_automatically_at_its_date(session, manager):
    question = make_question(session, manager)
    questions.close_early(session, question, actor=manager, note="Done.",
                          now=T0 + timedelta(days=2))
    questions.reopen(session, question, actor=manager, note="Not done.",
                     now=T0 + timedelta(days=3))
    after_close = question.closes_at + timedelta(minutes=1)
    assert closing.close_due(session, now=after_close) == 1
    assert closing.close_due(session, now=after_close) == 0
    assert [e.action for e in resolution.trail(session, question)] == [
        Action.close, Action.reopen, Action.close]


@pytest.mark.parametrize("case", ["open", "resolved", "past-close", "closed-on-time"])
def test_only_an_unresolved_early_close_before_the_scheduled_close_reopens(session, manager,
                                                                           case):
    question = make_question(session, manager)
    now = T0 + timedelta(days=3)
    if case != "open" and case != "closed-on-time":
        questions.close_early(session, question, actor=manager, note="Done.",
                              now=T0 + timedelta(days=2))
    if case == "resolved":
        resolution.resolve(session, question, outcome="yes", actor=manager, now=now)
    if case in ("past-close", "closed-on-time"):
        now = question.closes_at + timedelta(hours=1)
    with pytest.raises(Conflict):
        questions.reopen(session, question, actor=manager, note="Try.", now=now)
    assert all(e.action is not Action.reopen for e in resolution.trail(session, question))
