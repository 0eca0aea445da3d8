"""The record of scheduled job runs, and each job's next run time, for managers to see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from forecasts.models import JobRun, JobSchedule, RunOutcome


def start_run(session: Session, job_id: str, *, holder: str, now: datetime) -> JobRun:
    """Record that a run began; an earlier run of the job still 'running' died, so say so."""
    for stale in session.exec(
        select(JobRun).where(JobRun.job_id == job_id, JobRun.outcome == RunOutcome.running)
    ):
        stale.outcome = RunOutcome.interrupted
        stale.error = stale.error or "The scheduler stopped during this run."
        session.add(stale)
    run = JobRun(job_id=job_id, holder=holder, started_at=now)
    session.add(run)
    session.commit()
    session.refresh(run)
    return run


def finish_run(
    session: Session,
    run: JobRun,
    *,
    now: datetime,
    counts: dict[str, int] | None = None,
    error: str = "",
) -> JobRun:
    """Record how the run ended."""
    run.finished_at = now
    run.outcome = RunOutcome.failed if error else RunOutcome.succeeded
    run.counts = dict(counts or {})
    run.error = error
    session.add(run)
    session.commit()
    session.refresh(run)
    return run


def record_next_runs(
    session: Session, next_runs: dict[str, tuple[str, datetime | None]], *, now: datetime
) -> None:
    """Store each job's description and next run time (job id → (description, when))."""
    for job_id, (description, when) in next_runs.items():
        row = session.get(JobSchedule, job_id) or JobSchedule(job_id=job_id, updated_at=now)
        row.description, row.next_run_at, row.updated_at = description, when, now
        session.add(row)
    session.commit()


def schedule(session: Session) -> dict[str, JobSchedule]:
    """Every job the scheduler has announced, by id."""
    return {row.job_id: row for row in session.exec(select(JobSchedule))}


@dataclass(frozen=True)
class JobSummary:
    """A job as the Jobs page lists it."""

    job_id: str
    description: str
    next_run_at: datetime | None
    last: JobRun | None


def summaries(session: Session, job_ids: list[str]) -> list[JobSummary]:
    """Each job with its next run time and latest run."""
    planned = schedule(session)
    rows = []
    for job_id in sorted(set(job_ids) | set(planned)):
        last = session.exec(
            select(JobRun).where(JobRun.job_id == job_id)
            .order_by(col(JobRun.started_at).desc(), col(JobRun.id).desc()).limit(1)
        ).first()
        plan = planned.get(job_id)
        rows.append(JobSummary(job_id, plan.description if plan else "",
                               plan.next_run_at if plan else None, last))
    return rows


def recent_runs(session: Session, limit: int = 50) -> list[JobRun]:
    """The latest runs of every job, newest first."""
    query = select(JobRun).order_by(col(JobRun.started_at).desc(), col(JobRun.id).desc())
    return list(session.exec(query.limit(limit)))
