"""Everything one question's page shows to one viewer at one moment, gathered in one place.

The page draws the question's terms, the viewer's forecasts, the crowd (once the viewer may see
it, so it cannot anchor them), the crowd over time, the scores once resolved, the briefing the
question came from and its conditions, the discussion, the resolution trail and edits, and for
managers the automatic resolution and questions like a draft. ``question_page`` reads it all;
the web layer only adds forms and draws it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from forecasts import briefings, resolution
from forecasts.messages import source_failures
from forecasts.models import (
    Forecast,
    Proposal,
    Question,
    QuestionRevision,
    ResolutionEvent,
    ResolutionSource,
    Role,
    SourceCheck,
    User,
)
from forecasts.questions import catalog, discussion, duplicates, forecasting
from forecasts.questions.catalog import Status
from forecasts.questions.crowd_chart import ChartOptions, CrowdChart, crowd_chart
from forecasts.questions.forecasting import CrowdView
from forecasts.resolution import checks, proposals, sources
from forecasts.scoring.book import forecaster_names, is_crowd
from forecasts.scoring.history import CrowdHistories
from forecasts.scoring.reader import ScoreCache


@dataclass(frozen=True)
class Automation:
    """A question's automatic resolution, for managers: its source (None when none is set),
    the source's latest checks (newest first), the latest proposal, and the source's failed
    checks in a row as one sentence ("" while it is healthy)."""

    source: ResolutionSource | None
    checks: list[SourceCheck]
    proposal: Proposal | None
    failures: str


@dataclass(frozen=True)
class ScoreRow:
    """One subject's scores on a resolved question: a forecaster or a crowd aggregate.

    ``brier`` is the time-weighted Brier (0–1), ``relative_brier`` that minus the crowd
    median's (NaN without a peer), ``coverage`` the share of the question's time scored.
    """

    subject_id: int  # a user's id, or a crowd aggregate's (scoring.book.CROWD_IDS)
    name: str
    brier: float
    relative_brier: float
    coverage: float


@dataclass(frozen=True)
class QuestionPage:
    """What the question page shows to one viewer at one moment.

    ``mine`` is the viewer's forecasts, newest first. ``crowd`` is None while the viewer may not
    see the crowd (``sees_crowd``). ``scores`` holds a resolved question's scores, best Brier
    first: everyone's for a manager, else the viewer's and the crowd aggregates'. The origin's
    ``dependants`` (questions conditional on this one) are those the viewer may open.
    ``automation`` and ``similar`` (a draft's look-alikes) are for managers only: None and []
    for anyone else.
    """

    question: Question
    status: Status
    tags: list[str]
    is_manager: bool
    mine: list[Forecast]
    sees_crowd: bool
    crowd: CrowdView | None
    chart: CrowdChart
    scores: list[ScoreRow]
    origin: briefings.QuestionOrigin
    discussion: discussion.Thread
    trail: list[ResolutionEvent]
    revisions: list[QuestionRevision]
    people: dict[int, User]
    reopenable: bool
    automation: Automation | None
    similar: list[duplicates.Similar]


def question_page(session: Session, question_id: int, viewer: User, now: datetime,
                  options: ChartOptions, *, scores: ScoreCache,
                  histories: CrowdHistories) -> QuestionPage:
    """The page of question ``question_id`` as ``viewer`` sees it at ``now``.

    ``options`` are the chart's (already checked); ``scores`` and ``histories`` are the process's
    score store reader and crowd histories. Raises NotFound when the question does not exist or
    is a draft and the viewer no manager. Reads only; flushes nothing.
    """
    question = catalog.visible_question(session, question_id, viewer)
    is_manager = viewer.has_role(Role.manager)
    sees_crowd = forecasting.may_see_crowd(session, question, viewer, now)
    mine = forecasting.history(session, question, viewer)
    # the crowd's history and its value now, from one look at the forecasts kept per process
    history, median, forecasters = (
        histories.current(session.connection(), question.id, now) if sees_crowd  # type: ignore[arg-type]
        else (None, None, 0))
    return QuestionPage(
        question=question,
        status=catalog.status(question, now),
        tags=catalog.tag_names(session, question),
        is_manager=is_manager,
        mine=mine,
        sees_crowd=sees_crowd,
        crowd=CrowdView(median=median, forecasters=forecasters) if sees_crowd else None,
        chart=crowd_chart(session, question, mine, show_crowd=sees_crowd, now=now,
                          options=options, histories=histories, history=history),
        scores=question_scores(session, question, viewer, scores),
        origin=_origin(session, question, is_manager),
        discussion=discussion.thread(session, question, viewer, now),
        trail=resolution.trail(session, question),
        revisions=catalog.revisions(session, question),
        people=catalog.people_involved(session, question),
        reopenable=catalog.reopenable(question, now),
        automation=automation(session, question) if is_manager else None,
        similar=duplicates.similar_to(session, question.title, exclude=[question_id])
        if is_manager and question.published_at is None else [],
    )


def question_scores(session: Session, question: Question, viewer: User,
                    scores: ScoreCache) -> list[ScoreRow]:
    """Scores on a resolved question, best Brier first: everyone's for a manager, the
    viewer's own and the crowd aggregates' for anyone else; [] while unresolved."""
    if question.outcome is None:
        return []
    table = scores.book(session).for_question(question.id)  # type: ignore[arg-type]
    if not viewer.has_role(Role.manager):
        table = table.loc[(table["forecaster_id"] == viewer.id) | is_crowd(table["forecaster_id"])]
    names = forecaster_names(session, table["forecaster_id"])
    return [ScoreRow(subject_id=int(row.forecaster_id), name=names.get(int(row.forecaster_id), "?"),
                     brier=float(row.brier), relative_brier=float(row.relative_brier),
                     coverage=float(row.coverage))
            for row in table.sort_values("brier", kind="stable").itertuples(index=False)]


def automation(session: Session, question: Question) -> Automation:
    """The question's automatic resolution: source, latest checks, proposal, failures."""
    source = sources.source_of(session, question.id)  # type: ignore[arg-type]
    return Automation(
        source=source,
        checks=checks.recent_checks(session, source.id) if source else [],  # type: ignore[arg-type]
        proposal=proposals.proposal_for(session, question.id),  # type: ignore[arg-type]
        failures=source_failures(source.failures, source.last_status, source.last_error)
        if source and source.failures else "",
    )


def _origin(session: Session, question: Question, is_manager: bool) -> briefings.QuestionOrigin:
    """The briefing and condition; dependants that are drafts only for managers."""
    origin = briefings.question_origin(session, question)
    visible = [q for q in origin.dependants if q.published_at is not None or is_manager]
    return briefings.QuestionOrigin(origin.briefing, origin.draft, origin.condition, visible)
