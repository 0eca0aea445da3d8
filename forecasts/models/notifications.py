"""Emails sent (one row per kind, recipient and period) and reminder preferences."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from forecasts.db import UTCDateTime


class EmailLog(SQLModel, table=True):
    """One email sent (or being sent) to one recipient for one period."""

    __tablename__ = "email_log"
    __table_args__ = (sa.UniqueConstraint("kind", "recipient", "period",
                                          name="one_email_per_period"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40)
    recipient: str = Field(max_length=254)
    period: str = Field(max_length=20)
    subject: str = Field(max_length=200)
    created_at: datetime = Field(sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)


DEFAULT_INTERVAL_DAYS = 14  # the reminder digest's interval when a forecaster has not chosen


class ReminderPreference(SQLModel, table=True):
    """Whether and when a forecaster wants the weekly reminder digest (absent: the defaults)."""

    __tablename__ = "reminder_preference"

    user_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    enabled: bool = True
    interval_days: int = DEFAULT_INTERVAL_DAYS
