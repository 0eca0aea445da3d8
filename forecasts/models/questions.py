"""Questions, their tags and revisions, the forecasts made on them, and their discussion."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from forecasts import bounds
from forecasts.db import UTCDateTime, text_enum, utc_timestamp
from forecasts.models.resolution import Outcome
from forecasts.names import text_key


class QuestionTag(SQLModel, table=True):
    __tablename__ = "question_tag"

    question_id: int = Field(foreign_key="question.id", primary_key=True, ondelete="CASCADE")
    tag_id: int = Field(foreign_key="tag.id", primary_key=True, ondelete="CASCADE")


class Tag(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=bounds.TAG.max_length, unique=True, index=True)
    key: str = Field(max_length=255, unique=True, index=True)  # forecasts.names.name_key(name)


class QuestionBase(SQLModel):
    """The fields a manager writes."""

    # Lengths come from forecasts.bounds; the database checks them too (CHECK length(...)).
    title: str = Field(max_length=bounds.TITLE.max_length)
    description: str = Field(default="", max_length=bounds.DESCRIPTION.max_length)
    resolution_criteria: str = Field(max_length=bounds.CRITERIA.max_length)
    opens_at: datetime = Field(sa_type=UTCDateTime)
    closes_at: datetime = Field(sa_type=UTCDateTime, index=True)
    resolve_by: datetime = Field(sa_type=UTCDateTime)
    source_name: str = Field(default="", max_length=bounds.SOURCE_NAME.max_length)
    source_url: str = Field(default="", max_length=bounds.URL.max_length)
    source_quote: str = Field(default="", max_length=bounds.QUOTE.max_length)


class Question(QuestionBase, table=True):
    __table_args__ = (
        sa.CheckConstraint("closes_at > opens_at", name="closes_after_opening"),
        sa.CheckConstraint("resolve_by >= closes_at", name="resolved_after_closing"),
    )

    id: int | None = Field(default=None, primary_key=True)
    created_by_id: int = Field(foreign_key="user.id")
    created_at: datetime = utc_timestamp()
    published_at: datetime | None = utc_timestamp(nullable=True)
    closed_early_at: datetime | None = utc_timestamp(nullable=True)
    outcome: Outcome | None = Field(default=None, sa_type=text_enum(Outcome), nullable=True)
    resolved_at: datetime | None = utc_timestamp(nullable=True)
    # Where an imported question came from, and what it is conditional on.
    briefing_id: int | None = Field(
        default=None, foreign_key="briefing.id", index=True, ondelete="SET NULL"
    )
    briefing_draft_id: int | None = Field(
        default=None, foreign_key="briefing_draft.id", index=True, ondelete="SET NULL"
    )
    # P(this | condition); resolves YES/NO only once the condition resolved the enabling way.
    condition_id: int | None = Field(
        default=None, foreign_key="question.id", index=True, ondelete="RESTRICT"
    )
    condition_negated: bool = Field(  # "unless X": the enabling outcome of X is NO
        default=False, sa_column_kwargs={"server_default": sa.false()}
    )
    # An imported question's cited source carries its own date, apart from the source's name.
    source_date: date | None = Field(default=None, sa_type=sa.Date, nullable=True)
    # What an imported question's quote draws from (a "Source:" line): the quote itself is the
    # publication's own words, so source_name names the publication, never the cited source.
    cited_source: str | None = Field(default=None, max_length=bounds.SOURCE_NAME.max_length)
    # ICD 203's analytic confidence (low, moderate, high): shown, never a probability.
    confidence: str | None = Field(default=None, max_length=20)
    # text_key(title, criteria, background), which the list's search compares; kept current by
    # the listener below on every insert and update, whichever path writes the question.
    search_key: str = Field(default="", sa_type=sa.Text,
                            sa_column_kwargs={"server_default": ""})

    @property
    def closed_at(self) -> datetime:
        """When forecasting stops: the close date, or earlier if a manager closed it early."""
        if self.closed_early_at is not None and self.closed_early_at < self.closes_at:
            return self.closed_early_at
        return self.closes_at


@sa.event.listens_for(Question, "before_insert")
@sa.event.listens_for(Question, "before_update")
def _keep_search_key(_mapper: object, _connection: object, question: Question) -> None:
    # "or ''": a row built from another's model_dump() may carry None until the NOT NULL
    # checks refuse it; the key must not fail first
    question.search_key = text_key(question.title or "", question.resolution_criteria or "",
                                   question.description or "")


class QuestionRevision(SQLModel, table=True):
    """One field's change after forecasting began, so forecasters can see what moved under them."""

    __tablename__ = "question_revision"

    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(foreign_key="question.id", index=True, ondelete="CASCADE")
    editor_id: int = Field(foreign_key="user.id")
    changed_at: datetime = utc_timestamp()
    field_name: str = Field(max_length=40)
    old_value: str = Field(max_length=bounds.REVISION_VALUE.max_length)
    new_value: str = Field(max_length=bounds.REVISION_VALUE.max_length)


class Forecast(SQLModel, table=True):
    """A probability for YES. Append-only: an update is a new row."""

    __table_args__ = (
        sa.CheckConstraint("probability > 0 AND probability < 1", name="probability_open_unit"),
        sa.Index(
            "ix_forecast_question_forecaster_time", "question_id", "forecaster_id", "created_at"
        ),
        sa.Index("ix_forecast_forecaster_time", "forecaster_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(foreign_key="question.id", ondelete="CASCADE")
    forecaster_id: int = Field(foreign_key="user.id")
    probability: float
    rationale: str = Field(default="", max_length=bounds.RATIONALE.max_length)
    created_at: datetime = utc_timestamp()


MAX_COMMENT_LENGTH = bounds.COMMENT.max_length


class CommentKind(StrEnum):
    comment = "comment"
    rationale = "rationale"  # a forecast's rationale shared with the thread (text stays there)
    request = "request"  # a forecaster asks the managers to clarify the question
    clarification = "clarification"  # a manager's pinned ruling on what the question means


class Comment(SQLModel, table=True):
    """One post in a question's discussion. Kept for good: clarifications are its history."""

    __table_args__ = (
        sa.CheckConstraint(f"length(body) <= {MAX_COMMENT_LENGTH}", name="comment_body_length"),
    )

    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(foreign_key="question.id", index=True, ondelete="CASCADE")
    author_id: int = Field(foreign_key="user.id")
    kind: CommentKind = Field(sa_type=text_enum(CommentKind))
    body: str = Field(default="", sa_type=sa.Text)  # empty for a shared rationale
    # A shared rationale points at its forecast; each forecast is shared at most once.
    forecast_id: int | None = Field(
        default=None, foreign_key="forecast.id", unique=True, ondelete="CASCADE"
    )
    created_at: datetime = utc_timestamp()
    # Clarifications only: when every forecaster's email was handed to the mailer.
    mailed_at: datetime | None = utc_timestamp(nullable=True)
