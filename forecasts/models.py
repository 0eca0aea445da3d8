"""The tables. Domain rules live in the concept modules (questions, forecasting, resolution ...)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from forecasts import bounds
from forecasts.db import UTCDateTime, text_enum


def _when(*, nullable: bool = False, index: bool = False) -> object:
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable, index=index)


class Role(StrEnum):
    forecaster = "forecaster"
    manager = "manager"
    admin = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)


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


class UserKind(StrEnum):
    """A person signs in; a publication only carries a briefing's stated forecasts."""

    person = "person"
    publication = "publication"
    system = "system"  # the Scheduler: credited with automatic actions, never signs in


class Team(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=bounds.TEAM_NAME.max_length, unique=True)
    key: str = Field(max_length=255, unique=True, index=True)  # forecasts.names.name_key(name)
    created_at: datetime = _when()  # type: ignore[assignment]


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=bounds.USERNAME.max_length, unique=True, index=True)
    display_name: str = Field(max_length=bounds.DISPLAY_NAME.max_length)
    email: str | None = Field(default=None, max_length=bounds.EMAIL.max_length)
    password_hash: str = Field(max_length=255)
    role: Role = Field(default=Role.forecaster, sa_type=text_enum(Role))
    team_id: int | None = Field(default=None, foreign_key="team.id", ondelete="SET NULL")
    active: bool = True
    kind: UserKind = Field(  # publications carry briefings' stated forecasts
        default=UserKind.person, sa_type=text_enum(UserKind),
        sa_column_kwargs={"server_default": UserKind.person.value},
    )
    created_at: datetime = _when()  # type: ignore[assignment]
    # Part of every session's id: raising it ends all of this user's sessions (sign-out,
    # password change, deactivation).
    session_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # Set by an admin's temporary password: the user must choose their own before anything else.
    must_change_password: bool = Field(default=False,
                                       sa_column_kwargs={"server_default": sa.false()})

    # Flask-Login reads these four names; defining them here keeps Flask out of the domain.
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        """The session's user id: "<id>:<session version>", so a raised version ends it."""
        return f"{self.id}:{self.session_version}"

    def has_role(self, role: Role) -> bool:
        """Roles are ordered: admins may do what managers may, managers what forecasters may."""
        return self.role.rank >= role.rank

    @property
    def is_manager(self) -> bool:
        return self.has_role(Role.manager)

    @property
    def is_admin(self) -> bool:
        return self.has_role(Role.admin)


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
    created_at: datetime = _when()  # type: ignore[assignment]
    published_at: datetime | None = _when(nullable=True)  # type: ignore[assignment]
    closed_early_at: datetime | None = _when(nullable=True)  # type: ignore[assignment]
    outcome: Outcome | None = Field(default=None, sa_type=text_enum(Outcome), nullable=True)
    resolved_at: datetime | None = _when(nullable=True)  # type: ignore[assignment]
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
    # ICD 203's analytic confidence (low, moderate, high): shown, never a probability.
    confidence: str | None = Field(default=None, max_length=20)

    @property
    def closed_at(self) -> datetime:
        """When forecasting stops: the close date, or earlier if a manager closed it early."""
        if self.closed_early_at is not None and self.closed_early_at < self.closes_at:
            return self.closed_early_at
        return self.closes_at


class QuestionRevision(SQLModel, table=True):
    """One field's change after forecasting began, so forecasters can see what moved under them."""

    __tablename__ = "question_revision"

    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(foreign_key="question.id", index=True, ondelete="CASCADE")
    editor_id: int = Field(foreign_key="user.id")
    changed_at: datetime = _when()  # type: ignore[assignment]
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
    created_at: datetime = _when()  # type: ignore[assignment]


