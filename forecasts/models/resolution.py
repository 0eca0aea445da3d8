"""How a question ended, the audit trail of every change to that, and the automatic
sources, checks and proposals that suggest an outcome."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from forecasts import bounds
from forecasts.db import UTCDateTime, text_enum, utc_timestamp


class Outcome(StrEnum):
    yes = "yes"
    no = "no"
    annulled = "annulled"


class Action(StrEnum):
    """What a resolution-trail entry records."""

    close = "close"
    resolve = "resolve"
    correct = "correct"
    propose = "propose"  # an automatic check suggests an outcome; a manager confirms it
    dismiss = "dismiss"  # a manager rejects an automatic proposal
    reopen = "reopen"  # a manager undoes an early close before the scheduled close


class ResolutionEvent(SQLModel, table=True):
    """The audit trail of a question's closing and resolution: who, when, from, to, why."""

    __tablename__ = "resolution_event"

    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(foreign_key="question.id", index=True, ondelete="CASCADE")
    actor_id: int = Field(foreign_key="user.id")
    at: datetime = utc_timestamp()
    action: Action = Field(sa_type=text_enum(Action))
    from_outcome: Outcome | None = Field(default=None, sa_type=text_enum(Outcome), nullable=True)
    to_outcome: Outcome | None = Field(default=None, sa_type=text_enum(Outcome), nullable=True)
    note: str = Field(default="", max_length=bounds.TRAIL_NOTE.max_length)


class Comparison(StrEnum):
    """How a JSON value is compared with the manager's value."""

    equal = "=="
    not_equal = "!="
    at_least = ">="
    at_most = "<="
    contains = "contains"


class ProposalStatus(StrEnum):
    """Whether a proposal still waits for a manager."""

    pending = "pending"
    confirmed = "confirmed"  # by a manager's click
    applied = "applied"  # by the source's auto-apply setting
    dismissed = "dismissed"  # a manager judged the evidence wrong


class Proposal(SQLModel, table=True):
    """An outcome suggested by a check, and the evidence for it."""

    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(foreign_key="question.id", unique=True, ondelete="CASCADE")
    outcome: Outcome = Field(sa_type=text_enum(Outcome))
    # what the check saw: value or entry title and link, fetched-at time, URL, reason
    evidence: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    proposed_at: datetime = Field(sa_type=UTCDateTime)
    status: ProposalStatus = Field(
        default=ProposalStatus.pending,
        sa_type=text_enum(ProposalStatus),
    )
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    decided_by_id: int | None = Field(default=None, foreign_key="user.id")


ALERT_AFTER_FAILURES = 5  # consecutive failed checks before managers are told


class SourceKind(StrEnum):
    """What kind of document the source is."""

    http_json = "http_json"
    feed = "feed"


class ResolutionSource(SQLModel, table=True):
    """The automatic source of one question, and where its checking stands."""

    __tablename__ = "resolution_source"

    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(foreign_key="question.id", unique=True, ondelete="CASCADE")
    kind: SourceKind = Field(sa_type=text_enum(SourceKind))
    url: str = Field(max_length=bounds.URL.max_length)
    pointer: str = Field(default="", max_length=bounds.POINTER.max_length)
    comparison: Comparison | None = Field(
        default=None, sa_type=text_enum(Comparison), nullable=True
    )
    value: str = Field(default="", max_length=bounds.SOURCE_VALUE.max_length)
    pattern: str = Field(default="", max_length=bounds.PATTERN.max_length)
    pattern_is_regex: bool = False
    no_event_means_no: bool = True
    auto_apply: bool = False
    created_by_id: int = Field(foreign_key="user.id")
    created_at: datetime = Field(sa_type=UTCDateTime)
    next_check_at: datetime = Field(sa_type=UTCDateTime, index=True)
    last_checked_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    failures: int = 0  # consecutive failed checks; reset by a good one
    last_error: str = Field(default="", sa_type=sa.Text)
    last_status: int | None = None

    @property
    def failing(self) -> bool:
        """Managers are told once checks have failed this many times in a row."""
        return self.failures >= ALERT_AFTER_FAILURES

    def describe(self) -> str:
        """One line saying what is watched."""
        if self.kind is SourceKind.feed:
            how = "matching /" + self.pattern + "/" if self.pattern_is_regex else \
                f"mentioning {self.pattern!r}"
            return f"Feed {self.url}: an entry {how}"
        value = self.comparison.value if self.comparison else "?"
        return f"JSON {self.url} at {self.pointer or '(whole document)'} {value} {self.value!r}"


class SourceCheck(SQLModel, table=True):
    """One check of one source: the answer's status, the value seen, or the error."""

    __tablename__ = "source_check"

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="resolution_source.id", index=True, ondelete="CASCADE")
    checked_at: datetime = Field(sa_type=UTCDateTime)
    ok: bool
    fired: bool = False
    status_code: int | None = None
    value: str = Field(default="", sa_type=sa.Text)
    error: str = Field(default="", sa_type=sa.Text)
