from datetime import timedelta

import pytest

from forecasts import resolution
from forecasts.errors import Conflict, NotAllowed, ValidationFailed
from forecasts.models import Action, Outcome
from forecasts.questions.catalog import Status, status
from tests.support.builders import T0, make_question


def test_resolution_and_correction_are_both_in_the_trail(session, manager):
    question = make_question(session, manager)
    after_close = question.closes_at + timedelta(days=1)
    resolution.resolve(session, question, outcome="yes", actor=manager, note="Union statement.",
                       now=after_close)
    resolution.resolve(session, question, outcome=Outcome.no, actor=manager,
                       note="The statement was retracted.", now=after_close + timedelta(days=1))
    trail = resolution.trail(session, question)
    assert [(e.action, e.from_outcome, e.to_outcome, e.actor_id) for e in trail] == [
        (Action.resolve, None, Outcome.yes, manager.id),
        (Action.correct, Outcome.yes, Outcome.no, manager.id),
    ]
    assert trail[1].note == "The statement was retracted."
    assert question.outcome is Outcome.no
    assert status(question, after_close) is Status.resolved


def test_a_correction_needs_a_note(session, manager):
    question = make_question(session, manager)
    resolution.resolve(session, question, outcome="yes", actor=manager, now=question.closes_at)
    with pytest.raises(ValidationFailed):
        resolution.resolve(session, question, outcome="no", actor=manager, now=question.closes_at)
    assert question.outcome is Outcome.yes


def test_resolving_the_same_outcome_twice_is_refused(session, manager):
    question = make_question(session, manager)
    resolution.resolve(session, question, outcome="no", actor=manager, now=question.closes_at)
    with pytest.raises(Conflict):
        resolution.resolve(session, question, outcome="no", actor=manager, note="again",
                           now=question.closes_at)
    assert len(resolution.trail(session, question)) == 1


def test_resolving_an_open_question_closes_it_first(session, manager):
    question = make_question(session, manager)
    now = T0 + timedelta(days=2)
    resolution.resolve(session, question, outcome="yes", actor=manager, now=now)
    assert question.closed_at == now
    assert [e.action for e in resolution.trail(session, question)] == [Action.close,
                                                                        Action.resolve]


def test_drafts_and_unknown_outcomes_are_refused(session, manager):
    draft = make_question(session, manager, published=False)
    with pytest.raises(Conflict):
        resolution.resolve(session, draft, outcome="yes", actor=manager, now=T0)
    question = make_question(session, manager)
    with pytest.raises(ValidationFailed):
        resolution.resolve(session, question, outcome="maybe", actor=manager, now=T0)
    assert resolution.trail(session, question) == []


def test_only_managers_resolve(session, manager, forecaster):
    question = make_question(session, manager)
    with pytest.raises(NotAllowed):
        resolution.resolve(session, question, outcome="yes", actor=forecaster,
                           now=question.closes_at)
