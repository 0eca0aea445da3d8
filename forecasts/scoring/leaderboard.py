"""Leaderboards: per-question scores grouped by forecaster, team, tag or period.

Definitions: docs/scoring.md.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecasts.scoring.calibration import bin_of
from forecasts.scoring.frames import BeforeFirst, require_columns
from forecasts.scoring.scores import score_table


def _group_columns(
    by: str | list[str], scores: pd.DataFrame, groups: pd.DataFrame | None
) -> tuple[list[str], pd.DataFrame]:
    """The grouping columns and the per-(question, forecaster) scores joined to `groups`."""
    names = [by] if isinstance(by, str) else list(by)
    names = ["forecaster_id" if name == "forecaster" else name for name in names]
    if groups is not None:
        keys = [key for key in ("question_id", "forecaster_id") if key in groups.columns]
        if not keys:
            raise ValueError("groups needs a question_id or forecaster_id column")
        extra = [name for name in names if name not in scores.columns]
        require_columns(groups, extra, "groups")
        scores = scores.merge(groups[keys + extra].drop_duplicates(), on=keys, how="inner")
    require_columns(scores, names, "leaderboard rows (pass groups with these columns)")
    return names, scores


def _murphy_terms(
    code: np.ndarray, probability: np.ndarray, outcome: np.ndarray, n_groups: int, n_bins: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per group, reliability and resolution over `n_bins` equal-width bins."""
    cell = code * n_bins + bin_of(probability, np.linspace(0.0, 1.0, n_bins + 1))
    size = n_groups * n_bins
    count = np.bincount(cell, minlength=size).reshape(n_groups, n_bins)
    forecast_sum = np.bincount(cell, weights=probability, minlength=size).reshape(n_groups, n_bins)
    hit_sum = np.bincount(cell, weights=outcome, minlength=size).reshape(n_groups, n_bins)
    filled = count > 0
    mean_forecast = np.divide(forecast_sum, count, out=np.zeros_like(forecast_sum), where=filled)
    frequency = np.divide(hit_sum, count, out=np.zeros_like(hit_sum), where=filled)
    n = count.sum(axis=1)
    base_rate = hit_sum.sum(axis=1) / n
    reliability = (count * (mean_forecast - frequency) ** 2).sum(axis=1) / n
    resolution = (count * (frequency - base_rate[:, None]) ** 2).sum(axis=1) / n
    return reliability, resolution


def _distinct_questions(code: np.ndarray, question_id: pd.Series, n_groups: int) -> np.ndarray:
    """Per group, how many different questions its rows cover (team members may share one)."""
    question = pd.factorize(question_id)[0].astype(np.int64)
    width = int(question.max(initial=0)) + 1
    pair = np.sort(code * width + question)
    distinct = pair[np.append(True, pair[1:] != pair[:-1])[: pair.size]]
    return np.bincount(distinct // width, minlength=n_groups)


RANK_COLUMNS: tuple[str, ...] = (
    "questions", "forecasts", "brier", "relative_brier", "coverage", "reliability", "resolution",
)


def rank(
    scores: pd.DataFrame,
    *,
    by: str | list[str] = "forecaster",
    groups: pd.DataFrame | None = None,
    min_questions: int = 1,
    n_bins: int = 10,
) -> pd.DataFrame:
    """Per-question scores aggregated into one row per forecaster (or team, tag, ...), best first.

    `scores` has a row per (question, forecaster) with question_id, forecaster_id, brier,
    relative_brier, peers, coverage, forecasts, probability (the final forecast) and outcome, as
    `score_table` or the score store give. `by` and `groups` as in `leaderboard`. The relative
    mean leaves out rows without peers (NaN when a group has none): those terms are 0 by
    construction. Raises ValueError for invalid input.
    """
    names, scores = _group_columns(by, scores, groups)
    if scores.empty:
        return pd.DataFrame(columns=[*names, *RANK_COLUMNS])
    code = scores.groupby(names, sort=False, observed=True).ngroup().to_numpy()
    scores, code = scores.loc[code >= 0], code[code >= 0]  # rows with a missing key have no group
    n_groups = int(code.max(initial=-1)) + 1
    count = np.bincount(code, minlength=n_groups)
    reliability, resolution = _murphy_terms(
        code, scores["probability"].to_numpy(), scores["outcome"].to_numpy(), n_groups, n_bins
    )
    # ngroup(sort=False) numbers groups by first appearance: a row opens a group iff its code is new
    opens_group = np.append(True, code[1:] > np.maximum.accumulate(code)[:-1])[: code.size]
    table = scores[names].iloc[np.flatnonzero(opens_group)].reset_index(drop=True)
    table["questions"] = _distinct_questions(code, scores["question_id"], n_groups)
    table["forecasts"] = np.bincount(code, weights=scores["forecasts"], minlength=n_groups).astype(
        np.int64
    )
    table["brier"] = np.bincount(code, weights=scores["brier"], minlength=n_groups) / count
    with_peers = scores["peers"].to_numpy() > 0
    relative = np.where(with_peers, scores["relative_brier"].to_numpy(), 0.0)
    peered = np.bincount(code, weights=with_peers, minlength=n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        table["relative_brier"] = np.bincount(code, weights=relative, minlength=n_groups) / peered
    table["coverage"] = np.bincount(code, weights=scores["coverage"], minlength=n_groups) / count
    table["reliability"] = reliability
    table["resolution"] = resolution
    table = table.loc[table["questions"] >= min_questions]
    return table.sort_values(
        ["relative_brier", "brier"], kind="stable", na_position="last"
    ).reset_index(drop=True)


def leaderboard(
    forecasts: pd.DataFrame,
    questions: pd.DataFrame,
    *,
    by: str | list[str] = "forecaster",
    groups: pd.DataFrame | None = None,
    min_questions: int = 1,
    before_first: BeforeFirst = "active",
    n_bins: int = 10,
    two_term: bool = False,
    crowd: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per forecaster (or team, tag, ...), best first, scored from raw forecasts.

    `by` names the grouping column(s): "forecaster" (= forecaster_id) by default, or columns of
    `groups`, a DataFrame keyed by forecaster_id (e.g. columns forecaster_id, team) and/or
    question_id (e.g. question_id, tag). Mappings may be many-to-many: a score counts once in
    every group it maps to. Examples: by="team" with teams; by=["tag", "forecaster"] with tags for
    a per-tag table of forecasters.

    Columns: the `by` columns, questions (distinct questions scored), forecasts, brier (mean
    time-weighted Brier over the group's (question, forecaster) scores), relative_brier (mean,
    against the crowd median, over the questions where the forecaster had at least one peer in
    the crowd), coverage (mean), reliability and resolution (Murphy, over each forecaster's last
    forecast before the end of each question, in `n_bins` equal-width bins, the calibration
    table's bins). Sorted by relative_brier then brier, since the relative score is fair between
    forecasters who answered different questions. Groups with fewer than `min_questions`
    questions are dropped. `crowd` is the reference for the relative score (a step function as
    from aggregates.crowd_history; None = the median of `forecasts`). Definitions:
    docs/scoring.md. Raises ValueError for invalid input.
    """
    scores = score_table(
        forecasts,
        questions,
        before_first=before_first,
        crowd=crowd,
        two_term=two_term,
        versus_crowd=True,
    )
    return rank(scores, by=by, groups=groups, min_questions=min_questions, n_bins=n_bins)
