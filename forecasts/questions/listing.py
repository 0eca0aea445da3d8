"""The question list for one viewer: filtered, searched, sorted and paginated in SQL.

One function, ``list_questions``, serves the page and the API. The database does the filtering
(status at ``now``, tag, words), the ordering and the LIMIT/OFFSET (or a keyset after a close
date and id, for the API's cursors); only the page's rows are then enriched with the viewer's
own forecast, the crowd (shown by the same rule as the question page) and the viewer's stored
score on a resolved question.

**Needs my update** (the ``update`` sort, and ``QuestionRow.needs_update``): on an open
question, you have not forecast yet, or your latest forecast is older than ``stale_after``
(14 days by default, the ``STALE_AFTER_DAYS`` setting), or the question changed after it (a
manager edited it, or posted a clarification). Questions that need you come first (never
forecast before stale or changed), then the rest, each group by close date.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, false, or_, true, type_coerce
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func, select

from forecasts.db import UTCDateTime
from forecasts.errors import ValidationFailed
from forecasts.models import (
    Comment,
    CommentKind,
    Forecast,
    Question,
    QuestionRevision,
    QuestionScore,
    QuestionTag,
    Role,
    Tag,
    User,
)
from forecasts.names import name_key
from forecasts.questions.catalog import Status, status, tags_by_question
from forecasts.questions.crowd import crowd_member, latest_first

PAGE_SIZE = 25
MAX_PAGE_SIZE = 200
MAX_WORDS = 10  # words in a search; more are refused (search_words)
STALE_AFTER = timedelta(days=14)


def search_words(text: str) -> tuple[str, ...]:
    """A search's words (split on white space), at most MAX_WORDS of them.

    Raises ValidationFailed (field ``q``) for more: each word is one more LIKE over the
    stored search key, so a long search would cost every page that asks.
    """
    words = tuple(text.split())
    if len(words) > MAX_WORDS:
        raise ValidationFailed({"q": f"q: search with at most {MAX_WORDS} words."})
    return words


class Sort(StrEnum):
    """How the list is ordered; every order ends with the question id, so pages are stable."""

    closes = "closes"  # closing soonest first
    closes_late = "closes-desc"  # closing latest first
    newest = "newest"  # most recently published (drafts: created) first
    forecasters = "forecasters"  # most forecasters first
    needs_update = "update"  # needs my update first (see the module's docstring)


@dataclass(frozen=True)
class ListQuery:
    """What to list. ``words`` must all appear (any case) in the title, criteria or background.

    ``after`` is a keyset (closes_at, id) for ``Sort.closes``: rows strictly after it.
    """

    statuses: frozenset[Status] | None = None
    tag: str | None = None
    words: tuple[str, ...] = ()
    sort: Sort = Sort.closes
    limit: int = PAGE_SIZE
    offset: int = 0
    after: tuple[datetime, int] | None = None


@dataclass(frozen=True)
class QuestionRow:
    """A question as the list shows it to one viewer.

    ``crowd_median`` is None while the crowd is hidden from the viewer (``crowd_visible``) or
    nobody in the crowd has forecast; ``my_brier`` is the viewer's stored time-weighted Brier
    on a resolved question (None when not scored: annulled, unresolved, or never forecast).
    """

    question: Question
    status: Status
    tags: list[str]
    forecasters: int
    my_last_forecast_at: datetime | None
    my_probability: float | None
    needs_forecast: bool
    stale: bool
    changed_since_mine: bool
    crowd_visible: bool
    crowd_median: float | None
    my_brier: float | None

    @property
    def needs_update(self) -> bool:
        """Open, and never forecast, or the forecast is stale or older than a change."""
        return self.needs_forecast or self.stale or self.changed_since_mine


@dataclass(frozen=True)
class QuestionPage:
    """One page of rows, the number of questions matching in all, and where the page starts."""

    rows: list[QuestionRow]
    total: int
    offset: int
    limit: int
    has_more: bool = field(default=False)


def list_questions(
    session: Session,
    *,
    viewer: User,
    now: datetime,
    query: ListQuery | None = None,
    stale_after: timedelta = STALE_AFTER,
) -> QuestionPage:
    """One page of the questions ``viewer`` may see (drafts only for managers), per ``query``.

    Raises ValueError for a limit outside 1–``MAX_PAGE_SIZE`` or a negative offset (callers
    bound their input first; this guards the SQL).
    """
    query = query or ListQuery()
    if not 1 <= query.limit <= MAX_PAGE_SIZE or query.offset < 0:
        raise ValueError("limit must be 1–200 and offset not negative")
    mine = _my_last(viewer)
    conditions = _conditions(viewer, now, query)
    total = session.exec(select(func.count()).select_from(Question).where(*conditions)).one()
    statement = (select(Question).where(*conditions)
                 .order_by(*_order(query.sort, viewer, now, mine, stale_after))
                 .offset(query.offset).limit(query.limit + 1))
    questions = list(session.exec(statement))
    more = len(questions) > query.limit
    rows = _rows(session, questions[:query.limit], viewer, now, stale_after)
    return QuestionPage(rows=rows, total=total, offset=query.offset, limit=query.limit,
                        has_more=more)


# --- Filtering ------------------------------------------------------------------------------


def status_condition(wanted: Status, now: datetime) -> ColumnElement[bool]:
    """``status(question, now) is wanted`` as SQL (the same rule as ``questions.status``)."""
    resolved = col(Question.outcome).is_not(None)
    published = col(Question.published_at).is_not(None)
    early = col(Question.closed_early_at)
    # IS NOT NULL first: NOT (x OR NULL) is NULL, which would drop every never-closed-early row.
    closed = or_(col(Question.closes_at) <= now, and_(early.is_not(None), early <= now))
    started = col(Question.opens_at) <= now
    return {
        Status.resolved: resolved,
        Status.draft: and_(~resolved, ~published),
        Status.closed: and_(~resolved, published, closed),
        Status.upcoming: and_(~resolved, published, ~closed, ~started),
        Status.open: and_(~resolved, published, ~closed, started),
    }[wanted]


def _conditions(viewer: User, now: datetime, query: ListQuery) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if not viewer.has_role(Role.manager):
        conditions.append(col(Question.published_at).is_not(None))
    if query.statuses is not None:
        wanted = [status_condition(s, now) for s in sorted(query.statuses)]
        conditions.append(or_(*wanted) if wanted else false())
    if query.tag:
        conditions.append(col(Question.id).in_(
            select(QuestionTag.question_id).join(Tag, col(Tag.id) == QuestionTag.tag_id)
            .where(Tag.key == name_key(query.tag))))
    for word in query.words:
        conditions.append(_mentions(word))
    if query.after is not None:
        closes_at, question_id = query.after
        conditions.append(or_(col(Question.closes_at) > closes_at,
                              and_(col(Question.closes_at) == closes_at,
                                   col(Question.id) > question_id)))
    return conditions


def _mentions(word: str) -> ColumnElement[bool]:
    # The stored key on one side, the word's key on the other: any case, any script, on both
    # engines (lower() in SQL folds only ASCII); LIKE's wildcards in the word are escaped.
    return col(Question.search_key).contains(name_key(word), autoescape=True)


# --- Ordering -------------------------------------------------------------------------------


def _my_last(viewer: User) -> ColumnElement[datetime]:
    """The viewer's latest forecast time on the outer query's question (NULL if none)."""
    return (select(func.max(Forecast.created_at))
            .where(Forecast.question_id == Question.id, Forecast.forecaster_id == viewer.id)
            .correlate(Question).scalar_subquery())


def _changed_after(moment: ColumnElement[datetime]) -> ColumnElement[bool]:
    """An edit or a clarification on the outer query's question later than ``moment``."""
    edited = exists().where(col(QuestionRevision.question_id) == col(Question.id),
                            col(QuestionRevision.changed_at) > moment)
    clarified = exists().where(col(Comment.question_id) == col(Question.id),
                               col(Comment.kind) == CommentKind.clarification,
                               col(Comment.created_at) > moment)
    return or_(edited, clarified)


