"""Scores for the API, the exports and the leaderboard page: the one module that reads the score
store for them, so the page's filters mean the same everywhere.

The leaderboard applies the page's filters (tag, team, period of resolution, minimum count).
Definitions: docs/scoring.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pandas as pd
from sqlmodel import Session

from forecasts.accounts.people import find_team, team_named
from forecasts.errors import ValidationFailed
from forecasts.questions.catalog import tag_named
from forecasts.scoring.book import CROWD_IDS, aggregate_of, forecaster_names, is_crowd
from forecasts.scoring.reader import ScoreCache, Selection
from forecasts.scoring.reports import Calibration, calibration
from forecasts.scoring.subjects import member_ids

# The uninformed policy (time before a first forecast scored as 50 %) was called "ignorance"
# until that name was seen to collide with the literature's ignorance score, the logarithmic
# score. Clients that still send the old name (API, leaderboard links, scripts) get the same
# scores; nothing the product emits uses it.
DEPRECATED_POLICY_NAMES: dict[str, str] = {"ignorance": "uninformed"}


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


def named_filters(session: Session, *, tag: str | None, team: str | None) -> tuple[str, str]:
    """The stored spellings of the tag and the team a leaderboard filter names ("" for none):
    `catalog.tag_named` and `people.team_named`, with both refusals at once.

    Raises ValidationFailed (fields ``tag``, ``team``) when no tag or team has that name.
    """
    found, problems = [], {}
    for lookup, name in ((tag_named, tag), (team_named, team)):
        try:
            found.append(lookup(session, name))
        except ValidationFailed as error:
            problems.update(error.fields)
            found.append("")
    if problems:
        raise ValidationFailed(problems)
    return found[0], found[1]


def _midnight(day: date | None) -> datetime | None:
    return None if day is None else datetime(day.year, day.month, day.day, tzinfo=UTC)


def leaderboard_by_id(session: Session, cache: ScoreCache,
                      filters: LeaderboardFilters) -> pd.DataFrame:
    """The stored scores ranked with the filters applied (ids, no names), cached per version.

    Raises ValueError for a bad ``by`` or policy.
    """
    start = _midnight(filters.start)
    end = _midnight(filters.end + timedelta(days=1)) if filters.end else None  # `end` included
    table = cache.derived(session, ("leaderboard", filters), lambda scores: scores.leaderboard(
        by=filters.by, before_first=filters.policy,  # type: ignore[arg-type]
        two_term=filters.two_term, min_questions=filters.min_questions, start=start, end=end,
        tag=filters.tag or None))
    return _only_team(session, table, filters)


def leaderboard(session: Session, cache: ScoreCache, filters: LeaderboardFilters) -> pd.DataFrame:
    """The leaderboard as the page shows it, with a ``name`` column first (forecasters' display
    names, the crowd aggregates' names, or the team or tag) and an ``aggregate`` column naming
    the crowd aggregate a row stands for ("" for a person, team or tag). Raises ValueError for
    a bad ``by``.
    """
    table = leaderboard_by_id(session, cache, filters)
    if table.empty:  # nothing scored yet: the columns alone
        return table.assign(name=[], aggregate=[])[["name", "aggregate", *table.columns]]
    if filters.by == "forecaster":
        names = forecaster_names(session, table["forecaster_id"])
        labels = [names.get(int(i), "?") for i in table["forecaster_id"]]
        aggregates = aggregate_of(table["forecaster_id"])
    else:
        labels, aggregates = [str(v) for v in table[filters.by]], [""] * len(table)
    return table.assign(name=labels, aggregate=aggregates)[
        ["name", "aggregate", *table.columns]].reset_index(drop=True)


def _only_team(session: Session, table: pd.DataFrame, filters: LeaderboardFilters) -> pd.DataFrame:
    """Rows of the team's members (crowd rows stay, as the yardstick), or the team's own row."""
    if not filters.team or table.empty:
        return table
    if filters.by == "team":
        return table.loc[table["team"] == filters.team]
    if filters.by == "forecaster":
        team = find_team(session, filters.team)
        members = member_ids(session, team.id) if team else []  # type: ignore[arg-type]
        return table.loc[table["forecaster_id"].isin(members) | is_crowd(table["forecaster_id"])]
    return table


def question_scores(session: Session, cache: ScoreCache) -> pd.DataFrame:
    """Per (question, forecaster) time-weighted and relative Brier of every scored question,
    crowd aggregates included (negative ids), with a ``forecaster`` name column.
    """
    book = cache.book(session).book()
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
                         lambda scores: calibration(
                             scores.book(Selection(subjects=[forecaster_id])).finals(),
                             n_bins=n_bins, strategy=strategy))


def crowd_calibration(session: Session, cache: ScoreCache, *, n_bins: int = 10,
                      strategy: str = "uniform") -> Calibration | None:
    """The crowd median's calibration at each question's end (None before any is scored)."""
    median = CROWD_IDS["median"]
    return cache.derived(session, ("export-crowd-calibration", n_bins, strategy),
                         lambda scores: calibration(
                             scores.book(Selection(subjects=[median])).crowd_finals(median),
                             n_bins=n_bins, strategy=strategy))
