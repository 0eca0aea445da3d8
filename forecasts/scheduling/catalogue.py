"""The catalogue of scheduled jobs: what each runs, when, and how it is described.

Each job is a module-level function that takes a Context (engine, clock, mailer, fetcher),
runs the domain in one unit of work (``forecasts.db.unit_of_work``: committed if it returns,
rolled back if it raises) and returns counts of what it did. When a job runs is
plain data (Every, At), so the web app can list the jobs without loading APScheduler; the
scheduler process (``jobs/``) turns each schedule into a trigger.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine

from forecasts.clock import Clock
from forecasts.db import unit_of_work
from forecasts.notifications import reminders, resolution_emails, webhooks
from forecasts.notifications.links import Links
from forecasts.notifications.mail import Mailer
from forecasts.questions import discussion
from forecasts.resolution import checks as source_checks
from forecasts.resolution import closing, overdue
from forecasts.scoring import snapshots


@dataclass
class Context:
    """What every job needs: where the data is, what time it is, how to send email."""

    engine: Engine
    clock: Clock
    mailer: Mailer
    fetcher: source_checks.Fetcher = field(default_factory=source_checks.Fetcher)
    poll_workers: int = 16
    public_url: str = ""  # PUBLIC_URL: emails link to pages under it (none when empty)

    @property
    def links(self) -> Links:
        """Where emails link to."""
        return Links(self.public_url)


def close_questions(ctx: Context) -> dict[str, int]:
    """Record the close of questions whose close date has passed."""
    with unit_of_work(ctx.engine) as session:
        return {"closed": closing.close_due(session, now=ctx.clock.now())}


def poll_sources(ctx: Context) -> dict[str, int]:
    """Poll the resolution sources that are due and propose resolutions."""
    with unit_of_work(ctx.engine) as session:
        return source_checks.poll_due(session, now=ctx.clock.now(), clock=ctx.clock.now,
                                      fetcher=ctx.fetcher, workers=ctx.poll_workers)


def send_managers_digest(ctx: Context) -> dict[str, int]:
    """Email managers the overdue questions, pending proposals and failing sources."""
    with unit_of_work(ctx.engine) as session:
        return overdue.send_managers_digest(session, ctx.mailer, now=ctx.clock.now(),
                                            links=ctx.links)


def send_reminders(ctx: Context) -> dict[str, int]:
    """Email forecasters the open questions where their forecast has gone stale."""
    with unit_of_work(ctx.engine) as session:
        return reminders.send_reminders(session, ctx.mailer, now=ctx.clock.now(),
                                        links=ctx.links)


def send_clarifications(ctx: Context) -> dict[str, int]:
    """Email each new clarification to everyone who had forecast on its question."""
    with unit_of_work(ctx.engine) as session:
        return discussion.send_clarifications(session, ctx.mailer, now=ctx.clock.now(),
                                              links=ctx.links)


def send_resolution_emails(ctx: Context) -> dict[str, int]:
    """Email each new resolution or correction, with their score, to its forecasters."""
    with unit_of_work(ctx.engine) as session:
        return resolution_emails.send_resolution_emails(session, ctx.mailer,
                                                        now=ctx.clock.now(), links=ctx.links)


def snapshot_scores(ctx: Context) -> dict[str, int]:
    """Store today's scores per forecaster and team (once per day)."""
    with unit_of_work(ctx.engine) as session:
        return {"rows": snapshots.take_snapshot(session, now=ctx.clock.now())}


def deliver_webhooks(ctx: Context) -> dict[str, int]:
    """Send the webhook deliveries that are due (first attempts and retries)."""
    with unit_of_work(ctx.engine) as session:
        return webhooks.deliver_due(session, now=ctx.clock.now(), allowed=ctx.fetcher.allowed)


def queue_webhook_digest(ctx: Context) -> dict[str, int]:
    """Queue the weekly digest for the webhooks that take it (sent by deliver-webhooks)."""
    with unit_of_work(ctx.engine) as session:
        return webhooks.queue_weekly_digest(session, now=ctx.clock.now())


@dataclass(frozen=True)
class Every:
    """Run every so many minutes."""

    minutes: int


@dataclass(frozen=True)
class At:
    """Run at a time of day in UTC: daily, or weekly on one day ("mon" ... "sun")."""

    hour: int
    minute: int = 0
    day_of_week: str | None = None


@dataclass(frozen=True)
class JobSpec:
    """A job's stable id, what it runs, when, and what it does in one line."""

    job_id: str
    run: Callable[[Context], dict[str, int]]
    schedule: Every | At
    description: str


JOBS: tuple[JobSpec, ...] = (
    JobSpec("close-questions", close_questions, Every(minutes=1),
            "Close questions past their close date (every minute)"),
    JobSpec("check-sources", poll_sources, Every(minutes=5),
            "Check automatic resolution sources (every 5 minutes)"),
    JobSpec("managers-digest", send_managers_digest, At(hour=7),
            "Email managers overdue questions and failing sources (daily, 07:00 UTC)"),
    JobSpec("reminders", send_reminders, At(hour=8, day_of_week="mon"),
            "Email forecasters their stale forecasts (Mondays, 08:00 UTC)"),
    JobSpec("clarification-emails", send_clarifications, Every(minutes=1),
            "Email new clarifications to the questions' forecasters (every minute)"),
    JobSpec("resolution-emails", send_resolution_emails, Every(minutes=1),
            "Email resolutions and corrections, with scores, to the forecasters (every minute)"),
    JobSpec("score-snapshot", snapshot_scores, At(hour=0, minute=30),
            "Snapshot scores per forecaster and team (nightly, 00:30 UTC)"),
    JobSpec("deliver-webhooks", deliver_webhooks, Every(minutes=1),
            "Send due webhook deliveries and retries (every minute)"),
    JobSpec("webhook-digest", queue_webhook_digest, At(hour=8, day_of_week="mon"),
            "Queue the weekly digest for webhooks (Mondays, 08:00 UTC)"),
)
JOBS_BY_ID = {spec.job_id: spec for spec in JOBS}
