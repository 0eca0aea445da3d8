"""The score book: per-question score rows shaped for pages (pure pandas over stored rows).

Every page aggregates the rows the score store wrote at resolution time (store.py); no request
recomputes a score from raw forecasts. reader.py selects the rows a page needs; this module
turns them into per-policy scores, final forecasts and rankings. Definitions: docs/scoring.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlmodel import Session, col, select

from forecasts.models import QuestionTag, Tag, Team, User
from forecasts.scoring.frames import BeforeFirst, check_policy
from forecasts.scoring.leaderboard import RANK_COLUMNS, rank
from forecasts.scoring.table import CROWD_IDS, CROWD_NAMES, aggregate_of, is_crowd, score_rows

__all__ = ["CROWD_IDS", "CROWD_NAMES", "ScoreBook", "aggregate_of", "book_leaderboard", "compute",
           "is_crowd"]

PAIR_COLUMNS: tuple[str, ...] = (
    "question_id", "forecaster_id", "brier", "crowd_brier", "relative_brier", "coverage",
    "forecasts", "peers", "probability", "outcome", "log_score", "in_crowd",
)


@dataclass(frozen=True)
class ScoreBook:
    """Every stored score row, for one version of the resolutions.

    `questions` (question_id, resolved_at, outcome) are the scored questions the book covers;
    narrowing it (a period, a tag) narrows every table taken from the book.
    """

    version: object
    rows: pd.DataFrame
    questions: pd.DataFrame

    def scores(
        self, before_first: BeforeFirst = "active", *, two_term: bool = False,
        crowd: bool = False,
    ) -> pd.DataFrame:
        """Per (question, subject) under a policy (PAIR_COLUMNS): forecasters, or with `crowd`
        the crowd aggregates. relative_brier is NaN where the subject had no peer in the crowd.

        Raises ValueError for an unknown policy.
        """
        check_policy(before_first)
        rows = self.rows
        crowd_rows = is_crowd(rows["subject_id"])
        rows = rows.loc[crowd_rows if crowd else ~crowd_rows]
        if len(self.questions) != rows["question_id"].nunique():
            rows = rows.loc[rows["question_id"].isin(self.questions["question_id"])]
        scale = 2.0 if two_term else 1.0
        brier = scale * rows[f"brier_{before_first}"].to_numpy()
        crowd_brier = scale * rows[f"crowd_brier_{before_first}"].to_numpy()
        relative = np.where(rows["peers"].to_numpy() > 0, brier - crowd_brier, np.nan)
        table = rows.rename(columns={"subject_id": "forecaster_id"}).assign(
            brier=brier, crowd_brier=crowd_brier, relative_brier=relative)
        return table[list(PAIR_COLUMNS)].reset_index(drop=True)

    @property
    def pairs(self) -> pd.DataFrame:
        """Forecasters' (and publications') scores per question, default policy."""
        return self.scores()

    @property
    def crowd_pairs(self) -> pd.DataFrame:
        """The crowd aggregates' scores per question, default policy."""
        return self.scores(crowd=True)

    def finals(self) -> pd.DataFrame:
        """Each forecaster's final forecast per question: question_id, forecaster_id,
        probability, outcome (the sample of a calibration diagram)."""
        return self.pairs[["question_id", "forecaster_id", "probability", "outcome"]]

    def crowd_finals(self, crowd_id: int) -> pd.DataFrame:
        """The crowd aggregate `crowd_id` standing at each question's end, one row per question."""
        table = self.crowd_pairs
        return table.loc[table["forecaster_id"] == crowd_id,
                         ["question_id", "forecaster_id", "probability", "outcome"]]

    def for_forecaster(self, forecaster_id: int) -> pd.DataFrame:
        """Time-weighted and relative Brier per question for one forecaster."""
        table = self.pairs
        return table.loc[table["forecaster_id"] == forecaster_id]

    def for_question(self, question_id: int) -> pd.DataFrame:
        """Every subject's scores on one question (crowd aggregates included, negative ids)."""
        both = pd.concat([self.pairs, self.crowd_pairs], ignore_index=True)
        return both.loc[both["question_id"] == question_id]


def book_from_rows(rows: pd.DataFrame, *, version: object = 0) -> ScoreBook:
    """A ScoreBook over stored (or freshly computed) score rows."""
    questions = rows[["question_id", "resolved_at", "outcome"]].drop_duplicates("question_id")
    return ScoreBook(version, rows, questions.reset_index(drop=True))


def compute(forecasts: pd.DataFrame, questions: pd.DataFrame, *, version: object = 0) -> ScoreBook:
    """The book the store would hold for these frames, computed by the engine (tests, CLI)."""
    return book_from_rows(score_rows(forecasts, questions), version=version)


def book_leaderboard(
    book: ScoreBook,
    *,
    by: str = "forecaster",
    groups: pd.DataFrame | None = None,
    min_questions: int = 1,
    before_first: BeforeFirst = "active",
    two_term: bool = False,
    with_crowd: bool = True,
) -> pd.DataFrame:
    """The leaderboard by forecaster, team or tag; crowd aggregates join a forecasters' one."""
    people = book.scores(before_first, two_term=two_term)
    if people.empty:
        return pd.DataFrame(columns=[by, *RANK_COLUMNS])
    table = rank(people, by=by, groups=groups, min_questions=min_questions)
    if by == "forecaster" and with_crowd:
        crowd_rows = rank(book.scores(before_first, two_term=two_term, crowd=True),
                          min_questions=min_questions)
        table = pd.concat([table, crowd_rows], ignore_index=True).sort_values(
            ["relative_brier", "brier"], kind="stable", ignore_index=True, na_position="last")
    return table


def team_groups(session: Session) -> pd.DataFrame:
    """forecaster_id → team name, for a leaderboard by team."""
    rows = session.exec(
        select(User.id, Team.name).join(Team, col(Team.id) == User.team_id)
    ).all()
    return pd.DataFrame(rows, columns=["forecaster_id", "team"])


def tag_groups(session: Session) -> pd.DataFrame:
    """question_id → tag, for a leaderboard by tag (a question counts under each of its tags)."""
    rows = session.exec(
        select(QuestionTag.question_id, Tag.name).join(Tag, col(Tag.id) == QuestionTag.tag_id)
    ).all()
    return pd.DataFrame(rows, columns=["question_id", "tag"])


def forecaster_names(session: Session, ids: Iterable[object]) -> dict[int, str]:
    """Display names for forecaster ids, crowd pseudo-forecasters included."""
    user_ids = {int(i) for i in ids if int(i) not in CROWD_NAMES}  # type: ignore[call-overload]
    # two columns, not whole users: a page of names must not load every password hash
    query = select(User.id, User.display_name).where(col(User.id).in_(user_ids))
    users: Iterable[tuple[int | None, str]] = session.exec(query) if user_ids else []
    return {**CROWD_NAMES, **{user_id: name for user_id, name in users}}  # type: ignore[misc]


def groups_for(session: Session, by: str) -> pd.DataFrame | None:
    """The mapping a leaderboard ``by`` needs; raises ValueError for an unknown grouping."""
    if by == "forecaster":
        return None
    if by == "team":
        return team_groups(session)
    if by == "tag":
        return tag_groups(session)
    raise ValueError(f"rank by forecaster, team or tag, not {by!r}")
