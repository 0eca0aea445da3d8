"""Forecasts: entering a probability, a forecaster's history, and the crowd's current view."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import pandas as pd
from sqlmodel import Session, col, func, select

from forecasts import bounds
from forecasts.errors import Conflict, NotFound, ValidationFailed
from forecasts.models import Forecast, Question, Role, User
from forecasts.questions.catalog import Status, status
from forecasts.questions.crowd import SAME_INSTANT, crowd_member, latest_first
from forecasts.scoring.driver import INSTANT, read_frame

MIN_PERCENT = Decimal("1")
MAX_PERCENT = Decimal("99")


def probability_from_percent(text: str) -> float:
    """Parse what a forecaster typed ("30", "30.5", "30 %") into a probability in (0, 1).

    The number is always a percent. A value between 0 and 1 ("0.3") is refused with "Did you
    mean 30 %?", never reinterpreted; "1" is 1 %. Raises ValidationFailed with a message fit
    for the form.
    """
    cleaned = text.strip().rstrip("%").strip().replace(",", ".")
    try:
        percent = bounds.parse_decimal(cleaned)  # digits 0–9 only: not "٣٠", "1e1" or "nan"
    except bounds.OutOfBounds:
        raise ValidationFailed({"probability": "Enter a number from 1 to 99."}) from None
    if 0 < percent < 1:
        # Read as percent, always: 0.3 is never taken to mean 30 %, but the likely slip is named.
        raise ValidationFailed({"probability": fraction_hint(percent)})
    if not MIN_PERCENT <= percent <= MAX_PERCENT:
        raise ValidationFailed(
            {"probability": "Enter a probability from 1 % to 99 %: nothing is certain."}
        )
    if percent.as_tuple().exponent < -1:  # type: ignore[operator]
        raise ValidationFailed({"probability": "Use at most one decimal place, e.g. 12.5."})
    return float(percent) / 100


def fraction_hint(percent: Decimal) -> str:
    """The message for a value below 1 %, which is most likely a fraction (0.3 for 30 %)."""
    meant = format((percent * 100).normalize(), "f")
    if not MIN_PERCENT <= Decimal(meant) <= MAX_PERCENT:
        return "Enter a probability from 1 % to 99 %: nothing is certain."
    return (f"Did you mean {meant} %? Probabilities are entered in percent: type {meant} "
            f"for a {meant} % chance.")


def check_probability(probability: float) -> None:
    """Raise ValidationFailed unless 1 % ≤ probability ≤ 99 %."""
    if not isinstance(probability, float | int) or not math.isfinite(probability):
        raise ValidationFailed({"probability": "Enter a number from 1 to 99."})
    if not 0.01 - 1e-9 <= probability <= 0.99 + 1e-9:
        raise ValidationFailed(
            {"probability": "Enter a probability from 1 % to 99 %: nothing is certain."}
        )


def submit_forecast(
    session: Session,
    question: Question,
    *,
    forecaster: User,
    probability: float,
    rationale: str = "",
    now: datetime,
) -> Forecast:
    """Record a new forecast (updates are new rows).

    Raises NotFound for an unpublished question, Conflict when it is not open,
    ValidationFailed for a bad probability or an over-long rationale.
    """
    require_open(question, now)
    check_probability(probability)
    bounds.check_texts({"rationale": (rationale, bounds.RATIONALE)})
    forecast = Forecast(
        question_id=question.id,  # type: ignore[arg-type]
        forecaster_id=forecaster.id,  # type: ignore[arg-type]
        probability=round(float(probability), 4),
        rationale=rationale.strip(),
        created_at=now,
    )
    session.add(forecast)
    session.flush()
    session.refresh(forecast)
    return forecast


def require_open(question: Question, now: datetime) -> None:
    """Raise NotFound for a draft, Conflict unless the question takes forecasts at ``now``."""
    question_status = status(question, now)
    if question_status is Status.draft:
        raise NotFound("No such question.")
    if question_status is not Status.open:
        raise Conflict(_closed_message(question_status))


def _closed_message(question_status: Status) -> str:
    return {
        Status.upcoming: "This question is not open for forecasts yet.",
        Status.closed: "This question is closed: forecasts are no longer accepted.",
        Status.resolved: "This question is resolved: forecasts are no longer accepted.",
    }[question_status]


def history(session: Session, question: Question, forecaster: User,
            limit: int | None = None) -> list[Forecast]:
    """One forecaster's forecasts on a question, newest first; only the ``limit`` newest
    when given (a page shows a bounded list whatever the forecaster imported)."""
    query = select(Forecast).where(
        Forecast.question_id == question.id, Forecast.forecaster_id == forecaster.id
    )
    return list(session.exec(query.order_by(*latest_first()).limit(limit)))  # standing first


def timeline(session: Session, question: Question, forecaster: User) -> pd.DataFrame:
    """Every forecast of the forecaster's on the question as created_at (UTC), probability,
    oldest first: what a chart line of them needs, read as two columns through the driver's
    cursor (an importer's 20,000 forecasts as ORM rows cost a page 140 ms)."""
    # the standing rule's order reversed (latest_first), so the standing forecast is the last
    query = select(col(Forecast.created_at), col(Forecast.probability)).where(
        Forecast.question_id == question.id, Forecast.forecaster_id == forecaster.id
    ).order_by(col(Forecast.created_at), col(getattr(Forecast, SAME_INSTANT)), col(Forecast.id))
    return read_frame(session.connection(), query,
                      {"created_at": INSTANT, "probability": "float64"})


def latest_forecasts(
    session: Session,
    question: Question,
    *,
    as_of: datetime | None = None,
    crowd_only: bool = False,
) -> list[Forecast]:
    """Each forecaster's latest forecast on the question (made at or before ``as_of``).

    ``crowd_only`` leaves out publications' stated forecasts: they are scored, not pooled.
    """
    rank = (
        func.row_number()
        .over(
            partition_by=col(Forecast.forecaster_id),
            order_by=latest_first(),  # the standing rule (forecasts/questions/crowd.py)
        )
        .label("rank")
    )
    inner = select(col(Forecast.id), rank).where(Forecast.question_id == question.id)
    if as_of is not None:
        inner = inner.where(Forecast.created_at <= as_of)
    if crowd_only:
        inner = inner.join(User, col(User.id) == Forecast.forecaster_id).where(crowd_member())
    ranked = inner.subquery()
    query = select(Forecast).join(ranked, col(Forecast.id) == ranked.c.id).where(ranked.c.rank == 1)
    return list(session.exec(query.order_by(col(Forecast.forecaster_id))))


@dataclass(frozen=True)
class CrowdView:
    median: float | None
    forecasters: int


def crowd_now(session: Session, question: Question, now: datetime) -> CrowdView:
    """The median of each forecaster's latest forecast, and how many forecasters there are.

    Publications' stated forecasts are not part of the crowd.
    """
    # Forecasts are refused from the close on, so only ``now`` bounds what counts.
    latest = latest_forecasts(session, question, as_of=now, crowd_only=True)
    probabilities = [f.probability for f in latest]
    median = statistics.median(probabilities) if probabilities else None
    return CrowdView(median=median, forecasters=len(probabilities))


def may_see_crowd(session: Session, question: Question, viewer: User, now: datetime) -> bool:
    """Hide the crowd until the viewer has forecast, so it cannot anchor them."""
    if viewer.has_role(Role.manager) or status(question, now) in (Status.closed, Status.resolved):
        return True
    query = select(Forecast.id).where(
        Forecast.question_id == question.id, Forecast.forecaster_id == viewer.id
    )
    return session.exec(query.limit(1)).first() is not None


REAFFIRMED = "Reaffirmed"


def reaffirm(session: Session, question: Question, *, forecaster: User, now: datetime) -> Forecast:
    """Record the forecaster's latest probability again at ``now``: unchanged, but still held.

    A new row (forecasts are append-only) with the rationale "Reaffirmed". Raises Conflict when
    the forecaster has no forecast here or the question is not open, NotFound for a draft.
    """
    require_open(question, now)
    latest = history(session, question, forecaster, limit=1)  # the standing one
    if not latest:
        raise Conflict("There is no forecast of yours to reaffirm: make one first.")
    return submit_forecast(session, question, forecaster=forecaster,
                           probability=latest[0].probability, rationale=REAFFIRMED, now=now)
