"""Emails sent (one row per kind, recipient and period) and reminder preferences."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from forecasts.db import UTCDateTime
from forecasts.timezones import DEFAULT_ZONE, MAX_NAME_LENGTH


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


class Preferences(SQLModel, table=True):
    """A user's time zone and which kinds of email they want (absent: UTC, every kind on).

    The weekly reminders' switch and interval stay in ``reminder_preference``.
    """

    __tablename__ = "user_preference"

    user_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    time_zone: str = Field(default=DEFAULT_ZONE, max_length=MAX_NAME_LENGTH,
                           sa_column_kwargs={"server_default": DEFAULT_ZONE})
    resolution_emails: bool = Field(default=True, sa_column_kwargs={"server_default": sa.true()})
    clarification_emails: bool = Field(default=True,
                                       sa_column_kwargs={"server_default": sa.true()})
    digest_emails: bool = Field(default=True, sa_column_kwargs={"server_default": sa.true()})
