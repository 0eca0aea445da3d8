"""Per-question scores, written with each resolution, and nightly snapshots."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from forecasts.db import UTCDateTime


class QuestionScore(SQLModel, table=True):
    """One subject's scores on one resolved question, written in the resolution's transaction.

    A subject is a forecaster (their user id) or a crowd aggregate (a negative id, so no foreign
    key). `kind` and `option` leave room for multiple-choice questions (a row per option) and
    numeric ones as new rows: a yes/no question's rows are kind "binary", option "".
    """

    __tablename__ = "question_score"
    __table_args__ = (
        sa.UniqueConstraint("question_id", "kind", "option", "subject_id",
                            name="one_score_per_subject"),
        sa.Index("ix_question_score_subject", "subject_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(foreign_key="question.id", index=True, ondelete="CASCADE")
    kind: str = Field(default="binary", max_length=16)
    option: str = Field(default="", max_length=200)
    subject_id: int
    in_crowd: bool  # False for publications' stated forecasts and for crowd aggregates
    peers: int  # other crowd members scored on the question; a relative score needs one
    resolved_at: datetime = Field(sa_type=UTCDateTime)
    outcome: float
    probability: float  # the final forecast before the question's end
    decile: int  # its equal-width tenth of [0, 1] (0–9, sklearn's edge rule): Murphy's bins
    forecasts: int  # forecasts that held for some time
    coverage: float
    log_score: float
    brier_active: float
    brier_crowd: float
    brier_uninformed: float
    crowd_brier_active: float
    crowd_brier_crowd: float
    crowd_brier_uninformed: float
    # the subject's last forecast in each horizon window before the end (None: none made there);
    # calibration by horizon reads these (forecasts/scoring/horizons.py)
    final_short: float | None = None
    final_medium: float | None = None
    final_long: float | None = None


class ScoreCell(SQLModel, table=True):
    """Sums of one subject's stored scores in one Murphy bin (decile of the final forecast).

    Kept in step with question_score in the same transaction (forecasts/scoring/summary.py), so
    the unfiltered leaderboard sums about 10 rows per subject instead of one per question.
    """

    __tablename__ = "score_cell"

    kind: str = Field(default="binary", max_length=16, primary_key=True)
    subject_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    decile: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    scores: int  # question_score rows summed here (one per question)
    probability: float
    outcome: float
    forecasts: int
    coverage: float
    peered: int  # rows with at least one peer: the relative sums' count
    brier_active: float
    brier_crowd: float
    brier_uninformed: float
    relative_active: float
    relative_crowd: float
    relative_uninformed: float


class HorizonCell(SQLModel, table=True):
    """How many final forecasts per horizon were (probability, outcome): a calibration sample."""

    __tablename__ = "horizon_cell"

    horizon: str = Field(max_length=16, primary_key=True)
    probability: float = Field(primary_key=True)
    outcome: float = Field(primary_key=True)
    forecasts: int


class HorizonSample(SQLModel, table=True):
    """How many questions have at least one final forecast in a horizon."""

    __tablename__ = "horizon_sample"

    horizon: str = Field(max_length=16, primary_key=True)
    questions: int


class ScoreSnapshot(SQLModel, table=True):
    """One subject's (forecaster's or team's) scores on one day."""

    __tablename__ = "score_snapshot"
    __table_args__ = (sa.UniqueConstraint("day", "subject_kind", "subject_id",
                                          name="one_snapshot_per_day"),)

    id: int | None = Field(default=None, primary_key=True)
    day: date = Field(index=True)
    subject_kind: str = Field(max_length=16)
    subject_id: int
    questions: int
    brier: float
    relative_brier: float | None = None
    taken_at: datetime = Field(sa_type=UTCDateTime)
