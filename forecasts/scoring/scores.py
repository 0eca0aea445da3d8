"""Per-question scores of binary forecasts: Brier, log score, time-weighted and relative Brier.

Data in, data out: pandas/numpy only, no database, no Flask, no clock. Definitions and sources
are in docs/scoring.md. Over time, a forecast holds from its created_at until the same
forecaster's next forecast on the question or the question's end = min(closes_at, resolved_at).
The scored period is [opens_at, end]; forecasts made at or after the end are ignored.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from forecasts.scoring.frames import (
    BeforeFirst,
    binary_outcomes,
    check_policy,
    crowd_members,
    probabilities,
)
from forecasts.scoring.intervals import (
    NS_PER_SECOND,
    crowd_lookup,
    crowd_score,
    mean_over_time,
    own_scores,
    with_policy,
)
from forecasts.scoring.timeline import ForecastTimeline, resolved_questions


def _scalar_or_array(values: np.ndarray) -> float | np.ndarray:
    return float(values) if values.ndim == 0 else values


def brier(
    probability: ArrayLike, outcome: ArrayLike, *, two_term: bool = False
) -> float | np.ndarray:
    """Squared error (p − o)² per forecast: 0 best, 1 worst, 0.25 for 50 %; `two_term` gives 0–2.

    Scalars give a float, array-likes a numpy array. Raises ValueError for a probability outside
    [0, 1] or missing, or an outcome other than 0/1.
    """
    score = (probabilities(probability) - binary_outcomes(outcome)) ** 2
    return _scalar_or_array(score * 2 if two_term else score)


def log_score(
    probability: ArrayLike, outcome: ArrayLike, *, eps: float = 1e-6
) -> float | np.ndarray:
    """Natural log of the probability given to what happened: higher is better, 0 best.

    Probabilities are clipped to [eps, 1 − eps] because ln 0 = −∞: a single confident miss would
    otherwise make every average containing it −∞; the clip caps that penalty at ln(eps) ≈ −13.8.
    Raises ValueError like `brier`.
    """
    p = np.clip(probabilities(probability), eps, 1 - eps)
    o = binary_outcomes(outcome)
    return _scalar_or_array(np.where(o == 1, np.log(p), np.log1p(-p)))


def score_table(
    forecasts: pd.DataFrame,
    questions: pd.DataFrame,
    *,
    before_first: str,
    crowd: pd.DataFrame | None,
    two_term: bool,
    versus_crowd: bool,
) -> pd.DataFrame:
    """Per (question, forecaster): time-weighted Brier, coverage, count, optionally the crowd's."""
    check_policy(before_first)
    return score_tables(forecasts, questions, policies=(before_first,), crowd=crowd,
                        two_term=two_term, versus_crowd=versus_crowd)[before_first]


def score_tables(
    forecasts: pd.DataFrame,
    questions: pd.DataFrame,
    *,
    policies: tuple[str, ...],
    crowd: pd.DataFrame | None,
    two_term: bool = False,
    versus_crowd: bool = True,
) -> dict[str, pd.DataFrame]:
    """`score_table` under each of `policies`, sharing the timeline and crowd steps between them.

    Raises ValueError for invalid input or an unknown policy.
    """
    for policy in policies:
        check_policy(policy)
    resolved = resolved_questions(questions)
    timeline = ForecastTimeline.from_frame(forecasts, questions=resolved.ids, before=resolved.end)
    own = own_scores(timeline, resolved)
    steps = at_begin = None
    if versus_crowd or "crowd" in policies:
        steps, at_begin = crowd_lookup(timeline, resolved, own, crowd)
    scale = 2.0 if two_term else 1.0
    period = (resolved.end - resolved.start)[own.question] / NS_PER_SECOND
    base = {
        "question_id": resolved.ids.take(own.question),
        "forecaster_id": timeline.forecasters.take(own.forecaster),
    }
    shared = {"coverage": own.covered / period, "forecasts": own.counted}
    if versus_crowd:
        shared["peers"] = peers(pd.DataFrame(base), forecasts)
    tables = {}
    # each table built from its columns at once (pandas' column-by-column assignment cost a
    # resolution more than the sums themselves)
    for policy in policies:
        total, seconds = with_policy(policy, own, resolved, steps, at_begin)
        columns = {**base, "brier": scale * mean_over_time(total, seconds), **shared}
        if versus_crowd:
            assert steps is not None and at_begin is not None  # looked up above for versus_crowd
            crowd_total, crowd_seconds = crowd_score(policy, own, resolved, steps, at_begin)
            columns["crowd_brier"] = scale * mean_over_time(crowd_total, crowd_seconds)
            columns["relative_brier"] = columns["brier"] - columns["crowd_brier"]
            columns["probability"] = own.last_probability
            columns["outcome"] = resolved.outcome[own.question]
        tables[policy] = pd.DataFrame(columns)
    return tables


