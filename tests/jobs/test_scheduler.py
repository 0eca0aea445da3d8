"""The real APScheduler with a FixedClock: lease, catch-up on start, every run recorded."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import apscheduler.schedulers.base
import pytest
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED
from apscheduler.schedulers.background import BackgroundScheduler
from sqlmodel import Session, select

from forecasts import resolution
from forecasts.accounts import actors, profile
from forecasts.clock import FixedClock
from forecasts.config import Settings
from forecasts.models import Action, JobRun, RunOutcome, User
from forecasts.notifications.mail import ConsoleMailer, Email, Mailer, make_mailer
from forecasts.questions import forecasting
from forecasts.resolution.fetching import Fetcher
from forecasts.scheduling import lease
from forecasts.scheduling import runs as job_runs
from forecasts.scheduling.catalogue import JOBS, JOBS_BY_ID, Context
from jobs.scheduler import JOB_DEFAULTS, build, trigger
from tests.support.builders import LOCAL, T0, make_question

JOB_IDS = {spec.job_id for spec in JOBS}


@pytest.fixture
def ctx(engine, clock) -> Iterator[Context]:  # type: ignore[no-untyped-def]
    context = Context(engine=engine, clock=clock, mailer=ConsoleMailer(), poll_workers=2,
                      fetcher=Fetcher(allowed=LOCAL))
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


def test_on_start_every_missed_job_runs_once_and_each_run_is_recorded(ctx, engine, session,
                                                                      manager, clock):
    question = make_question(session, manager)
    # The real APScheduler keeps wall time: with the clock months behind it, it would first count
    # every missed 20-second lease renewal since then (about a million) before running anything.
    # Fixed at the wall time of the start, the question is past its close all the same.
    clock.set(max(question.closes_at + timedelta(minutes=1), datetime.now(UTC)))
    with Session(engine) as own:  # a previous scheduler planned runs that were then missed
        job_runs.record_next_runs(own, {spec.job_id: (spec.description, clock.now())
                                        for spec in JOBS}, now=clock.now())
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
        assert all_ran.wait(timeout=90), f"only {seen} ran"  # an upper bound, not a sleep
    finally:
        scheduler.shutdown(wait=True)

    recorded = runs(engine)
    assert sorted(r.job_id for r in recorded) == sorted(JOB_IDS)
    assert {r.outcome for r in recorded} == {RunOutcome.succeeded}
    assert all(r.started_at == clock.now() and r.holder == "first" for r in recorded)
    close_run = next(r for r in recorded if r.job_id == "close-questions")
    assert close_run.counts == {"closed": 1}
    trail = resolution.trail(session, question)
    assert [e.action for e in trail] == [Action.close]
    assert session.get(User, trail[0].actor_id).display_name == "Scheduler"
    planned = job_runs.schedule(session)
    assert set(planned) == JOB_IDS
    assert all(p.next_run_at is not None and p.next_run_at > clock.now()
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
    # No job was ever planned, so none was missed: each waits for its regular time.
    for job_id in JOB_IDS:
        assert paused.get_job(job_id).next_run_time > datetime.now(UTC)
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

    assert runner.keep_lease()

    due_now = {j for j in JOB_IDS if paused.get_job(j).next_run_time <= clock.now()}
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
    assert runner.run("managers-digest").counts == {"already_sent": 0, "sent": 1}


def test_the_triggers_fire_when_documented(clock):
    clock.set(datetime(2026, 3, 4, 12, 0, 30, tzinfo=UTC))  # a Wednesday

    def next_fire(job_id: str) -> datetime:
        return trigger(JOBS_BY_ID[job_id].schedule).get_next_fire_time(None, clock.now())

    assert next_fire("managers-digest") == datetime(2026, 3, 5, 7, 0, tzinfo=UTC)
    assert next_fire("reminders") == datetime(2026, 3, 9, 8, 0, tzinfo=UTC)
    assert next_fire("score-snapshot") == datetime(2026, 3, 5, 0, 30, tzinfo=UTC)


# --- First start on a fresh database, with APScheduler's own time following a FixedClock ----

SUNDAY_NIGHT = datetime(2026, 1, 25, 23, 8, tzinfo=UTC)


@pytest.fixture
def clocked(clock, monkeypatch) -> FixedClock:  # type: ignore[no-untyped-def]
    """The real APScheduler, reading the time from the test's clock instead of the wall.

    (Interval triggers still start from the wall clock, so only the cron jobs and the first
    lease renewal follow this clock; those are the ones this test is about.)
    """

    class ClockTime(datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[no-untyped-def,override]
            return clock.now().astimezone(tz) if tz is not None else clock.now()

    monkeypatch.setattr(apscheduler.schedulers.base, "datetime", ClockTime)
    return clock  # type: ignore[no-any-return]


@pytest.fixture
def smtp_mailer(smtp_server) -> Mailer:  # type: ignore[no-untyped-def]
    controller, _ = smtp_server
    return make_mailer(Settings.from_env({
        "MAIL_BACKEND": "smtp", "MAIL_SERVER": controller.hostname,
        "MAIL_PORT": str(controller.port), "MAIL_FROM": "desk@forecasts.test"}))


def test_a_first_start_on_sunday_night_sends_the_digest_and_reminders_only_at_their_times(
    ctx, engine, session, manager, forecaster, clocked, smtp_mailer, smtp_server
):
    _, inbox = smtp_server
    profile.set_email(session, manager, "maria@example.org")
    profile.set_email(session, forecaster, "finn@example.org")
    make_question(session, manager, title="Will the overdue question be resolved?",
                  closes_at=T0 + timedelta(days=5), resolve_by=T0 + timedelta(days=10))
    open_question = make_question(session, manager)
    forecasting.submit_forecast(session, open_question, forecaster=forecaster, probability=0.3,
                                now=T0 + timedelta(days=1))  # stale by the Sunday
    session.commit()  # the requests above end before the scheduler starts
    ctx.mailer = smtp_mailer
    clocked.set(SUNDAY_NIGHT)
    finished: queue.Queue[str] = queue.Queue()
    scheduler = BackgroundScheduler(timezone=UTC, job_defaults=JOB_DEFAULTS)
    runner = build(ctx, scheduler=scheduler, holder="fresh")
    scheduler.add_listener(lambda event: finished.put(event.job_id),
                           EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)

    def ran(job_id: str) -> None:
        while (got := finished.get(timeout=90)) != job_id:  # an upper bound, not a sleep
            assert got not in ("managers-digest", "reminders"), f"{got} ran early"

    def subjects() -> list[tuple[str, str]]:
        return sorted((m["To"], m["Subject"].split(":")[0]) for m in inbox.messages)

    scheduler.start()
    try:
        ran("lease")
        assert runner.holding
        assert inbox.messages == [] and runs(engine) == []
        planned = job_runs.schedule(session)
        assert planned["managers-digest"].next_run_at == datetime(2026, 1, 26, 7, 0, tzinfo=UTC)
        assert planned["reminders"].next_run_at == datetime(2026, 1, 26, 8, 0, tzinfo=UTC)

        clocked.set(datetime(2026, 1, 26, 6, 59, tzinfo=UTC))
        scheduler.wakeup()
        ran("score-snapshot")  # due at 00:30; the digest is not due yet
        assert inbox.messages == []

        clocked.set(datetime(2026, 1, 26, 7, 0, tzinfo=UTC))
        scheduler.wakeup()
        ran("managers-digest")
        assert [to for to, _ in subjects()] == ["maria@example.org"]

        clocked.set(datetime(2026, 1, 26, 8, 0, tzinfo=UTC))
        scheduler.wakeup()
        ran("reminders")
        assert [to for to, _ in subjects()] == ["finn@example.org", "maria@example.org"]

        clocked.set(datetime(2026, 1, 27, 0, 30, tzinfo=UTC))
        scheduler.wakeup()
        ran("score-snapshot")
    finally:
        scheduler.shutdown(wait=True)
    assert len(inbox.messages) == 2  # each once
    assert all(actors.SIGNATURE in m.get_payload(decode=True).decode() for m in inbox.messages)
    by_job = sorted(r.job_id for r in runs(engine) if r.job_id in ("managers-digest", "reminders"))
    assert by_job == ["managers-digest", "reminders"]