class ResolutionEvent(SQLModel, table=True):
    """The audit trail of a question's closing and resolution: who, when, from, to, why."""

    __tablename__ = "resolution_event"

    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(foreign_key="question.id", index=True, ondelete="CASCADE")
    actor_id: int = Field(foreign_key="user.id")
    at: datetime = _when()  # type: ignore[assignment]
    action: Action = Field(sa_type=text_enum(Action))
    from_outcome: Outcome | None = Field(default=None, sa_type=text_enum(Outcome), nullable=True)
    to_outcome: Outcome | None = Field(default=None, sa_type=text_enum(Outcome), nullable=True)
    note: str = Field(default="", max_length=bounds.TRAIL_NOTE.max_length)


# --- Briefing import: the domain rules are in the forecasts/briefings/ package ---


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
    imported_at: datetime = _when()  # type: ignore[assignment]
    # Whose words these are; ``publication`` and ``author`` keep the names as shown on import.
    publication_id: int | None = Field(default=None, foreign_key="publication.id", index=True)
    author_id: int | None = Field(default=None, foreign_key="publication_author.id")
    # The parser's one sentence numbering, as JSON [{index, block, paragraph, text}]: drafts
    # and the review page's highlights both point into it.
    sentences: str | None = Field(default=None, sa_type=sa.Text)


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


# --- Publications: whose judgments a briefing states (rules in forecasts/briefings/publications.py)


class Publication(SQLModel, table=True):
    """A newsletter or report series; its stated forecasts are made by ``forecaster``."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    forecaster_id: int = Field(foreign_key="user.id", unique=True)
    created_at: datetime = _when()  # type: ignore[assignment]


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


# --- Discussion: the domain rules are in forecasts/discussion.py ---

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
    created_at: datetime = _when()  # type: ignore[assignment]
    # Clarifications only: when every forecaster's email was handed to the mailer.
    mailed_at: datetime | None = _when(nullable=True)  # type: ignore[assignment]


# --- The per-question score store: the rules are in forecasts/scoring/ (docs/scoring.md) ---


class QuestionScore(SQLModel, table=True):
    """One subject's scores on one resolved question, written in the resolution's transaction.

    A subject is a forecaster (their user id) or a crowd aggregate (a negative id, so no foreign
    key). `kind` and `option` leave room for multiple-choice questions (a row per option) and
    numeric ones as new rows: a yes/no question's rows are kind "binary", option "".
    """

    __tablename__ = "question_score"
    __table_args__ = (
        sa.UniqueConstraint("question_id", "kind", "option", "subject_id",
                            name="one_score_per_subject"),
        sa.Index("ix_question_score_subject", "subject_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(foreign_key="question.id", index=True, ondelete="CASCADE")
    kind: str = Field(default="binary", max_length=16)
    option: str = Field(default="", max_length=200)
    subject_id: int
    in_crowd: bool  # False for publications' stated forecasts and for crowd aggregates
    peers: int  # other crowd members scored on the question; a relative score needs one
    resolved_at: datetime = Field(sa_type=UTCDateTime)
    outcome: float
    probability: float  # the final forecast before the question's end
    decile: int  # its equal-width tenth of [0, 1] (0–9, sklearn's edge rule): Murphy's bins
    forecasts: int  # forecasts that held for some time
    coverage: float
    log_score: float
    brier_active: float
    brier_crowd: float
    brier_ignorance: float
    crowd_brier_active: float
    crowd_brier_crowd: float
    crowd_brier_ignorance: float
    # the subject's last forecast in each horizon window before the end (None: none made there);
    # calibration by horizon reads these (forecasts/scoring/horizons.py)
    final_short: float | None = None
    final_medium: float | None = None
    final_long: float | None = None


class ScoreCell(SQLModel, table=True):
    """Sums of one subject's stored scores in one Murphy bin (decile of the final forecast).

    Kept in step with question_score in the same transaction (forecasts/scoring/summary.py), so
    the unfiltered leaderboard sums about 10 rows per subject instead of one per question.
    """

    __tablename__ = "score_cell"

    kind: str = Field(default="binary", max_length=16, primary_key=True)
    subject_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    decile: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    scores: int  # question_score rows summed here (one per question)
    probability: float
    outcome: float
    forecasts: int
    coverage: float
    peered: int  # rows with at least one peer: the relative sums' count
    brier_active: float
    brier_crowd: float
    brier_ignorance: float
    relative_active: float
    relative_crowd: float
    relative_ignorance: float


class HorizonCell(SQLModel, table=True):
    """How many final forecasts per horizon were (probability, outcome): a calibration sample."""

    __tablename__ = "horizon_cell"

    horizon: str = Field(max_length=16, primary_key=True)
    probability: float = Field(primary_key=True)
    outcome: float = Field(primary_key=True)
    forecasts: int


class HorizonSample(SQLModel, table=True):
    """How many questions have at least one final forecast in a horizon."""

    __tablename__ = "horizon_sample"

    horizon: str = Field(max_length=16, primary_key=True)
    questions: int


# --- Personal API tokens: the domain rules are in forecasts/tokens.py ---


class ApiToken(SQLModel, table=True):
    """A named bearer token for the JSON API; only its SHA-256 is kept, never the token."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=80)
    # SHA-256 hex of the whole token: the token has 256 random bits, so no salt or slow hash
    # is needed (unlike a password, it cannot be guessed from a dictionary).
    token_hash: str = Field(max_length=64, unique=True, index=True)
    prefix: str = Field(max_length=16)  # the token's first characters, to tell tokens apart
    can_write: bool = False
    created_at: datetime = _when()  # type: ignore[assignment]
    last_used_at: datetime | None = _when(nullable=True)  # type: ignore[assignment]
    revoked_at: datetime | None = _when(nullable=True)  # type: ignore[assignment]