def peers(table: pd.DataFrame, forecasts: pd.DataFrame) -> np.ndarray:
    """Per (question, forecaster) row: how many *other* crowd members were scored on the question.

    A relative score needs at least one: against a crowd of one, a member's relative score is 0
    by construction and would only dilute a mean (docs/scoring.md, "Who counts as a peer").
    Crowd members are the forecasters whose `in_crowd` is true (all of them without that column).
    """
    members = crowd_members(forecasts)["forecaster_id"].unique()
    member = table["forecaster_id"].isin(members).to_numpy()
    question, _ = pd.factorize(table["question_id"])
    per_question = np.bincount(question, weights=member).astype(np.int64)
    return per_question[question] - member


def time_weighted_brier(
    forecasts: pd.DataFrame,
    questions: pd.DataFrame,
    *,
    before_first: BeforeFirst = "active",
    crowd: pd.DataFrame | None = None,
    two_term: bool = False,
) -> pd.DataFrame:
    """Brier score averaged over time, per (question_id, forecaster_id).

    Each forecast's (p − o)² is weighted by how long it held within [opens_at, end]. Columns:
    question_id, forecaster_id, brier, coverage (share of the period from the forecaster's first
    forecast to the end), forecasts (number that held for some time). `before_first` decides the
    time between opens_at and the forecaster's first forecast:

    - `active` (default): left out; only the covered period is scored and coverage shows how much.
    - `crowd`: scored with the crowd's forecast standing then (`crowd`, a step function such as
      aggregates.crowd_history returns; None = the median of `forecasts`). Time before anyone
      forecast stays unscored.
    - `uninformed`: scored as a 50 % forecast (0.25; 0.5 on the two-term scale).

    `two_term` reports the 0–2 scale (exactly twice). Raises ValueError for invalid input.
    """
    table = score_table(
        forecasts,
        questions,
        before_first=before_first,
        crowd=crowd,
        two_term=two_term,
        versus_crowd=False,
    )
    return table[["question_id", "forecaster_id", "brier", "coverage", "forecasts"]]


def relative_brier(
    forecasts: pd.DataFrame,
    questions: pd.DataFrame,
    *,
    before_first: BeforeFirst = "active",
    crowd: pd.DataFrame | None = None,
    two_term: bool = False,
) -> pd.DataFrame:
    """Time-weighted Brier minus the crowd's over the same period: negative beats the crowd.

    The crowd (default: median of every forecaster's latest forecast at each instant, from
    `forecasts` itself; or a step function as from aggregates.crowd_history) is scored like a
    forecaster under the same `before_first` policy over the period the forecaster is scored on,
    so the crowd scored as a forecaster gets 0. Columns: question_id, forecaster_id, brier,
    crowd_brier, relative_brier, coverage, forecasts, peers (other crowd members scored on the
    question; a mean of relative scores leaves out rows with none). Raises ValueError for
    invalid input.
    """
    table = score_table(
        forecasts,
        questions,
        before_first=before_first,
        crowd=crowd,
        two_term=two_term,
        versus_crowd=True,
    )
    return table[
        [
            "question_id",
            "forecaster_id",
            "brier",
            "crowd_brier",
            "relative_brier",
            "coverage",
            "forecasts",
            "peers",
        ]
    ]
