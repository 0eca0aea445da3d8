"""Reading the score store per request: SQL GROUP BY for leaderboards, narrow reads elsewhere.

A page never loads the whole table: a leaderboard is summed by the database, one group per row
(and per Murphy bin), and a record, calibration or question page reads only its subject's rows
through an index. So a cold worker answers its first page as fast as a warm one.
Definitions: docs/scoring.md.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TypeVar

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy import Connection, Engine
from sqlmodel import Session

from forecasts.models import QuestionScore, QuestionTag, Tag, Team, User
from forecasts.scoring import summary
from forecasts.scoring.book import ScoreBook, book_from_rows
from forecasts.scoring.frames import BeforeFirst, check_policy
from forecasts.scoring.leaderboard import RANK_COLUMNS
from forecasts.scoring.store import score_frame, score_version
from forecasts.scoring.table import SCORE_COLUMNS

T = TypeVar("T")

_SCORE = QuestionScore.__table__  # type: ignore[attr-defined]
_USER = User.__table__  # type: ignore[attr-defined]
_TEAM = Team.__table__  # type: ignore[attr-defined]
_TAG = Tag.__table__  # type: ignore[attr-defined]
_QUESTION_TAG = QuestionTag.__table__  # type: ignore[attr-defined]
RANK_BY = ("forecaster", "team", "tag")


@dataclass(frozen=True)
class Selection:
    """Which stored rows a page reads: None in a field means no restriction by it."""

    subjects: Sequence[int] | None = None
    team_id: int | None = None
    tag_id: int | None = None
    question_id: int | None = None


def _conditions(selection: Selection) -> list[sa.ColumnElement[bool]]:
    column = _SCORE.c
    found: list[sa.ColumnElement[bool]] = []
    if selection.subjects is not None:
        found.append(column.subject_id.in_([int(i) for i in selection.subjects]))
    if selection.team_id is not None:
        members = sa.select(_USER.c.id).where(_USER.c.team_id == selection.team_id)
        found.append(column.subject_id.in_(members))
    if selection.tag_id is not None:
        tagged = sa.select(_QUESTION_TAG.c.question_id).where(
            _QUESTION_TAG.c.tag_id == selection.tag_id)
        found.append(column.question_id.in_(tagged))
    if selection.question_id is not None:
        found.append(column.question_id == selection.question_id)
    return found


@dataclass(frozen=True)
class StoredScores:
    """The score store at one version, read on demand (the ScoreCache hands these out)."""

    version: object
    engine: Engine
    # the request's own connection while a page builds from these (ScoreCache.derived): reads
    # then share its transaction and a cold worker opens no second database connection
    connection: Connection | None = None

    def _connect(self) -> AbstractContextManager[Connection]:
        return nullcontext(self.connection) if self.connection is not None \
            else self.engine.connect()

    def book(self, selection: Selection | None = None) -> ScoreBook:
        """A ScoreBook over the selected rows (all of them without a selection)."""
        query = sa.select(*(_SCORE.c[name] for name in SCORE_COLUMNS))
        query = query.where(*_conditions(selection or Selection()))
        with self._connect() as connection:
            rows = score_frame(connection, query)
        return book_from_rows(rows, version=self.version)

    def for_forecaster(self, forecaster_id: int) -> pd.DataFrame:
        """Time-weighted and relative Brier per question for one forecaster."""
        return self.book(Selection(subjects=[forecaster_id])).for_forecaster(forecaster_id)

    def for_question(self, question_id: int) -> pd.DataFrame:
        """Every subject's scores on one question (crowd aggregates included, negative ids)."""
        return self.book(Selection(question_id=question_id)).for_question(question_id)

    def horizon_sample(self, horizon: str) -> tuple[pd.DataFrame, int]:
        """Calibration by horizon's sample (probability, outcome: one row per final forecast in
        the window) and its number of questions, rebuilt from the stored counts."""
        with self._connect() as connection:
            cells, questions = summary.read_horizon(connection, horizon)
        repeat = cells["forecasts"].to_numpy(dtype=np.int64)
        return pd.DataFrame({
            "probability": np.repeat(cells["probability"].to_numpy(dtype=float), repeat),
            "outcome": np.repeat(cells["outcome"].to_numpy(dtype=float), repeat),
        }), questions

    def scored_subjects(self) -> frozenset[int]:
        """Ids of the forecasters and publications with at least one stored score."""
        query = sa.select(_SCORE.c.subject_id).where(_SCORE.c.subject_id > 0).distinct()
        with self._connect() as connection:
            return frozenset(int(i) for i in connection.execute(query).scalars())

    def leaderboard(
        self,
        *,
        by: str = "forecaster",
        before_first: BeforeFirst = "active",
        two_term: bool = False,
        min_questions: int = 1,
        start: datetime | None = None,
        end: datetime | None = None,
        tag: str | None = None,
        with_crowd: bool = True,
    ) -> pd.DataFrame:
        """`leaderboard.rank` over the stored rows, summed by the database (docs/scoring.md).

        Questions resolved in [start, end) and carrying `tag` (None: any); crowd aggregates join
        a ranking by forecaster when `with_crowd`. Raises ValueError for an unknown grouping
        or policy.
        """
        check_policy(before_first)
        if by == "forecaster" and start is None and end is None and tag is None:
            return self._unfiltered(before_first, 2.0 if two_term else 1.0, min_questions,
                                    with_crowd)
        source, key, conditions = _grouping(by, with_crowd)
        column = _SCORE.c
        if start is not None:
            conditions.append(column.resolved_at >= start)
        if end is not None:
            conditions.append(column.resolved_at < end)
        if tag is not None:
            tagged = (sa.select(_QUESTION_TAG.c.question_id)
                      .join(_TAG, _TAG.c.id == _QUESTION_TAG.c.tag_id).where(_TAG.c.name == tag))
            conditions.append(column.question_id.in_(tagged))
        brier, crowd = column[f"brier_{before_first}"], column[f"crowd_brier_{before_first}"]
        peered = column.peers > 0
        # one pass: sums per (group, Murphy bin); the group's totals are the sums of its bins
        cells = (sa.select(
            key, column.decile, sa.func.count().label("count"),
            sa.func.sum(column.probability).label("forecast"),
            sa.func.sum(column.outcome).label("hits"),
            sa.func.sum(column.forecasts).label("forecasts"),
            sa.func.sum(brier).label("brier"), sa.func.sum(column.coverage).label("coverage"),
            sa.func.sum(sa.case((peered, brier - crowd), else_=0.0)).label("relative"),
            sa.func.sum(sa.case((peered, 1), else_=0)).label("peered"),
        ).select_from(source).where(*conditions).group_by(key, column.decile))
        with self._connect() as connection:
            cells = pd.read_sql(cells, connection)
            if by == "forecaster":  # one row per (question, forecaster): rows are questions
                questions = cells.groupby(key.name)["count"].sum().rename("questions")
            else:  # team members, or a question's tags, share questions
                distinct = (sa.select(key, sa.func.count(sa.distinct(column.question_id))
                                      .label("questions"))
                            .select_from(source).where(*conditions).group_by(key))
                questions = pd.read_sql(distinct, connection).set_index(key.name)["questions"]
        sums = ["count", "forecasts", "brier", "coverage", "relative", "peered"]
        table = cells.groupby(key.name)[sums].sum().rename(columns={"count": "n"})
        table = table.join(questions).reset_index()
        return _finish(table, cells, key.name, 2.0 if two_term else 1.0, min_questions)

    def _unfiltered(self, before_first: str, scale: float, min_questions: int,
                    with_crowd: bool) -> pd.DataFrame:
        """The ranking by forecaster over every question, from the stored running sums."""
        with self._connect() as connection:
            cells = summary.read_cells(connection)
        if not with_crowd:
            cells = cells.loc[cells["subject_id"] > 0]
        cells = cells.rename(columns={
            "subject_id": "forecaster_id", "scores": "count", "probability": "forecast",
            "outcome": "hits", f"brier_{before_first}": "brier",
            f"relative_{before_first}": "relative"}).reset_index(drop=True)
        sums = ["count", "forecasts", "brier", "coverage", "relative", "peered"]
        table = cells.groupby("forecaster_id")[sums].sum().rename(columns={"count": "n"})
        table = table.assign(questions=table["n"]).reset_index()  # a row per question
        return _finish(table, cells, "forecaster_id", scale, min_questions)


