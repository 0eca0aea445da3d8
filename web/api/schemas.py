"""The API's shapes: pydantic models that validate requests, shape responses and make the
OpenAPI document (through spectree), so the document cannot drift from the code.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from forecasts import bounds
from forecasts.exports.standings import DEPRECATED_POLICY_NAMES
from forecasts.models import Outcome, Role
from forecasts.questions.catalog import MAX_TAGS, Status
from forecasts.questions.forecasting import MAX_PERCENT, MIN_PERCENT
from web.api.fields import Day, Id, Moment, Whole, Within

# Every length, number and date range below is read from forecasts.bounds (through the types
# in web.api.fields), so the document, this validation, the pages and the README agree.
CURSOR = bounds.TextLimit(200)  # an opaque next_cursor this API wrote: far shorter than this
Required = StringConstraints(min_length=1)  # what a form marks as required


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
    tag: Annotated[str, Within(bounds.TAG)] | None = None
    q: Annotated[str, Within(bounds.QUERY_TEXT)] | None = Field(
        default=None, description="Words (all of them, any case) in the title, resolution "
                                 "criteria or background")
    cursor: Annotated[str, Within(CURSOR)] | None = Field(
        default=None, description="next_cursor of the last page")
    limit: Annotated[int, Whole(1, 200)] = 50


class QuestionIn(Strict):
    title: Annotated[str, Required, Within(bounds.TITLE)]
    description: Annotated[str, Within(bounds.DESCRIPTION)] = ""
    resolution_criteria: Annotated[str, Required, Within(bounds.CRITERIA)]
    opens_at: Moment
    closes_at: Moment
    resolve_by: Moment
    source_name: Annotated[str, Within(bounds.SOURCE_NAME)] = ""
    source_url: Annotated[str, Within(bounds.URL)] = ""
    source_quote: Annotated[str, Within(bounds.QUOTE)] = ""
    tags: list[Annotated[str, Within(bounds.TAG)]] = Field(default_factory=list,
                                                           max_length=MAX_TAGS)


class QuestionPatch(Strict):
    """Only the fields to change."""

    title: Annotated[str, Required, Within(bounds.TITLE)] | None = None
    description: Annotated[str, Within(bounds.DESCRIPTION)] | None = None
    resolution_criteria: Annotated[str, Required, Within(bounds.CRITERIA)] | None = None
    opens_at: Moment | None = None
    closes_at: Moment | None = None
    resolve_by: Moment | None = None
    source_name: Annotated[str, Within(bounds.SOURCE_NAME)] | None = None
    source_url: Annotated[str, Within(bounds.URL)] | None = None
    source_quote: Annotated[str, Within(bounds.QUOTE)] | None = None
    tags: list[Annotated[str, Within(bounds.TAG)]] | None = Field(default=None, max_length=MAX_TAGS)


class CloseIn(Strict):
    note: Annotated[str, Within(bounds.NOTE)] = ""


class ResolveIn(Strict):
    outcome: Outcome
    note: Annotated[str, Within(bounds.NOTE)] = ""


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
    # strict: a JSON number, not "0.3" or true (the domain's percent range, as a fraction)
    probability: float = Field(strict=True, ge=float(MIN_PERCENT / 100),
                               le=float(MAX_PERCENT / 100),
                               description=f"P(YES), {MIN_PERCENT / 100} to {MAX_PERCENT / 100}")
    rationale: Annotated[str, Within(bounds.RATIONALE)] = ""


class ForecastOut(BaseModel):
    id: int
    question_id: int
    forecaster: str
    probability: float
    rationale: str | None = Field(description="Null where the viewer may not read it")
    created_at: datetime


class ForecastQuery(Strict):
    question_id: Id | None = None
    cursor: Annotated[str, Within(CURSOR)] | None = None
    limit: Annotated[int, Whole(1, 500)] = 100


class ForecastPage(BaseModel):
    items: list[ForecastOut]
    next_cursor: str | None


class PageQuery(Strict):
    cursor: Annotated[str, Within(CURSOR)] | None = None
    limit: Annotated[int, Whole(1, 5_000)] = 500


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
    min: Annotated[int, Whole(1, bounds.MIN_QUESTIONS_MAX)] = 1
    tag: Annotated[str, Within(bounds.TAG)] | None = None
    team: Annotated[str, Within(bounds.TEAM_NAME)] | None = None
    from_: Day | None = Field(default=None, alias="from")
    to: Day | None = None


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
    bins: Annotated[int, Whole(*bounds.CALIBRATION_BINS)] = 10
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
    text: Annotated[str, Required, Within(bounds.BRIEFING_TEXT)]
    published: Day
    yardstick: Annotated[str, Within(bounds.TERM)] = "icd203"
    publication: Annotated[str, Within(bounds.PUBLICATION)] = ""


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
