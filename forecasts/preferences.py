"""The table of each user's display and email preferences (rules in ``forecasts/profile.py``).

Kept apart from the rules so that it moves as a whole into the ``forecasts/models/`` package.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from forecasts.timezones import DEFAULT_ZONE, MAX_NAME_LENGTH


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