def _order(sort: Sort, viewer: User, now: datetime, mine: ColumnElement[datetime],
           stale_after: timedelta) -> list[ColumnElement[Any]]:
    closes, question_id = col(Question.closes_at), col(Question.id)
    if sort is Sort.closes_late:
        return [closes.desc(), question_id.desc()]
    if sort is Sort.newest:
        shown_from = func.coalesce(col(Question.published_at), col(Question.created_at))
        return [shown_from.desc(), question_id.desc()]
    if sort is Sort.forecasters:
        count = (select(func.count(func.distinct(Forecast.forecaster_id)))
                 .join(User, col(User.id) == Forecast.forecaster_id)
                 .where(Forecast.question_id == Question.id, crowd_member())
                 .correlate(Question).scalar_subquery())
        return [count.desc(), closes.asc(), question_id.asc()]
    if sort is Sort.needs_update:
        is_open = status_condition(Status.open, now)
        urgency = case(
            (and_(is_open, mine.is_(None)), 0),
            (and_(is_open, or_(mine < now - stale_after, _changed_after(mine))), 1),
            (is_open, 2),
            else_=3,
        )
        return [urgency.asc(), closes.asc(), question_id.asc()]
    return [closes.asc(), question_id.asc()]


# --- The page's rows ------------------------------------------------------------------------


