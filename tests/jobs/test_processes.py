"""Real scheduler processes (`python -m jobs`): two at once run each job once; kill -9 is safe."""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from sqlmodel import Session, select
from werkzeug import Request, Response

from forecasts.accounts import profile
from forecasts.clock import FixedClock
from forecasts.models import (
    Action,
    EmailLog,
    JobRun,
    Proposal,
    ResolutionEvent,
    RunOutcome,
    SourceCheck,
)
from forecasts.notifications.mail import ConsoleMailer
from forecasts.resolution import sources
from forecasts.resolution.fetching import Fetcher
from forecasts.resolution.sources import SourceInput
from forecasts.scheduling import runs as job_runs
from forecasts.scheduling.catalogue import JOBS, Context
from jobs.scheduler import JOB_DEFAULTS, build
from tests.support.builders import LOCAL, LOCAL_SPEC, make_question

ROOT = Path(__file__).resolve().parents[2]
WAIT = 60  # seconds: an upper bound for a slow machine, not a sleep


class Scheduler:
    """One `python -m jobs` process whose log lines arrive on a queue as it writes them."""

    def __init__(self, database_url: str, name: str, lines: queue.Queue[tuple[str, str]]) -> None:
        env = {**os.environ, "DATABASE_URL": database_url, "MAIL_BACKEND": "console",
               "PYTHONUNBUFFERED": "1", "SOURCE_ALLOWED_NETWORKS": LOCAL_SPEC}
        self.name = name
        self.process = subprocess.Popen([sys.executable, "-m", "jobs"], cwd=ROOT, env=env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                        text=True)
        self.log: list[str] = []
        self.reader = threading.Thread(target=self._read, args=(lines,), daemon=True)
        self.reader.start()

    def _read(self, lines: queue.Queue[tuple[str, str]]) -> None:
        for line in self.process.stderr:  # type: ignore[union-attr]
            self.log.append(line)
            lines.put((self.name, line))

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        self.process.wait(timeout=WAIT)
        self.reader.join(timeout=WAIT)  # the pipe ends with the process
        self.process.stderr.close()  # type: ignore[union-attr]


@pytest.fixture
def lines() -> queue.Queue[tuple[str, str]]:
    return queue.Queue()


@pytest.fixture
def started(database_url, lines) -> Iterator:  # type: ignore[no-untyped-def]
    processes: list[Scheduler] = []

    def start(name: str) -> Scheduler:
        processes.append(Scheduler(database_url, name, lines))
        return processes[-1]

    yield start
    for process in processes:
        process.stop(signal.SIGKILL)


def wait_for(lines: queue.Queue[tuple[str, str]], done, what: str) -> None:  # type: ignore[no-untyped-def]
    """Consume log lines as they come until ``done()``; fail after WAIT seconds."""
    deadline = datetime.now(UTC) + timedelta(seconds=WAIT)
    while not done():
        # A short wait per line: ``done`` may turn true with no log line to announce it (a
        # process blocked on a request writes nothing), so it is looked at again promptly.
        with contextlib.suppress(queue.Empty):
            lines.get(timeout=0.05)
        if datetime.now(UTC) > deadline:
            pytest.fail(f"timed out waiting for {what}")


def _missed_runs(session) -> None:  # type: ignore[no-untyped-def]
    """A previous scheduler planned every job for a minute ago: each is a missed run."""
    past = datetime.now(UTC) - timedelta(minutes=1)
    job_runs.record_next_runs(session, {spec.job_id: (spec.description, past) for spec in JOBS},
                              now=past)


def _seed(session, manager, httpserver) -> None:  # type: ignore[no-untyped-def]
    now = datetime.now(UTC)
    _missed_runs(session)
    profile.set_email(session, manager, "maria@example.org")
    make_question(session, manager, opens_at=now - timedelta(days=10),
                  closes_at=now - timedelta(hours=2), resolve_by=now - timedelta(hours=1))
    open_question = make_question(session, manager, opens_at=now - timedelta(days=1),
                                  closes_at=now + timedelta(days=10),
                                  resolve_by=now + timedelta(days=12))
    httpserver.expect_request("/s").respond_with_json({"status": "ended"})
    sources.set_source(session, open_question, SourceInput(
        kind="http_json", url=httpserver.url_for("/s"), pointer="/status", comparison="==",
        value="ended"), actor=manager, now=now, allowed=LOCAL)
    session.commit()  # the managers' requests end before the schedulers start


