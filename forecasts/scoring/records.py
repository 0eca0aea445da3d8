"""A forecaster's track record: what they have open, and how their resolved forecasts scored."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd
from sqlmodel import Session, col, select

from forecasts.models import Forecast, Outcome, Question, User
from forecasts.questions.catalog import Status, status
from forecasts.scoring.scores import brier
from forecasts.scoring.timeline import final_forecasts


@dataclass(frozen=True)
class Standing:
    """The forecaster's latest forecast on an unresolved question."""

    question: Question
    status: Status
    latest: Forecast
    updates: int


@dataclass(frozen=True)
class Scored:
    """A resolved question with the forecaster's final forecast there (docs/scoring.md)."""

    question: Question
    final: Forecast | None
    brier: float | None


@dataclass
class TrackRecord:
    standing: list[Standing] = field(default_factory=list)
    resolved: list[Scored] = field(default_factory=list)

    @property
    def mean_brier(self) -> float | None:
        """Mean plain Brier over the scored questions (annulled ones excluded)."""
        scores = [s.brier for s in self.resolved if s.brier is not None]
        return sum(scores) / len(scores) if scores else None

    @property
    def scored_count(self) -> int:
        return sum(s.brier is not None for s in self.resolved)


def track_record(session: Session, forecaster: User, now: datetime) -> TrackRecord:
    """Group the forecaster's forecasts by question and score the resolved ones."""
    rows = session.exec(
        select(Forecast, Question)
        .join(Question, col(Question.id) == Forecast.question_id)
        .where(Forecast.forecaster_id == forecaster.id)
        .order_by(col(Forecast.question_id), col(Forecast.created_at), col(Forecast.id))
    )
    by_question: dict[int, tuple[Question, list[Forecast]]] = {}
    for forecast, question in rows:
        by_question.setdefault(question.id, (question, []))[1].append(forecast)  # type: ignore[arg-type]
    record = TrackRecord()
    for question, forecasts in by_question.values():
        if question.outcome is None:
            record.standing.append(
                Standing(question, status(question, now), forecasts[-1], len(forecasts))
            )
        else:
            record.resolved.append(_score(question, forecasts))
    record.standing.sort(key=lambda s: s.question.closes_at)
    record.resolved.sort(key=lambda s: s.question.resolved_at or now, reverse=True)
    return record


def _score(question: Question, forecasts: list[Forecast]) -> Scored:
    final = _final(question, forecasts)
    if final is None or question.outcome is Outcome.annulled:
        return Scored(question, final, None)
    happened = int(question.outcome is Outcome.yes)
    return Scored(question, final, float(brier(final.probability, happened)))


def _final(question: Question, forecasts: list[Forecast]) -> Forecast | None:
    """The forecast the scores take as final here, by the engine's one rule (final_forecasts)."""
    frame = pd.DataFrame({
        "question_id": question.id, "forecaster_id": [f.forecaster_id for f in forecasts],
        "probability": [f.probability for f in forecasts],
        "created_at": [f.created_at for f in forecasts]})
    # an annulled question still shows the forecast that would have counted
    ends = pd.DataFrame({"question_id": [question.id], "opens_at": [question.opens_at],
                         "closes_at": [question.closed_at], "resolved_at": [question.resolved_at],
                         "outcome": [int(question.outcome is Outcome.yes)]})
    try:
        final = final_forecasts(frame, ends)
    except (ValueError, OverflowError):  # instants pandas cannot hold: the store skips it too
        return None
    if final.empty:
        return None
    at, probability = final["created_at"].iloc[0], float(final["probability"].iloc[0])
    return next(f for f in reversed(forecasts)
                if pd.Timestamp(f.created_at) == at and f.probability == probability)
