"""The API's shapes: pydantic models that validate requests, shape responses and make the
OpenAPI document (through spectree), so the document cannot drift from the code.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from forecasts.exports.standings import DEPRECATED_POLICY_NAMES
from forecasts.models import Outcome, Role
from forecasts.questions.catalog import MAX_TAGS, Status

# No NUL or other control characters (PostgreSQL cannot store NUL; the rest hide text);
# newlines and tabs are fine in long text.
_LINE = r"^[^\x00-\x1f\x7f]*$"
_TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
EARLIEST, LATEST = datetime(1970, 1, 1, tzinfo=UTC), datetime(2200, 1, 1, tzinfo=UTC)


def one_line(max_length: int, min_length: int = 0) -> StringConstraints:
    """One line of text, at most ``max_length`` characters (``Annotated[str, one_line(n)]``)."""
    return StringConstraints(min_length=min_length, max_length=max_length, pattern=_LINE)


def free_text(max_length: int, min_length: int = 0) -> StringConstraints:
    """Free text (newlines allowed), at most ``max_length`` characters."""
    return StringConstraints(min_length=min_length, max_length=max_length, pattern=_TEXT)


def _in_range(moment: datetime) -> datetime:
    if not EARLIEST <= moment < LATEST:
        raise ValueError("must be between 1970 and 2200")
    return moment.astimezone(UTC)


Moment = Annotated[AwareDatetime, AfterValidator(_in_range)]
Id = Annotated[int, Field(ge=1, le=2**31 - 1)]


class Strict(BaseModel):
    """Unknown fields are refused, so a typo is an error rather than silently ignored."""

    model_config = ConfigDict(extra="forbid")


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[FieldError] | None = None


class FieldError(BaseModel):
    field: str
    message: str


Problem.model_rebuild()


# ------------------------------------------------------------------ me


class Me(BaseModel):
    id: int
    username: str
    display_name: str
    role: Role
    team: str | None
    token_name: str
    token_can_write: bool


# ------------------------------------------------------------------ questions


class QuestionQuery(Strict):
    status: Literal["draft", "upcoming", "open", "closed", "resolved", "all"] = "all"
    tag: Annotated[str, one_line(60)] | None = None
    q: Annotated[str, one_line(200)] | None = Field(
        default=None, description="Words (all of them, any case) in the title, resolution "
                                 "criteria or background")
    cursor: Annotated[str, one_line(200)] | None = Field(
        default=None, description="next_cursor of the last page")
    limit: int = Field(default=50, ge=1, le=200)


class QuestionIn(Strict):
    title: Annotated[str, one_line(300, 1)]
    description: Annotated[str, free_text(20_000)] = ""
    resolution_criteria: Annotated[str, free_text(10_000, 1)]
    opens_at: Moment
    closes_at: Moment
    resolve_by: Moment
    source_name: Annotated[str, one_line(200)] = ""
    source_url: Annotated[str, one_line(1000)] = ""
    source_quote: Annotated[str, free_text(10_000)] = ""
    tags: list[Annotated[str, one_line(60)]] = Field(default_factory=list, max_length=MAX_TAGS)


class QuestionPatch(Strict):
    """Only the fields to change."""

    title: Annotated[str, one_line(300, 1)] | None = None
    description: Annotated[str, free_text(20_000)] | None = None
    resolution_criteria: Annotated[str, free_text(10_000, 1)] | None = None
    opens_at: Moment | None = None
    closes_at: Moment | None = None
    resolve_by: Moment | None = None
    source_name: Annotated[str, one_line(200)] | None = None
    source_url: Annotated[str, one_line(1000)] | None = None
    source_quote: Annotated[str, free_text(10_000)] | None = None
    tags: list[Annotated[str, one_line(60)]] | None = Field(default=None, max_length=MAX_TAGS)


class CloseIn(Strict):
    note: Annotated[str, free_text(2_000)] = ""


class ResolveIn(Strict):
    outcome: Outcome
    note: Annotated[str, free_text(2_000)] = ""


class TrailEntry(BaseModel):
    at: datetime
    action: str
    actor: str
    from_outcome: Outcome | None
    to_outcome: Outcome | None
    note: str


class QuestionOut(BaseModel):
    id: int
    title: str
    description: str
    resolution_criteria: str
    opens_at: datetime
    closes_at: datetime
    resolve_by: datetime
    source_name: str
    source_url: str
    source_quote: str
    cited_source: str | None = Field(
        default=None, description="For a question from a briefing: the source its quote draws "
        "from ('Source:' line); the quote is source_name's own words")
    tags: list[str]
    status: Status
    published_at: datetime | None
    closed_at: datetime
    outcome: Outcome | None
    resolved_at: datetime | None
    forecasters: int = Field(description="How many people have forecast")
    my_last_forecast_at: datetime | None


class QuestionDetail(QuestionOut):
    trail: list[TrailEntry]


class QuestionPage(BaseModel):
    items: list[QuestionOut]
    next_cursor: str | None = Field(description="Pass as cursor for the next page; null at the end")


# ------------------------------------------------------------------ forecasts


class ForecastIn(Strict):
    probability: float = Field(ge=0.01, le=0.99, description="P(YES), 0.01 to 0.99")
    rationale: Annotated[str, free_text(10_000)] = ""


class ForecastOut(BaseModel):
    id: int
    question_id: int
    forecaster: str
    probability: float
    rationale: str | None = Field(description="Null where the viewer may not read it")
    created_at: datetime


class ForecastQuery(Strict):
    question_id: Id | None = None
    cursor: Annotated[str, one_line(200)] | None = None
    limit: int = Field(default=100, ge=1, le=500)


class ForecastPage(BaseModel):
    items: list[ForecastOut]
    next_cursor: str | None


class PageQuery(Strict):
    cursor: Annotated[str, one_line(200)] | None = None
    limit: int = Field(default=500, ge=1, le=5_000)


class QuestionForecasts(BaseModel):
    crowd_median: float | None
    forecasters: int
    items: list[ForecastOut]
    next_cursor: str | None


# ------------------------------------------------------------------ scores


class LeaderboardQuery(Strict):
    by: Literal["forecaster", "team", "tag"] = "forecaster"
    policy: Annotated[
        Literal["active", "crowd", "uninformed", "ignorance"],
        AfterValidator(lambda name: DEPRECATED_POLICY_NAMES.get(name, name)),
        Field(description="How time before a forecaster's first forecast counts: `active` (not "
                          "scored; coverage shown), `crowd` (scored as the crowd median) or "
                          "`uninformed` (scored as a 50 % forecast). `ignorance` is a deprecated "
                          "alias of `uninformed`, still accepted."),
    ] = "active"
    scale: Literal["one", "two"] = "one"
    min: int = Field(default=1, ge=1, le=10_000)
    tag: Annotated[str, one_line(60)] | None = None
    team: Annotated[str, one_line(80)] | None = None
    from_: date | None = Field(default=None, alias="from", ge=date(1970, 1, 1),
                               le=date(2199, 12, 31))
    to: date | None = Field(default=None, ge=date(1970, 1, 1), le=date(2199, 12, 31))


class Standing(BaseModel):
    """One row of the leaderboard; the columns are those of the page."""

    model_config = ConfigDict(extra="allow")

    name: str
    aggregate: str = Field("", description="The crowd aggregate the row stands for (median, "
                                           "mean, ...); empty for a person, team or tag.")
    questions: int
    brier: float | None
    relative_brier: float | None


class Leaderboard(BaseModel):
    by: str
    rows: list[Standing]


class RecordEntry(BaseModel):
    question_id: int
    title: str
    outcome: Outcome | None
    final_probability: float | None
    brier: float | None


class TrackRecordOut(BaseModel):
    forecaster: str
    mean_brier: float | None
    scored: int
    resolved: list[RecordEntry]


class CalibrationQuery(Strict):
    of: Literal["forecaster", "crowd"] = "forecaster"
    id: Id | None = Field(default=None, description="The forecaster (default: you)")
    bins: int = Field(default=10, ge=2, le=20)
    strategy: Literal["uniform", "quantile"] = "uniform"


class CalibrationBin(BaseModel):
    model_config = ConfigDict(extra="allow")


class CalibrationOut(BaseModel):
    n: int
    questions: int
    brier: float | None
    log_score: float | None
    bins: list[CalibrationBin]


# ------------------------------------------------------------------ briefings


class BriefingIn(Strict):
    text: Annotated[str, free_text(2_000_000, 1)]
    published: date = Field(ge=date(1970, 1, 1), le=date(2199, 12, 31))
    yardstick: Annotated[str, one_line(16)] = "icd203"
    publication: Annotated[str, one_line(200)] = ""


class DraftOut(BaseModel):
    id: int
    state: str
    quote: str
    term: str | None
    probability: float | None
    title: str
    resolution_criteria: str
    closes_at: datetime
    tags: list[str]
    conditional: bool


class BriefingOut(BaseModel):
    id: int
    title: str
    publication: str
    published: date
    yardstick: str
    drafts: list[DraftOut]


class Published(BaseModel):
    question_ids: list[int]
