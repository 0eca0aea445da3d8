"""Publications, their imported briefings and the draft questions read from them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from forecasts import bounds
from forecasts.db import UTCDateTime, text_enum, utc_timestamp


class DraftState(StrEnum):
    pending = "pending"
    accepted = "accepted"
    rejected = "rejected"
    published = "published"


class Briefing(SQLModel, table=True):
    """An imported briefing as read: its text, date and yardstick, and who imported it."""

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(default="", max_length=bounds.TITLE.max_length)
    publication: str = Field(max_length=bounds.PUBLICATION.max_length)
    author: str = Field(default="", max_length=bounds.AUTHOR.max_length)
    published: date = Field(sa_type=sa.Date)
    yardstick: str = Field(max_length=16)
    text: str = Field(max_length=bounds.BRIEFING_TEXT.max_length)
    imported_by_id: int | None = Field(default=None, foreign_key="user.id")  # None: the CLI
    imported_at: datetime = utc_timestamp()
    # Whose words these are; ``publication`` and ``author`` keep the names as shown on import.
    publication_id: int | None = Field(default=None, foreign_key="publication.id", index=True)
    author_id: int | None = Field(default=None, foreign_key="publication_author.id")
    # The parser's one sentence numbering (parsed.layout_record: {"blocks": [...], "sentences":
    # [{index, block, paragraph, text}]}): drafts and the review page's highlights both point into
    # it. NULL for a briefing imported before it was kept.
    sentences: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON(none_as_null=True))


class BriefingDraft(SQLModel, table=True):
    """A question drafted from one sentence of a briefing, reviewed by a manager."""

    __tablename__ = "briefing_draft"

    id: int | None = Field(default=None, primary_key=True)
    briefing_id: int = Field(foreign_key="briefing.id", index=True, ondelete="CASCADE")
    state: DraftState = Field(default=DraftState.pending, sa_type=text_enum(DraftState))
    # Where it came from: the link back from the published question.
    block: int
    source: str | None = Field(default=None, max_length=bounds.SOURCE_NAME.max_length)  # cited
    source_date: date | None = Field(default=None, sa_type=sa.Date, nullable=True)
    sentence_index: int
    quote: str = Field(max_length=bounds.QUOTE.max_length)
    promoted: bool = False  # a context sentence a manager turned into a draft by hand
    # What the briefing said, kept so each term's record per publication can be computed.
    term: str | None = Field(default=None, max_length=bounds.TERM.max_length)
    band: str | None = Field(default=None, max_length=bounds.TERM.max_length)
    low: float | None = None
    high: float | None = None
    yardstick: str = Field(max_length=16)
    negated: bool = False
    # The question as the manager will publish it.
    title: str = Field(default="", max_length=bounds.TITLE.max_length)
    resolution_criteria: str = Field(default="", max_length=bounds.CRITERIA.max_length)
    closes_at: datetime = Field(sa_type=UTCDateTime)
    resolve_by: datetime = Field(sa_type=UTCDateTime)
    probability: float | None = None
    tags: str = Field(default="", max_length=bounds.TAGS.max_length)  # comma-separated
    conditional: bool = False
    condition: str | None = Field(default=None, max_length=bounds.CONDITION.max_length)
    condition_negated: bool = False
    condition_draft_id: int | None = Field(
        default=None, foreign_key="briefing_draft.id", ondelete="SET NULL"
    )
    is_condition: bool = False
    confidence: str | None = Field(default=None, max_length=20)  # analytic confidence, if stated
    # The horizon named no date the parser could compute: a manager must set the close date.
    date_needed: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    horizon: str | None = Field(default=None, max_length=120)  # the horizon phrase as written
    # Criteria follow the title and dates until a manager writes them by hand.
    criteria_edited: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})


class Publication(SQLModel, table=True):
    """A newsletter or report series; its stated forecasts are made by ``forecaster``."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    forecaster_id: int = Field(foreign_key="user.id", unique=True)
    created_at: datetime = utc_timestamp()


class PublicationAlias(SQLModel, table=True):
    """Another name the same publication goes by (a masthead, a footer's wording)."""

    __tablename__ = "publication_alias"

    id: int | None = Field(default=None, primary_key=True)
    publication_id: int = Field(foreign_key="publication.id", index=True, ondelete="CASCADE")
    alias: str = Field(max_length=200, unique=True)


class PublicationAuthor(SQLModel, table=True):
    """An author seen in a publication's bylines."""

    __tablename__ = "publication_author"
    __table_args__ = (sa.UniqueConstraint("publication_id", "name",
                                          name="uq_publication_author_name"),)

    id: int | None = Field(default=None, primary_key=True)
    publication_id: int = Field(foreign_key="publication.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=200)
