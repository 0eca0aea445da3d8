"""The scheduler's lease and its record of job runs."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from forecasts.db import UTCDateTime, text_enum


class RunOutcome(StrEnum):
    """How a job run ended."""

    running = "running"
    succeeded = "succeeded"
    failed = "failed"
    interrupted = "interrupted"  # the process died mid-run; the next run redid the work


class JobRun(SQLModel, table=True):
    """One run of one job: when, how it ended, what it did."""

    __tablename__ = "job_run"
    __table_args__ = (sa.Index("ix_job_run_job_started", "job_id", "started_at"),)

    id: int | None = Field(default=None, primary_key=True)
    job_id: str = Field(max_length=40)
    holder: str = Field(default="", max_length=200)
    started_at: datetime = Field(sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    outcome: RunOutcome = Field(
        default=RunOutcome.running,
        sa_type=text_enum(RunOutcome),
    )
    counts: dict[str, int] = Field(default_factory=dict, sa_type=sa.JSON)  # {"closed": 3}
    error: str = Field(default="", sa_type=sa.Text)



class JobSchedule(SQLModel, table=True):
    """When the scheduler will next run each job (written by the scheduler, read by the web)."""

    __tablename__ = "job_schedule"

    job_id: str = Field(primary_key=True, max_length=40)
    description: str = Field(default="", max_length=200)
    next_run_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class Lease(SQLModel, table=True):
    """Who holds the named lease, until when."""

    name: str = Field(primary_key=True, max_length=40)
    holder: str = Field(max_length=200)
    expires_at: datetime = Field(sa_type=UTCDateTime)
