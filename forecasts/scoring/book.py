"""Scores of the resolved questions, loaded from the database and computed once per change.

Only a resolution (or its correction, or an annulment) can change a score: forecasts are refused
once a question closes, and resolved questions cannot be edited. So the newest resolution-trail
entry is the version of every score, and a `ScoreCache` recomputes only when it moves, never
per request.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import pandas as pd
from sqlalchemy import text
from sqlmodel import Session, col, func, select

from forecasts.models import QuestionTag, ResolutionEvent, Tag, Team, User
from forecasts.scoring.aggregates import crowd_history
from forecasts.scoring.frames import BeforeFirst
from forecasts.scoring.leaderboard import leaderboard
from forecasts.scoring.scores import relative_brier

# Crowd aggregates are ranked as pseudo-forecasters; negative ids never clash with users'.
CROWD_IDS = {"median": -1, "mean": -2, "recency_weighted_median": -3, "extremized_mean": -4}
CROWD_NAMES = {
    -1: "Crowd: median",
    -2: "Crowd: mean",
    -3: "Crowd: recency-weighted median",
    -4: "Crowd: extremized mean (a = 2.5)",
}

T = TypeVar("T")

_QUESTIONS_SQL = """
SELECT id AS question_id, opens_at, closes_at, closed_early_at, resolved_at, outcome
FROM question WHERE outcome IN ('yes', 'no')
"""
_FORECASTS_SQL = """
SELECT f.question_id, f.forecaster_id, f.probability, f.created_at,
       CASE WHEN u.kind = 'publication' THEN 0 ELSE 1 END AS in_crowd
FROM forecast f JOIN question q ON q.id = f.question_id JOIN "user" u ON u.id = f.forecaster_id
WHERE q.outcome IN ('yes', 'no')
"""


def score_version(session: Session) -> int:
    """Changes exactly when some score may have changed (see the module docstring)."""
    return session.exec(select(func.coalesce(func.max(ResolutionEvent.id), 0))).one()


def scoring_frames(session: Session) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Forecasts and questions of every question resolved YES or NO, as the scoring engine takes.

    Annulled questions are left out, so they are never scored. A question closed early ends at
    that moment. `in_crowd` is False for a publication's stated forecasts: the publication is
    scored against the crowd, not part of it. Raw SQL, because a million ORM rows would take
    seconds to build.
    """
    connection = session.connection()
    questions = pd.read_sql(text(_QUESTIONS_SQL), connection)
    forecasts = pd.read_sql(text(_FORECASTS_SQL), connection)
    for column in ("opens_at", "closes_at", "closed_early_at", "resolved_at"):
        questions[column] = _utc(questions[column])
    questions["closes_at"] = questions[["closes_at", "closed_early_at"]].min(axis=1)
    questions["outcome"] = (questions["outcome"] == "yes").astype(np.int8)
    forecasts["created_at"] = _utc(forecasts["created_at"])
    forecasts["in_crowd"] = forecasts["in_crowd"].astype(bool)
    return forecasts, questions.drop(columns="closed_early_at")


def _utc(values: pd.Series) -> pd.Series:
    # SQLite hands back ISO strings, PostgreSQL aware datetimes: both become UTC instants.
    return pd.to_datetime(values, utc=True, format="ISO8601")


@dataclass(frozen=True)
class ScoreBook:
    """Every score the pages need, for one version of the resolutions."""

    version: int
    forecasts: pd.DataFrame
    questions: pd.DataFrame
    crowds: pd.DataFrame
    pairs: pd.DataFrame
    crowd_pairs: pd.DataFrame

    @property
    def median(self) -> pd.DataFrame | None:
        """The crowd median's step function, the yardstick of every relative score."""
        median = self.crowds.loc[self.crowds["forecaster_id"] == CROWD_IDS["median"]]
        return None if median.empty else median

    def for_forecaster(self, forecaster_id: int) -> pd.DataFrame:
        """Time-weighted and relative Brier per question for one forecaster."""
        return self.pairs.loc[self.pairs["forecaster_id"] == forecaster_id]

    def for_question(self, question_id: int) -> pd.DataFrame:
        """Every forecaster's scores on one question (crowd aggregates included, negative ids)."""
        both = pd.concat([self.pairs, self.crowd_pairs], ignore_index=True)
        return both.loc[both["question_id"] == question_id]


def compute(
    forecasts: pd.DataFrame, questions: pd.DataFrame, *, version: int = 0
) -> ScoreBook:
    """Score every (question, forecaster) and every crowd aggregate against the crowd median.

    The crowd is every forecaster whose `in_crowd` is true (all of them without that column).
    A question is scored only once someone in the crowd has forecast on it: before that there
    is nothing to be relative to (a briefing's stated forecast alone does not make a score).
    """
    members = forecasts.loc[forecasts["in_crowd"]] if "in_crowd" in forecasts else forecasts
    crowds = crowd_aggregates(members)
    median = crowds.loc[crowds["forecaster_id"] == CROWD_IDS["median"]]
    questions = questions.loc[questions["question_id"].isin(_crowd_covered(median, questions))]
    forecasts = forecasts.loc[forecasts["question_id"].isin(questions["question_id"])]
    empty = forecasts.empty or questions.empty or median.empty
    pairs = _empty_pairs() if empty else relative_brier(forecasts, questions, crowd=median)
    crowd_pairs = (
        _empty_pairs() if empty else relative_brier(crowds, questions, crowd=median)
    )
    return ScoreBook(version, forecasts, questions, crowds, pairs, crowd_pairs)


