"""What can be exported: each dataset's columns (with their meaning) and rows for one viewer.

A forecaster gets the published questions, their own forecasts and their own scores; a manager
gets everything. Times are UTC in ISO 8601; probabilities are P(YES) from 0 to 1.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session, col, select

from forecasts.exports import standings
from forecasts.exports.tables import ForecastFilter, iter_forecast_rows, tagged
from forecasts.models import Question, ResolutionEvent, Role, User
from forecasts.questions.catalog import tag_named, tags_by_question
from forecasts.scoring.book import aggregate_of, is_crowd
from forecasts.scoring.reader import ScoreCache

QUESTION_COLUMNS = {
    "id": "The question's number in this database.",
    "title": "The question.",
    "description": "Background, as written by the manager.",
    "resolution_criteria": "What counts as YES, and which source decides.",
    "opens_at": "When forecasting opens (UTC, ISO 8601).",
    "closes_at": "The scheduled close (UTC).",
    "resolve_by": "When it should be resolved by (UTC).",
    "published_at": "When it was published; empty for a draft.",
    "closed_early_at": "When a manager closed it early, if they did.",
    "outcome": "yes, no or annulled; empty while unresolved.",
    "resolved_at": "When the current resolution was recorded.",
    "tags": "Its tags, separated by '; '.",
    "source_name": "The briefing or source the question came from.",
    "source_url": "A link to the source.",
    "source_quote": "The sentence the question was drawn from.",
    "created_by": "Username of the manager who drafted it.",
    "created_at": "When it was drafted (UTC).",
    "trail": "The resolution trail as a JSON list of {at, action, actor, from, to, note}.",
}
FORECAST_COLUMNS = {
    "id": "The forecast's number in this database.",
    "question_id": "The question's number (see questions.csv).",
    "question_title": "The question, which identifies it on import.",
    "forecaster": "The forecaster's username.",
    "created_at": "When the forecast was made (UTC, ISO 8601).",
    "probability": "P(YES), from 0.01 to 0.99.",
    "rationale": "The forecaster's reasoning.",
}
SCORE_COLUMNS = {
    "question_id": "The question's number.",
    "forecaster_id": "The forecaster's number (the crowd aggregates have negative ones).",
    "aggregate": "The crowd aggregate the row stands for (median, mean, ...); empty for a person.",
    "forecaster": "The forecaster's display name, or the crowd aggregate's name.",
    "brier": "Time-weighted Brier score on the question (0 best, 1 worst).",
    "relative_brier": "That score minus the crowd median's (negative beats the crowd).",
}
LEADERBOARD_COLUMNS = {
    "name": "Forecaster, crowd aggregate, team or tag.",
    "aggregate": "The crowd aggregate the row stands for (median, mean, ...); empty otherwise.",
    "questions": "Resolved questions scored.",
    "brier": "Mean time-weighted Brier.",
    "relative_brier": "Mean relative Brier (negative beats the crowd).",
    "...": "The other columns are the leaderboard page's (coverage, Murphy terms ...).",
}
DATASETS = {"questions": QUESTION_COLUMNS, "forecasts": FORECAST_COLUMNS,
            "scores": SCORE_COLUMNS, "leaderboard": LEADERBOARD_COLUMNS}


@dataclass(frozen=True)
class ExportFilter:
    """A tag, and a period of days (UTC, both included): questions by close date, forecasts by
    time made, scores and the leaderboard by resolution date. Build it with `export_filter`,
    which checks the tag's name.
    """

    tag: str = ""
    start: date | None = None
    end: date | None = None

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        """[start, end) as UTC datetimes (the end day included)."""
        start = datetime(self.start.year, self.start.month, self.start.day,
                         tzinfo=UTC) if self.start else None
        end = (datetime(self.end.year, self.end.month, self.end.day, tzinfo=UTC)
               + timedelta(days=1)) if self.end else None
        return start, end


def iso(moment: datetime | None) -> str:
    """UTC ISO 8601 with a Z, or empty."""
    return "" if moment is None else moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def question_rows(session: Session, viewer: User,
                  where: ExportFilter) -> Iterator[dict[str, object]]:
    """Questions the viewer may see (drafts for managers only), with tags and trail."""
    query = select(Question)
    if not viewer.has_role(Role.manager):
        query = query.where(col(Question.published_at).is_not(None))
    if where.tag:
        query = query.where(col(Question.id).in_(tagged(where.tag)))
    start, end = where.bounds()
    if start is not None:
        query = query.where(Question.closes_at >= start)
    if end is not None:
        query = query.where(Question.closes_at < end)
    found = list(session.exec(query.order_by(col(Question.id))))
    ids = [q.id for q in found]
    tags = tags_by_question(session, ids)
    trails = _trails(session, ids)
    names = dict(session.exec(select(User.id, User.username)).all())
    for q in found:
        yield {
            "id": q.id, "title": q.title, "description": q.description,
            "resolution_criteria": q.resolution_criteria, "opens_at": iso(q.opens_at),
            "closes_at": iso(q.closes_at), "resolve_by": iso(q.resolve_by),
            "published_at": iso(q.published_at), "closed_early_at": iso(q.closed_early_at),
            "outcome": q.outcome.value if q.outcome else "", "resolved_at": iso(q.resolved_at),
            "tags": "; ".join(tags[q.id]), "source_name": q.source_name,  # type: ignore[index]
            "source_url": q.source_url, "source_quote": q.source_quote,
            "created_by": names.get(q.created_by_id, ""), "created_at": iso(q.created_at),
            "trail": json.dumps([{
                "at": iso(e.at), "action": e.action.value, "actor": names.get(e.actor_id, ""),
                "from": e.from_outcome.value if e.from_outcome else None,
                "to": e.to_outcome.value if e.to_outcome else None, "note": e.note,
            } for e in trails.get(q.id, [])], ensure_ascii=False),  # type: ignore[arg-type]
        }


def _trails(session: Session, ids: list[int | None]) -> dict[int, list[ResolutionEvent]]:
    trails: dict[int, list[ResolutionEvent]] = {}
    if not ids:
        return trails
    query = (select(ResolutionEvent).where(col(ResolutionEvent.question_id).in_(ids))
             .order_by(col(ResolutionEvent.at), col(ResolutionEvent.id)))
    for event in session.exec(query):
        trails.setdefault(event.question_id, []).append(event)
    return trails


def forecast_rows(session: Session, viewer: User,
                  where: ExportFilter) -> Iterator[dict[str, object]]:
    """The viewer's own forecasts, or everyone's for a manager."""
    start, end = where.bounds()
    mine = None if viewer.has_role(Role.manager) else viewer.id
    rows = iter_forecast_rows(session, ForecastFilter(forecaster_id=mine, tag=where.tag or None,
                                                      start=start, end=end))
    for row in rows:
        yield {"id": row.id, "question_id": row.question_id, "question_title": row.question_title,
               "forecaster": row.forecaster, "created_at": iso(row.created_at),
               "probability": row.probability, "rationale": row.rationale}


def export_filter(session: Session, *, tag: str | None, start: date | None = None,
                  end: date | None = None) -> ExportFilter:
    """The filter an export asks for, its tag as stored (`catalog.tag_named`: names match
    ignoring case). Raises ValidationFailed (field ``tag``) when no tag has that name."""
    return ExportFilter(tag=tag_named(session, tag), start=start, end=end)


def _resolved_ids(session: Session, where: ExportFilter) -> set[int] | None:
    if not where.tag and where.start is None and where.end is None:
        return None
    query = select(Question.id).where(col(Question.resolved_at).is_not(None))
    if where.tag:
        query = query.where(col(Question.id).in_(tagged(where.tag)))
    start, end = where.bounds()
    if start is not None:
        query = query.where(col(Question.resolved_at) >= start)
    if end is not None:
        query = query.where(col(Question.resolved_at) < end)
    return set(session.exec(query).all())  # type: ignore[arg-type]


def score_rows(session: Session, cache: ScoreCache, viewer: User,
               where: ExportFilter) -> Iterable[dict[str, object]]:
    """Per-question scores: the viewer's own and the crowd's, or everyone's for a manager."""
    table = standings.question_scores(session, cache)
    keep = _resolved_ids(session, where)
    if keep is not None:
        table = table.loc[table["question_id"].isin(keep)]
    if not viewer.has_role(Role.manager):
        table = table.loc[(table["forecaster_id"] == viewer.id) | is_crowd(table["forecaster_id"])]
    table = table.sort_values(["question_id", "forecaster_id"], kind="stable")
    table = table.assign(aggregate=aggregate_of(table["forecaster_id"]))
    return table[list(SCORE_COLUMNS)].to_dict("records")


def leaderboard_rows(session: Session, cache: ScoreCache, viewer: User,
                     where: ExportFilter) -> tuple[list[str], list[dict[str, object]]]:
    """The forecaster leaderboard as the page shows it to everyone; columns and rows."""
    table = standings.leaderboard(session, cache, standings.LeaderboardFilters(
        tag=where.tag, start=where.start, end=where.end))
    return [str(c) for c in table.columns], table.to_dict("records")
