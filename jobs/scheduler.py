"""The APScheduler scheduler: jobs with stable ids, one acting process, every run recorded.

Every process renews its claim on the database lease every 20 s; only the holder runs jobs.
A process that gains the lease (at start, or when the previous holder died) first runs, once,
each job whose recorded next run time has passed: missed runs are coalesced into one. A job
with no recorded run time (a fresh database) waits for its next regular time.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from datetime import UTC, timedelta

from apscheduler.schedulers.base import STATE_STOPPED, BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlmodel import Session

from forecasts.models import JobRun
from forecasts.scheduling import lease
from forecasts.scheduling import runs as job_runs
from forecasts.scheduling.catalogue import JOBS, JOBS_BY_ID, At, Context, Every

logger = logging.getLogger(__name__)

LEASE_JOB = "lease"
RENEW_EVERY = timedelta(seconds=20)  # well inside the 60 s lease, so a live holder never lapses
JOB_DEFAULTS = {"coalesce": True, "misfire_grace_time": None, "max_instances": 1}


def default_holder() -> str:
    """A name for this process that no other scheduler shares."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Runner:
    """Runs jobs for one scheduler process, only while it holds the lease."""

    def __init__(self, ctx: Context, scheduler: BaseScheduler, holder: str) -> None:
        self.ctx, self.scheduler, self.holder = ctx, scheduler, holder
        self.holding: bool | None = None  # None until the first attempt
        self._lock = threading.Lock()

    def keep_lease(self) -> bool:
        """Take or renew the lease; on gaining it, catch up on missed runs. True while held."""
        with self._lock, Session(self.ctx.engine) as session:
            held = lease.acquire(session, self.holder, now=self.ctx.clock.now())
            gained, lost = held and not self.holding, not held and self.holding is not False
            self.holding = held
        if gained:
            logger.info("Holding the scheduler lease as %s", self.holder)
            self.catch_up()
        elif lost:
            logger.info("Standing by: another scheduler holds the lease")
        return held

    def catch_up(self) -> None:
        """Run now, once, every job whose recorded next run has passed (a missed run).

        A job with no recorded next run has never been scheduled here: it waits for its next
        regular time, so a first start at 23:08 on a Sunday sends no digest or reminders then.
        """
        now = self.ctx.clock.now()
        with Session(self.ctx.engine) as session:
            planned = job_runs.schedule(session)
        for spec in JOBS:
            plan = planned.get(spec.job_id)
            if plan is not None and plan.next_run_at is not None and plan.next_run_at <= now:
                job = self.scheduler.get_job(spec.job_id)
                if job is not None:
                    job.modify(next_run_time=now)
        self.publish_schedule()

    def run(self, job_id: str) -> JobRun | None:
        """Run one job if this process holds the lease, recording the run; None if standing by."""
        if not self.keep_lease():
            return None
        spec = JOBS_BY_ID[job_id]
        with Session(self.ctx.engine) as session:
            run = job_runs.start_run(session, job_id, holder=self.holder,
                                     now=self.ctx.clock.now())
        counts: dict[str, int] = {}
        error = ""
        try:
            counts = spec.run(self.ctx)
        except Exception as failure:  # recorded on the Jobs page; the scheduler keeps going
            logger.exception("Job %s failed", job_id)
            error = f"{type(failure).__name__}: {failure}"
        with Session(self.ctx.engine) as session:
            run = job_runs.finish_run(session, run, now=self.ctx.clock.now(), counts=counts,
                                      error=error)
        logger.info("Scheduler job %s %s: %s", job_id, run.outcome.value, counts or error)
        self.publish_schedule()
        return run

    def publish_schedule(self) -> None:
        """Write each job's next run time where the web can show it."""
        # Not while stopping: shutdown(wait=True) holds the job-store lock while it waits for
        # running jobs, so a job asking for its next run time then would wait for ever.
        if not self.holding or self.scheduler.state == STATE_STOPPED:
            return
        next_runs = {}
        for spec in JOBS:
            job = self.scheduler.get_job(spec.job_id)
            when = getattr(job, "next_run_time", None) if job is not None else None
            next_runs[spec.job_id] = (spec.description, when)
        with Session(self.ctx.engine) as session:
            job_runs.record_next_runs(session, next_runs, now=self.ctx.clock.now())

    def release(self) -> None:
        """Give up the lease so a standby takes over at once."""
        if self.holding:
            with Session(self.ctx.engine) as session:
                lease.release(session, self.holder, now=self.ctx.clock.now())
            self.holding = False


def run_job(runner: Runner, job_id: str) -> None:
    """What APScheduler calls for each job (module-level, so the reference is stable)."""
    runner.run(job_id)


def keep_lease(runner: Runner) -> None:
    """What APScheduler calls every RENEW_EVERY."""
    runner.keep_lease()


def trigger(schedule: Every | At) -> BaseTrigger:
    """The APScheduler trigger for a job's schedule (times in UTC)."""
    if isinstance(schedule, Every):
        return IntervalTrigger(minutes=schedule.minutes)
    return CronTrigger(day_of_week=schedule.day_of_week, hour=schedule.hour,
                       minute=schedule.minute, timezone=UTC)


def build(
    ctx: Context, *, scheduler: BaseScheduler | None = None, holder: str | None = None
) -> Runner:
    """Register every job (idempotently, by id) on a scheduler; returns its Runner."""
    scheduler = scheduler or BlockingScheduler(timezone=UTC, job_defaults=JOB_DEFAULTS)
    runner = Runner(ctx, scheduler, holder or default_holder())
    for spec in JOBS:
        scheduler.add_job(run_job, trigger(spec.schedule), args=(runner, spec.job_id),
                          id=spec.job_id, name=spec.description, replace_existing=True,
                          **JOB_DEFAULTS)
    scheduler.add_job(keep_lease, IntervalTrigger(seconds=RENEW_EVERY.total_seconds()),
                      args=(runner,), id=LEASE_JOB, name="Renew the scheduler lease",
                      replace_existing=True, next_run_time=ctx.clock.now(), **JOB_DEFAULTS)
    return runner
