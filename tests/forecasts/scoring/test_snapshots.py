"""The nightly score snapshot: per forecaster and team, once per day."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from threading import Barrier

from forecasts import resolution
from forecasts.accounts import people as accounts
from forecasts.db import unit_of_work
from forecasts.models import Outcome
from forecasts.questions import forecasting
from forecasts.scoring import snapshots
from tests.support.builders import T0, make_question


def test_the_snapshot_scores_forecasters_and_teams_once_a_day(session, manager, forecaster,
                                                               clock):
    team = accounts.create_team(session, "Aegean desk", now=T0)
    forecaster.team_id = team.id
    session.add(forecaster)
    session.commit()
    question = make_question(session, manager)
    forecasting.submit_forecast(session, question, forecaster=forecaster, probability=0.8,
                                now=T0 + timedelta(days=1))
    resolution.resolve(session, question, outcome=Outcome.yes, actor=manager,
                       now=question.closes_at + timedelta(days=1))
    clock.set(question.closes_at + timedelta(days=2))

    assert snapshots.take_snapshot(session, now=clock.now()) == 2
    assert snapshots.take_snapshot(session, now=clock.now() + timedelta(hours=1)) == 0
    rows = snapshots.snapshots_on(session, clock.now().date())
    assert [(r.subject_kind, r.subject_id, r.questions) for r in rows] == [
        ("forecaster", forecaster.id, 1), ("team", team.id, 1)]
    assert all(0 <= r.brier < 0.25 for r in rows)
    assert snapshots.take_snapshot(session, now=clock.now() + timedelta(days=1)) == 2


def test_an_empty_snapshot_is_fine(session, clock):
    assert snapshots.take_snapshot(session, now=clock.now()) == 0


def test_two_snapshot_runs_at_the_same_instant_store_one(engine, session, manager, forecaster,
                                                         clock):
    question = make_question(session, manager)
    forecasting.submit_forecast(session, question, forecaster=forecaster, probability=0.3,
                                now=T0 + timedelta(days=1))
    resolution.resolve(session, question, outcome=Outcome.no, actor=manager,
                       now=question.closes_at)
    session.commit()  # the resolving request ends before the scheduler's runs
    start = Barrier(2)

    def run(_: int) -> int:
        with unit_of_work(engine) as own:  # each run is the job's own unit of work
            start.wait()
            return snapshots.take_snapshot(own, now=clock.now())

    with ThreadPoolExecutor(2) as pool:
        assert sorted(pool.map(run, [1, 2])) == [0, 1]
    assert len(snapshots.snapshots_on(session, clock.now().date())) == 1
