"""The product's data as rows, for the API's lists and the CSV/JSON exports.

Each function reads in key order (id) so that large tables can be paged or streamed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from forecasts.models import Forecast, Question, QuestionTag, Tag, User
from forecasts.names import name_key


@dataclass(frozen=True)
class ForecastRow:
    """One forecast with the names a reader needs (question title, forecaster's username)."""

    id: int
    question_id: int
    question_title: str
    forecaster: str
    probability: float
    rationale: str
    created_at: datetime


@dataclass(frozen=True)
class ForecastFilter:
    """Which forecasts: by forecaster, question, tag, and time made (``start`` ≤ t < ``end``)."""

    forecaster_id: int | None = None
    question_id: int | None = None
    tag: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    published_only: bool = False


def forecast_rows(session: Session, where: ForecastFilter, *, after_id: int | None = None,
                  limit: int | None = None) -> list[ForecastRow]:
    """Forecasts matching ``where`` in id order, after ``after_id`` (a page's cursor)."""
    query = (select(Forecast, Question.title, User.username)
             .join(Question, col(Question.id) == Forecast.question_id)
             .join(User, col(User.id) == Forecast.forecaster_id))
    if where.forecaster_id is not None:
        query = query.where(Forecast.forecaster_id == where.forecaster_id)
    if where.question_id is not None:
        query = query.where(Forecast.question_id == where.question_id)
    if where.tag:
        query = query.where(col(Forecast.question_id).in_(tagged(where.tag)))
    if where.start is not None:
        query = query.where(Forecast.created_at >= where.start)
    if where.end is not None:
        query = query.where(Forecast.created_at < where.end)
    if where.published_only:
        query = query.where(col(Question.published_at).is_not(None))
    if after_id is not None:
        query = query.where(col(Forecast.id) > after_id)
    query = query.order_by(col(Forecast.id))
    if limit is not None:
        query = query.limit(limit)
    return [_row(forecast, title, username) for forecast, title, username in session.exec(query)]


def iter_forecast_rows(session: Session, where: ForecastFilter,
                       batch: int = 5_000) -> Iterator[ForecastRow]:
    """Every matching forecast, read in batches so a big export never holds them all."""
    after: int | None = None
    while True:
        rows = forecast_rows(session, where, after_id=after, limit=batch)
        yield from rows
        if len(rows) < batch:
            return
        after = rows[-1].id


def _row(forecast: Forecast, title: str, username: str) -> ForecastRow:
    return ForecastRow(id=forecast.id, question_id=forecast.question_id,  # type: ignore[arg-type]
                       question_title=title, forecaster=username,
                       probability=forecast.probability, rationale=forecast.rationale,
                       created_at=forecast.created_at)


def tagged(name: str) -> SelectOfScalar[int]:
    """A subquery of the ids of questions carrying the tag (names match as forecasts.names says)."""
    return (select(QuestionTag.question_id).join(Tag, col(Tag.id) == QuestionTag.tag_id)
            .where(Tag.key == name_key(name)))