def _grouping(
    by: str, with_crowd: bool
) -> tuple[sa.FromClause, sa.ColumnElement[object], list[sa.ColumnElement[bool]]]:
    """What to join, what to group by, and which subjects count, for a ranking `by`."""
    column = _SCORE.c
    if by == "forecaster":
        conditions = [] if with_crowd else [column.subject_id > 0]
        return _SCORE, column.subject_id.label("forecaster_id"), conditions
    if by == "team":
        source = _SCORE.join(_USER, _USER.c.id == column.subject_id).join(
            _TEAM, _TEAM.c.id == _USER.c.team_id)
        return source, _TEAM.c.name.label("team"), []
    if by == "tag":
        source = _SCORE.join(_QUESTION_TAG, _QUESTION_TAG.c.question_id == column.question_id
                             ).join(_TAG, _TAG.c.id == _QUESTION_TAG.c.tag_id)
        return source, _TAG.c.name.label("tag"), [column.subject_id > 0]
    raise ValueError(f"rank by {', '.join(RANK_BY)}, not {by!r}")


def _finish(table: pd.DataFrame, cells: pd.DataFrame, key: str, scale: float,
            min_questions: int) -> pd.DataFrame:
    """Means and Murphy terms from the database's sums, as leaderboard.rank computes them."""
    if table.empty:
        return pd.DataFrame(columns=[key, *RANK_COLUMNS])
    n = table["n"].to_numpy(dtype=float)
    table["brier"] = scale * table["brier"].to_numpy(dtype=float) / n
    table["coverage"] = table["coverage"].to_numpy(dtype=float) / n
    peered = table["peered"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        table["relative_brier"] = np.where(
            peered > 0, scale * table["relative"].to_numpy(dtype=float) / peered, np.nan)
    count = cells["count"].to_numpy(dtype=float)
    mean_forecast = cells["forecast"].to_numpy(dtype=float) / count
    frequency = cells["hits"].to_numpy(dtype=float) / count
    group = cells[key]
    total = pd.Series(count).groupby(group.to_numpy()).transform("sum").to_numpy()
    hits = pd.Series(cells["hits"].to_numpy(dtype=float)).groupby(group.to_numpy())
    base_rate = hits.transform("sum").to_numpy() / total
    terms = pd.DataFrame({
        key: group,
        "reliability": count * (mean_forecast - frequency) ** 2 / total,
        "resolution": count * (frequency - base_rate) ** 2 / total,
    }).groupby(key, sort=False).sum()
    table = table.join(terms, on=key)
    table["forecasts"] = table["forecasts"].astype(np.int64)
    table["questions"] = table["questions"].astype(np.int64)
    table = table.loc[table["questions"] >= min_questions, [key, *RANK_COLUMNS]]
    return table.sort_values(["relative_brier", "brier"], kind="stable",
                             na_position="last").reset_index(drop=True)


class ScoreCache:
    """The store's current version and whatever pages derived from it, per process.

    Each request costs one indexed query for the version; pages' tables are rebuilt only when it
    moved (a resolution, correction, annulment or rebuild; never a close, proposal or
    dismissal). Derived tables are kept per version in a small LRU.
    """

    def __init__(self, max_derived: int = 64) -> None:
        self._lock = threading.Lock()
        self._scores: StoredScores | None = None
        self._derived: OrderedDict[Hashable, object] = OrderedDict()
        self._max_derived = max_derived
        self.computations = 0  # how many times the version moved (for tests and benchmarks)

    def book(self, session: Session) -> StoredScores:
        """The stored scores at the database's current version."""
        version = score_version(session.connection())
        with self._lock:
            if self._scores is None or self._scores.version != version:
                self._scores = StoredScores(version, session.get_bind())  # type: ignore[arg-type]
                self._derived.clear()
                self.computations += 1
            return self._scores

    def derived(self, session: Session, key: Hashable, build: Callable[[StoredScores], T]) -> T:
        """``build(scores)``, computed once per version and key."""
        scores = self.book(session)
        with self._lock:
            full_key = (scores.version, key)
            if full_key in self._derived:
                self._derived.move_to_end(full_key)
                return self._derived[full_key]  # type: ignore[return-value]
        value = build(replace(scores, connection=session.connection()))
        with self._lock:
            self._derived[full_key] = value
            while len(self._derived) > self._max_derived:
                self._derived.popitem(last=False)
        return value

