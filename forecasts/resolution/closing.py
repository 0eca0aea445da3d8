"""Closing questions whose close date has passed: one `close` entry in the trail per question.

Forecasts are refused after the close date whether or not this has run; this only makes the
close visible in the audit trail.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from forecasts.accounts import actors
from forecasts.models import Action, Question, ResolutionEvent

AUTOMATIC_CLOSE_NOTE = "Closed automatically at the close date."


def _closed_in_trail() -> SelectOfScalar[int]:
    """Ids of questions whose trail ends closed: more close entries than reopen entries."""
    step = sa.case((ResolutionEvent.action == Action.close, 1), else_=-1)  # type: ignore[arg-type]
    return (
        select(ResolutionEvent.question_id)
        .where(col(ResolutionEvent.action).in_([Action.close, Action.reopen]))
        .group_by(col(ResolutionEvent.question_id))
        .having(sa.func.sum(step) > 0)
    )


def due_for_closing(session: Session, *, now: datetime) -> list[int]:
    """Ids of published, unresolved questions past their close date whose trail is not closed."""
    closed = _closed_in_trail()
    query = select(Question.id).where(
        col(Question.published_at).is_not(None),
        col(Question.outcome).is_(None),
        col(Question.closes_at) <= now,
        col(Question.id).not_in(closed),
    )
    return [i for i in session.exec(query.order_by(col(Question.id))) if i is not None]


def close_if_due(session: Session, question_id: int, *, now: datetime) -> bool:
    """Record the close of one question in its own transaction; False if already recorded."""
    # A no-op UPDATE takes the row's write lock first on both engines (SQLite has no FOR
    # UPDATE), so a concurrent run waits here, then sees this run's entry below.
    table = Question.__table__  # type: ignore[attr-defined]
    session.execute(sa.update(table).where(table.c.id == question_id).values(id=table.c.id))
    question = session.get(Question, question_id, populate_existing=True)
    already = session.exec(
        _closed_in_trail().where(col(ResolutionEvent.question_id) == question_id)
    ).first()
    if question is None or already is not None or question.outcome is not None:
        session.rollback()
        return False
    if question.closed_at > now or question.published_at is None:
        session.rollback()
        return False
    session.add(ResolutionEvent(
        question_id=question_id, actor_id=actors.scheduler(session, now=now).id,  # type: ignore[arg-type]
        at=question.closed_at,
        action=Action.close, note=AUTOMATIC_CLOSE_NOTE,
    ))
    session.commit()
    return True


def close_due(session: Session, *, now: datetime) -> int:
    """Close every question that is due; returns how many were closed by this call."""
    return sum(close_if_due(session, qid, now=now) for qid in due_for_closing(session, now=now))