# --- Outgoing webhooks: the domain rules are in forecasts/webhooks.py ---


class Webhook(SQLModel, table=True):
    """A receiver a manager registered: where to POST, which events, how to sign and shape them.

    ``secret`` is kept in clear because every delivery is signed with it (HMAC needs the key);
    the pages never show it again after creation. ``events`` is a space-separated list of
    event names; ``style`` is "json" (signed), "slack" or "teams" (incoming-webhook text).
    """

    __tablename__ = "webhook"

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(max_length=bounds.URL.max_length)
    events: str = Field(max_length=200)
    style: str = Field(default="json", max_length=16)
    secret: str = Field(max_length=bounds.WEBHOOK_SECRET.max_length)
    created_by_id: int = Field(foreign_key="user.id")
    created_at: datetime = _when()  # type: ignore[assignment]
    removed_at: datetime | None = _when(nullable=True)  # type: ignore[assignment]


class WebhookDelivery(SQLModel, table=True):
    """One event for one webhook: written in the event's transaction, sent by the scheduler.

    ``event_key`` names the event instance (e.g. "question.resolved:12:40" for trail entry 40),
    so the same event is never queued twice for a webhook.
    """

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        sa.UniqueConstraint("webhook_id", "event_key", name="one_delivery_per_event"),
        sa.Index("ix_webhook_delivery_due", "delivered_at", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    webhook_id: int = Field(foreign_key="webhook.id", index=True, ondelete="CASCADE")
    event: str = Field(max_length=40)
    event_key: str = Field(max_length=200)
    payload: str = Field(sa_type=sa.Text)  # the JSON event, as queued
    created_at: datetime = _when()  # type: ignore[assignment]
    attempts: int = 0
    next_attempt_at: datetime | None = _when(nullable=True)  # type: ignore[assignment]
    delivered_at: datetime | None = _when(nullable=True)  # type: ignore[assignment]
    failed_at: datetime | None = _when(nullable=True)  # type: ignore[assignment]
    last_status: int | None = None
    last_error: str = Field(default="", max_length=bounds.DELIVERY_ERROR.max_length)