def test_two_scheduler_processes_run_each_job_once(session, engine, manager, httpserver,
                                                   started, lines):
    _seed(session, manager, httpserver)
    first, second = started("first"), started("second")

    def settled() -> bool:
        logs = first.log + second.log
        decided = all(any("Holding" in line or "Standing by" in line for line in p.log)
                      for p in (first, second))
        return decided and sum(" succeeded: " in line for line in logs) >= len(JOBS)

    wait_for(lines, settled, "one scheduler to run every job")
    first.stop()
    second.stop()

    holders = [p for p in (first, second) if any("Holding" in line for line in p.log)]
    assert len(holders) == 1
    with Session(engine) as check:
        runs = check.exec(select(JobRun)).all()
        assert sorted(r.job_id for r in runs) == sorted(spec.job_id for spec in JOBS)
        assert {r.outcome for r in runs} == {RunOutcome.succeeded}
        assert len({r.holder for r in runs}) == 1
        assert len(check.exec(select(Proposal)).all()) == 1
        closes = check.exec(select(ResolutionEvent).where(ResolutionEvent.action == Action.close))
        assert len(closes.all()) == 1
        assert [e.recipient for e in check.exec(select(EmailLog))] == ["maria@example.org"]


def test_a_scheduler_killed_mid_run_leaves_nothing_half_done(session, engine, manager,
                                                              httpserver, started, lines):
    now = datetime.now(UTC)
    reached, release = threading.Event(), threading.Event()

    def stuck(request: Request) -> Response:
        reached.set()
        release.wait(WAIT)
        return Response('{"status": "ended"}', content_type="application/json")

    question_ids = []
    for path in ("/a", "/b", "/c"):
        question = make_question(session, manager, opens_at=now - timedelta(days=1),
                                 closes_at=now + timedelta(days=10),
                                 resolve_by=now + timedelta(days=12))
        question_ids.append(question.id)
        if path == "/b":
            httpserver.expect_request(path).respond_with_handler(stuck)
        else:
            httpserver.expect_request(path).respond_with_json({"status": "ended"})
        sources.set_source(session, question, SourceInput(
            kind="http_json", url=httpserver.url_for(path), pointer="/status",
            comparison="==", value="ended"), actor=manager, now=now, allowed=LOCAL)

    _missed_runs(session)
    process = started("doomed")
    wait_for(lines, reached.is_set, "the check of /b to start")
    process.stop(signal.SIGKILL)
    release.set()

    with Session(engine) as check:  # each source is either fully checked or untouched
        for question_id in question_ids:
            proposed = check.exec(select(Proposal).where(Proposal.question_id == question_id))
            events = check.exec(select(ResolutionEvent).where(
                ResolutionEvent.question_id == question_id))
            source = sources.source_of(check, question_id)
            checks = check.exec(select(SourceCheck).where(SourceCheck.source_id == source.id))
            assert len(proposed.all()) == len(events.all()) == len(checks.all()) <= 1

    # The next scheduler (after the dead one's lease lapses) completes the work, once each.
    clock = FixedClock(datetime.now(UTC) + timedelta(seconds=61))
    scheduler = BackgroundScheduler(timezone=UTC, job_defaults=JOB_DEFAULTS)
    ctx = Context(engine=engine, clock=clock, mailer=ConsoleMailer(), poll_workers=2,
                  fetcher=Fetcher(allowed=LOCAL))
    runner = build(ctx, scheduler=scheduler, holder="successor")
    scheduler.start(paused=True)
    try:
        run = runner.run("check-sources")
    finally:
        scheduler.shutdown(wait=False)
        ctx.fetcher.close()
    assert run.outcome is RunOutcome.succeeded
    with Session(engine) as check:
        proposals = check.exec(select(Proposal)).all()
        assert sorted(p.question_id for p in proposals) == question_ids
        killed = check.exec(select(JobRun).where(JobRun.job_id == "check-sources",
                                                 JobRun.holder != "successor")).one()
        assert killed.outcome is RunOutcome.interrupted
