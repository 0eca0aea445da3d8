"""The nightly score snapshot: each forecaster's and team's scores as they stood that day.

A snapshot is taken once per day: the unique key (day, subject) makes a second run a no-op.
"""

from __future__ import annotations

import math
from datetime import date, datetime

import pandas as pd
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from forecasts.models import ScoreSnapshot, User
from forecasts.scoring.book import book_from_rows, book_leaderboard
from forecasts.scoring.store import read_rows

FORECASTER, TEAM = "forecaster", "team"


def scores_now(session: Session) -> list[tuple[str, int, int, float, float | None]]:
    """(kind, subject id, questions, brier, relative brier) for every forecaster and team.

    Aggregated from the score store's rows; relative is None without a question with peers.
    """
    book = book_from_rows(read_rows(session.connection()))
    teams = pd.DataFrame(
        session.exec(select(User.id, User.team_id).where(col(User.team_id).is_not(None))).all(),
        columns=["forecaster_id", "team"],
    )
    if book.rows.empty:
        return []
    tables = [(FORECASTER, "forecaster_id", book_leaderboard(book, with_crowd=False))]
    if not teams.empty:
        tables.append((TEAM, "team", book_leaderboard(book, by="team", groups=teams)))
    result = []
    for kind, key, table in tables:
        for row in table.itertuples(index=False):
            relative = float(row.relative_brier)
            result.append((kind, int(getattr(row, key)), int(row.questions), float(row.brier),
                           None if math.isnan(relative) else relative))
    return result


def take_snapshot(session: Session, *, now: datetime) -> int:
    """Store today's scores (flushed; the job commits); 0 if today's snapshot exists already."""
    day = now.date()
    if session.exec(select(ScoreSnapshot.id).where(ScoreSnapshot.day == day)).first():
        return 0
    rows = [ScoreSnapshot(day=day, subject_kind=kind, subject_id=subject, questions=n,
                          brier=brier, relative_brier=relative, taken_at=now)
            for kind, subject, n, brier, relative in scores_now(session)]
    session.add_all(rows)
    try:
        session.flush()
    except IntegrityError:  # a concurrent run took it first
        session.rollback()
        return 0
    return len(rows)


def snapshots_on(session: Session, day: date) -> list[ScoreSnapshot]:
    """The snapshot rows of one day, forecasters then teams."""
    query = select(ScoreSnapshot).where(ScoreSnapshot.day == day)
    return list(session.exec(query.order_by(col(ScoreSnapshot.subject_kind),
                                            col(ScoreSnapshot.subject_id))))