def _rows(session: Session, questions: list[Question], viewer: User, now: datetime,
          stale_after: timedelta) -> list[QuestionRow]:
    ids: list[int] = [q.id for q in questions]  # type: ignore[misc]
    tags = tags_by_question(session, ids)  # type: ignore[arg-type]
    latest = _latest_by_question(session, ids)
    mine = {qid: by[viewer.id] for qid, by in latest.items() if viewer.id in by}
    changed = _changed_since(session, ids, viewer) if ids else set()
    briers = _my_briers(session, ids, viewer)
    rows = []
    for q in questions:
        assert q.id is not None
        crowd = [p for (p, _when, in_crowd) in latest.get(q.id, {}).values() if in_crowd]
        last = mine.get(q.id)
        question_status = status(q, now)
        is_open = question_status is Status.open
        visible = (viewer.has_role(Role.manager) or last is not None
                   or question_status in (Status.closed, Status.resolved))
        rows.append(QuestionRow(
            question=q, status=question_status, tags=tags[q.id], forecasters=len(crowd),
            my_last_forecast_at=last[1] if last else None,
            my_probability=last[0] if last else None,
            needs_forecast=is_open and last is None,
            stale=is_open and last is not None and now - last[1] > stale_after,
            changed_since_mine=is_open and q.id in changed,
            crowd_visible=visible,
            crowd_median=statistics.median(crowd) if visible and crowd else None,
            my_brier=briers.get(q.id),
        ))
    return rows


def _latest_by_question(
    session: Session, ids: list[int]
) -> dict[int, dict[int, tuple[float, datetime, bool]]]:
    """question id → forecaster id → (probability, time, in the crowd) of their latest forecast.

    Forecasts are refused from the close on, so the latest is the one standing now.
    """
    if not ids:
        return {}
    rank = func.row_number().over(
        partition_by=(col(Forecast.question_id), col(Forecast.forecaster_id)),
        order_by=latest_first(),  # the standing rule (forecasts/questions/crowd.py)
    ).label("rank")
    # sqlalchemy's select: sqlmodel's is typed for at most four columns
    ranked = (sa_select(col(Forecast.question_id), col(Forecast.forecaster_id),
                        col(Forecast.probability),
                        type_coerce(Forecast.created_at, UTCDateTime()).label("created_at"),
                     case((crowd_member(), true()), else_=false()).label("in_crowd"), rank)
              .join(User, col(User.id) == Forecast.forecaster_id)
              .where(col(Forecast.question_id).in_(ids)).subquery())
    rows = session.execute(sa_select(ranked.c.question_id, ranked.c.forecaster_id,
                                     ranked.c.probability, ranked.c.created_at,
                                     ranked.c.in_crowd).where(ranked.c.rank == 1))
    latest: dict[int, dict[int, tuple[float, datetime, bool]]] = defaultdict(dict)
    for question_id, forecaster_id, probability, created_at, in_crowd in rows:
        latest[question_id][forecaster_id] = (probability, created_at, bool(in_crowd))
    return latest


def _changed_since(session: Session, ids: list[int], viewer: User) -> set[int]:
    """The questions among ``ids`` edited or clarified after the viewer's latest forecast."""
    mine = _my_last(viewer)
    found = session.exec(select(Question.id).where(
        col(Question.id).in_(ids), mine.is_not(None), _changed_after(mine)))
    return {question_id for question_id in found if question_id is not None}


def _my_briers(session: Session, ids: list[int], viewer: User) -> dict[int, float]:
    """The viewer's stored time-weighted Brier per resolved question among ``ids``."""
    if not ids:
        return {}
    rows = session.exec(select(QuestionScore.question_id, QuestionScore.brier_active).where(
        col(QuestionScore.question_id).in_(ids), QuestionScore.subject_id == viewer.id,
        QuestionScore.kind == "binary"))
    return dict(rows.all())
