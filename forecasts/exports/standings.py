"""Scores for the API and the exports: the one module that calls the score book and the
dashboards' maths, so a change there touches one place here.

The leaderboard applies the page's filters (tag, team, period of resolution, minimum count).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

import pandas as pd
from sqlmodel import Session

from forecasts.accounts import find_team
from forecasts.dashboards import (
    Calibration,
    calibration,
    crowd_finals,
    final_forecasts,
    questions_in_period,
    questions_tagged,
    team_members,
)
from forecasts.scorebook import (
    CROWD_IDS,
    ScoreBook,
    ScoreCache,
    forecaster_names,
    groups_for,
    ranking,
)


@dataclass(frozen=True)
class LeaderboardFilters:
    """The leaderboard page's filters: questions by tag and period of resolution, rows by team."""

    by: str = "forecaster"
    policy: str = "active"
    two_term: bool = False
    min_questions: int = 1
    tag: str = ""
    team: str = ""
    start: date | None = None  # resolved on or after this day (UTC)
    end: date | None = None  # resolved on or before this day (UTC)


def _midnight(day: date | None) -> datetime | None:
    return None if day is None else datetime(day.year, day.month, day.day, tzinfo=UTC)


def _in_period(book: ScoreBook, start: date | None, end: date | None,
               tagged: frozenset[int] | None) -> ScoreBook:
    stop = _midnight(end + timedelta(days=1)) if end else None  # the end day is included
    mask = questions_in_period(book.questions, _midnight(start), stop)
    if tagged is not None:
        mask &= book.questions["question_id"].isin(tagged)
    return replace(book, questions=book.questions.loc[mask])


def leaderboard(session: Session, cache: ScoreCache, filters: LeaderboardFilters) -> pd.DataFrame:
    """The ranking as the page shows it, with a ``name`` column first (forecasters' display
    names, the crowd aggregates' names, or the team or tag). Raises ValueError for a bad ``by``.
    """
    groups = groups_for(session, filters.by)
    tagged = questions_tagged(session, filters.tag) if filters.tag else None
    fingerprint = 0 if groups is None else int(pd.util.hash_pandas_object(groups).sum())
    key = ("export-ranking", filters, fingerprint, hash(tagged) if tagged is not None else 0)
    table = cache.derived(session, key, lambda book: ranking(
        _in_period(book, filters.start, filters.end, tagged), by=filters.by, groups=groups,
        min_questions=filters.min_questions, before_first=filters.policy,  # type: ignore[arg-type]
        two_term=filters.two_term))
    table = _only_team(session, table, filters)
    if table.empty:  # nothing scored yet: the columns alone
        return table.assign(name=[])[["name", *table.columns]]
    if filters.by == "forecaster":
        names = forecaster_names(session, table["forecaster_id"]) if not table.empty else {}
        labels = [names.get(int(i), "?") for i in table["forecaster_id"]]
    else:
        labels = [str(v) for v in table[filters.by]]
    return table.assign(name=labels)[["name", *table.columns]].reset_index(drop=True)


def _only_team(session: Session, table: pd.DataFrame, filters: LeaderboardFilters) -> pd.DataFrame:
    """Rows of the team's members (crowd rows stay, as the yardstick), or the team's own row."""
    if not filters.team or table.empty:
        return table
    if filters.by == "team":
        return table.loc[table["team"] == filters.team]
    if filters.by == "forecaster":
        team = find_team(session, filters.team)
        members = team_members(session, team.id) if team else []  # type: ignore[arg-type]
        return table.loc[table["forecaster_id"].isin(members) | (table["forecaster_id"] < 0)]
    return table


def question_scores(session: Session, cache: ScoreCache) -> pd.DataFrame:
    """Per (question, forecaster) time-weighted and relative Brier of every scored question,
    crowd aggregates included (negative ids), with a ``forecaster`` name column.
    """
    book = cache.book(session)
    table = pd.concat([book.pairs, book.crowd_pairs], ignore_index=True)
    if table.empty:
        return pd.DataFrame(columns=["question_id", "forecaster_id", "forecaster", "brier",
                                     "relative_brier"])
    names = forecaster_names(session, table["forecaster_id"])
    return table.assign(forecaster=[names.get(int(i), "?") for i in table["forecaster_id"]])


def forecaster_calibration(session: Session, cache: ScoreCache, forecaster_id: int, *,
                           n_bins: int = 10, strategy: str = "uniform") -> Calibration | None:
    """The forecaster's calibration over their final forecasts (None before any is scored)."""
    return cache.derived(session, ("export-calibration", forecaster_id, n_bins, strategy),
                         lambda book: calibration(_finals(book).loc[
                             lambda f: f["forecaster_id"] == forecaster_id],
                             n_bins=n_bins, strategy=strategy))


def crowd_calibration(session: Session, cache: ScoreCache, *, n_bins: int = 10,
                      strategy: str = "uniform") -> Calibration | None:
    """The crowd median's calibration at each question's end."""
    return cache.derived(session, ("export-crowd-calibration", n_bins, strategy),
                         lambda book: None if book.median is None else calibration(crowd_finals(
                             book.crowds, book.questions, CROWD_IDS["median"]),
                             n_bins=n_bins, strategy=strategy))


def _finals(book: ScoreBook) -> pd.DataFrame:
    if book.forecasts.empty or book.questions.empty:  # nothing scored: no final forecasts
        return pd.DataFrame(columns=["forecaster_id", "question_id", "probability", "outcome"])
    return final_forecasts(book.forecasts, book.questions)
