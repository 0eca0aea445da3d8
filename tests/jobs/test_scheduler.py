"""The real APScheduler with a FixedClock: lease, catch-up on start, every run recorded."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED
from apscheduler.schedulers.background import BackgroundScheduler
from sqlmodel import Session, select

from forecasts import job_runs, lease, profile, resolution
from forecasts.job_runs import JobRun, RunOutcome
from forecasts.mail import ConsoleMailer, Email
from forecasts.models import Action
from jobs.scheduler import JOB_DEFAULTS, build
from jobs.tasks import JOBS, JOBS_BY_ID, Context
from tests.support.builders import make_question

JOB_IDS = {spec.job_id for spec in JOBS}


@pytest.fixture
def ctx(engine, clock) -> Iterator[Context]:  # type: ignore[no-untyped-def]
    context = Context(engine=engine, clock=clock, mailer=ConsoleMailer(), check_workers=2)
    yield context
    context.fetcher.close()


@pytest.fixture
def paused(ctx) -> Iterator[BackgroundScheduler]:  # type: ignore[no-untyped-def]
    """A started scheduler that fires nothing by itself: the test drives the runner."""
    scheduler = BackgroundScheduler(timezone=UTC, job_defaults=JOB_DEFAULTS)
    yield scheduler
    if scheduler.running:
        scheduler.shutdown(wait=False)


def runs(engine) -> list[JobRun]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return list(session.exec(select(JobRun).order_by(JobRun.id)))  # type: ignore[arg-type]


def test_on_start_every_job_runs_once_and_each_run_is_recorded(ctx, engine, session, manager,
                                                               clock):
    question = make_question(session, manager)
    clock.set(question.closes_at + timedelta(minutes=1))
    scheduler = BackgroundScheduler(timezone=UTC, job_defaults=JOB_DEFAULTS)
    build(ctx, scheduler=scheduler, holder="first")
    seen: set[str] = set()
    all_ran = threading.Event()

    def ran(event) -> None:  # type: ignore[no-untyped-def]
        seen.add(event.job_id)
        if seen >= JOB_IDS:
            all_ran.set()

    scheduler.add_listener(ran, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    scheduler.start()
    try:
        assert all_ran.wait(timeout=30), f"only {seen} ran"
    finally:
        scheduler.shutdown(wait=True)

    recorded = runs(engine)
    assert sorted(r.job_id for r in recorded) == sorted(JOB_IDS)
    assert {r.outcome for r in recorded} == {RunOutcome.succeeded}
    assert all(r.started_at == clock.now() and r.holder == "first" for r in recorded)
    close_run = next(r for r in recorded if r.job_id == "close-questions")
    assert close_run.count_map == {"closed": 1}
    assert [e.action for e in resolution.trail(session, question)] == [Action.close]
    planned = job_runs.schedule(session)
    assert set(planned) == JOB_IDS
    assert all(p.next_run_at is not None and p.next_run_at > datetime.now(UTC)
               for p in planned.values())


def test_a_standby_runs_nothing_then_takes_over_after_the_lease_expires(ctx, engine, session,
                                                                       clock, paused):
    assert lease.acquire(session, "dead-process", now=clock.now())
    runner = build(ctx, scheduler=paused, holder="standby")
    paused.start(paused=True)

    assert runner.keep_lease() is False
    assert runner.run("close-questions") is None
    assert runs(engine) == []

    clock.advance(seconds=61)  # the holder stopped renewing
    assert runner.keep_lease() is True
    # Taking over schedules every job that never ran for an immediate (single) run.
    for job_id in JOB_IDS:
        assert paused.get_job(job_id).next_run_time <= datetime.now(UTC)
    run = runner.run("close-questions")
    assert run.outcome is RunOutcome.succeeded and run.holder == "standby"


def test_missed_runs_are_caught_up_once_on_start(ctx, engine, session, clock, paused):
    with Session(engine) as own:
        job_runs.record_next_runs(
            own, {spec.job_id: (spec.description, clock.now() + timedelta(hours=1))
                  for spec in JOBS}, now=clock.now())
        job_runs.record_next_runs(own, {"score-snapshot": ("", clock.now() - timedelta(days=3))},
                                  now=clock.now())
    runner = build(ctx, scheduler=paused, holder="restarted")
    paused.start(paused=True)
    far = datetime.now(UTC) + timedelta(seconds=50)

    assert runner.keep_lease()

    due_now = {j for j in JOB_IDS if paused.get_job(j).next_run_time <= far}
    assert due_now == {"score-snapshot"}


def test_a_failing_job_is_recorded_and_the_next_run_interrupted_ones_are_marked(
    ctx, engine, session, manager, clock, paused
):
    class Down:
        def send(self, email: Email) -> None:
            raise ConnectionRefusedError("SMTP server unreachable")

    profile.set_email(session, manager, "maria@example.org")
    late = make_question(session, manager)
    clock.set(late.resolve_by + timedelta(days=1))
    ctx.mailer = Down()
    with Session(engine) as own:  # a run whose process was killed
        job_runs.start_run(own, "managers-digest", holder="killed", now=clock.now())
    runner = build(ctx, scheduler=paused, holder="me")
    paused.start(paused=True)

    run = runner.run("managers-digest")

    assert run.outcome is RunOutcome.failed
    assert "ConnectionRefusedError: SMTP server unreachable" in run.error
    assert [r.outcome for r in runs(engine)] == [RunOutcome.interrupted, RunOutcome.failed]
    ctx.mailer = ConsoleMailer()
    assert runner.run("managers-digest").count_map == {"already_sent": 0, "sent": 1}


def test_the_triggers_fire_when_documented(clock):
    clock.set(datetime(2026, 3, 4, 12, 0, 30, tzinfo=UTC))  # a Wednesday

    def next_fire(job_id: str) -> datetime:
        return JOBS_BY_ID[job_id].trigger().get_next_fire_time(None, clock.now())

    assert next_fire("managers-digest") == datetime(2026, 3, 5, 7, 0, tzinfo=UTC)
    assert next_fire("reminders") == datetime(2026, 3, 9, 8, 0, tzinfo=UTC)
    assert next_fire("score-snapshot") == datetime(2026, 3, 5, 0, 30, tzinfo=UTC)
