"""Closing questions past their close date: one trail entry each, however often the job runs."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from threading import Barrier

from sqlmodel import Session

from forecasts import resolution
from forecasts.models import Action, User
from forecasts.resolution import closing
from tests.support.builders import make_question


def test_a_question_past_its_close_date_is_closed_once(session, manager, clock):
    due = make_question(session, manager)
    later = make_question(session, manager, closes_at=clock.now() + timedelta(days=60),
                          resolve_by=clock.now() + timedelta(days=70))
    make_question(session, manager, published=False)  # drafts are not closed
    clock.set(due.closes_at + timedelta(minutes=1))

    assert closing.close_due(session, now=clock.now()) == 1
    assert closing.close_due(session, now=clock.now()) == 0
    events = resolution.trail(session, due)
    assert [(e.action, e.at, e.note) for e in events] == [
        (Action.close, due.closes_at, closing.AUTOMATIC_CLOSE_NOTE)]
    assert session.get(User, events[0].actor_id).display_name == "Scheduler"
    assert resolution.trail(session, later) == []


def test_a_question_closed_early_is_not_closed_again(session, manager, clock):
    from forecasts.questions.catalog import close_early

    question = make_question(session, manager)
    close_early(session, question, actor=manager, note="It happened.", now=clock.now())
    clock.set(question.closes_at + timedelta(days=1))
    assert closing.close_due(session, now=clock.now()) == 0


def test_two_runs_at_the_same_instant_record_one_close(engine, session, manager, clock):
    question = make_question(session, manager)
    clock.set(question.closes_at)
    start = Barrier(2)

    def run(_: int) -> bool:
        with Session(engine) as own:
            start.wait()
            return closing.close_if_due(own, question.id, now=clock.now())

    with ThreadPoolExecutor(2) as pool:
        assert sorted(pool.map(run, [1, 2])) == [False, True]
    assert len(resolution.trail(session, question)) == 1