def _crowd_covered(median: pd.DataFrame, questions: pd.DataFrame) -> pd.Series:
    """Questions on which the crowd had a forecast before the question ended."""
    if median.empty or questions.empty:
        return pd.Series(dtype="int64")
    ends = questions.set_index("question_id")[["closes_at", "resolved_at"]].min(axis=1)
    before_end = median["created_at"] < median["question_id"].map(ends)
    return median.loc[before_end, "question_id"].drop_duplicates()


def crowd_aggregates(forecasts: pd.DataFrame) -> pd.DataFrame:
    """The step function of every crowd aggregate, as pseudo-forecasters with negative ids."""
    if forecasts.empty:
        return forecasts.assign(forecasters=pd.Series(dtype="int64"))
    histories = [
        crowd_history(forecasts, method=method).assign(forecaster_id=crowd_id)  # type: ignore[arg-type]
        for method, crowd_id in CROWD_IDS.items()
    ]
    return pd.concat(histories, ignore_index=True)


def _empty_pairs() -> pd.DataFrame:
    columns = ["question_id", "forecaster_id", "brier", "crowd_brier", "relative_brier",
               "coverage", "forecasts"]
    return pd.DataFrame({c: pd.Series(dtype="float64") for c in columns})


def ranking(
    book: ScoreBook,
    *,
    by: str = "forecaster",
    groups: pd.DataFrame | None = None,
    min_questions: int = 1,
    before_first: BeforeFirst = "active",
    two_term: bool = False,
    with_crowd: bool = True,
) -> pd.DataFrame:
    """The leaderboard by forecaster, team or tag; crowd aggregates join a forecaster ranking."""
    if book.forecasts.empty or book.questions.empty or book.median is None:
        return pd.DataFrame(columns=[by, "questions", "forecasts", "brier", "relative_brier",
                                     "coverage", "reliability", "resolution"])
    table = leaderboard(book.forecasts, book.questions, by=by, groups=groups,
                        min_questions=min_questions, before_first=before_first,
                        two_term=two_term, crowd=book.median)
    if by == "forecaster" and with_crowd:
        crowd_rows = leaderboard(book.crowds, book.questions, min_questions=min_questions,
                                 before_first=before_first, two_term=two_term,
                                 crowd=book.median)
        table = pd.concat([table, crowd_rows], ignore_index=True).sort_values(
            ["relative_brier", "brier"], kind="stable", ignore_index=True)
    return table


def team_groups(session: Session) -> pd.DataFrame:
    """forecaster_id → team name, for a ranking by team."""
    rows = session.exec(
        select(User.id, Team.name).join(Team, col(Team.id) == User.team_id)
    ).all()
    return pd.DataFrame(rows, columns=["forecaster_id", "team"])


def tag_groups(session: Session) -> pd.DataFrame:
    """question_id → tag, for a ranking by tag (a question counts under each of its tags)."""
    rows = session.exec(
        select(QuestionTag.question_id, Tag.name).join(Tag, col(Tag.id) == QuestionTag.tag_id)
    ).all()
    return pd.DataFrame(rows, columns=["question_id", "tag"])


def forecaster_names(session: Session, ids: Iterable[object]) -> dict[int, str]:
    """Display names for forecaster ids, crowd pseudo-forecasters included."""
    user_ids = {int(i) for i in ids if int(i) > 0}  # type: ignore[call-overload]
    users = session.exec(select(User).where(col(User.id).in_(user_ids))) if user_ids else []
    return {**CROWD_NAMES, **{u.id: u.display_name for u in users}}  # type: ignore[misc]


def groups_for(session: Session, by: str) -> pd.DataFrame | None:
    """The mapping a ranking ``by`` needs; raises ValueError for an unknown grouping."""
    if by == "forecaster":
        return None
    if by == "team":
        return team_groups(session)
    if by == "tag":
        return tag_groups(session)
    raise ValueError(f"rank by forecaster, team or tag, not {by!r}")


class ScoreCache:
    """Holds the newest ScoreBook and whatever was derived from it, per process.

    Each request costs one indexed MAX() query; the scores themselves are recomputed only when a
    resolution changed. Derived tables (leaderboards with their filters) are kept per version in
    a small LRU.
    """

    def __init__(self, loader: Callable[[Session], tuple[pd.DataFrame, pd.DataFrame]] = (
            scoring_frames), max_derived: int = 64) -> None:
        self._loader = loader
        self._lock = threading.Lock()
        self._book: ScoreBook | None = None
        self._derived: OrderedDict[Hashable, object] = OrderedDict()
        self._max_derived = max_derived
        self.computations = 0

    def book(self, session: Session) -> ScoreBook:
        """The scores for the database's current resolutions."""
        version = score_version(session)
        with self._lock:
            if self._book is None or self._book.version != version:
                forecasts, questions = self._loader(session)
                self._book = compute(forecasts, questions, version=version)
                self._derived.clear()
                self.computations += 1
            return self._book

    def derived(self, session: Session, key: Hashable, build: Callable[[ScoreBook], T]) -> T:
        """``build(book)``, computed once per version and key."""
        book = self.book(session)
        with self._lock:
            full_key = (book.version, key)
            if full_key in self._derived:
                self._derived.move_to_end(full_key)
                return self._derived[full_key]  # type: ignore[return-value]
        value = build(book)
        with self._lock:
            self._derived[full_key] = value
            while len(self._derived) > self._max_derived:
                self._derived.popitem(last=False)
        return value
