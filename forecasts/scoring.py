"""Scores for binary forecasts: Brier (plain, over time, relative), log, Murphy, calibration.

Data in, data out: pandas/numpy only, no database, no Flask, no clock. Definitions and sources
are in SCORING.md. Forecasts: `question_id`, `forecaster_id`, `probability`, `created_at` (UTC
instants). Questions: `question_id`, `opens_at`, `closes_at`, `resolved_at`, `outcome` (1, 0, or
missing when unresolved or annulled). Questions with a missing outcome are never scored.

Over time, a forecast holds from its created_at until the same forecaster's next forecast on the
question or the question's end = min(closes_at, resolved_at) (closes_at when resolved_at is
missing). The scored period is [opens_at, end]; forecasts made at or after the end are ignored.
Everything is computed from intervals, exact to the nanosecond (no expansion into days).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from forecasts.aggregate import (
    NAT,
    ForecastTimeline,
    instants_ns,
    outcomes,
    probabilities,
    require_columns,
)

__all__ = [
    "brier",
    "calibration_table",
    "leaderboard",
    "log_score",
    "murphy_decomposition",
    "relative_brier",
    "time_weighted_brier",
]

BeforeFirst = Literal["active", "crowd", "ignorance"]
POLICIES: tuple[str, ...] = ("active", "crowd", "ignorance")
QUESTION_COLUMNS: tuple[str, ...] = (
    "question_id",
    "opens_at",
    "closes_at",
    "resolved_at",
    "outcome",
)
IGNORANCE = 0.25  # one-term Brier of a 50 % forecast
NS_PER_SECOND = 1e9


def _binary(outcome: ArrayLike) -> np.ndarray:
    """Outcomes that must all be 0 or 1 (a missing one is an error here, not a skip)."""
    values = outcomes(outcome)
    if np.isnan(values).any():
        raise ValueError("outcome must be 0 or 1: unresolved questions cannot be scored")
    return values


def _scalar_or_array(values: np.ndarray) -> float | np.ndarray:
    return float(values) if values.ndim == 0 else values


def brier(
    probability: ArrayLike, outcome: ArrayLike, *, two_term: bool = False
) -> float | np.ndarray:
    """Squared error (p − o)² per forecast: 0 best, 1 worst, 0.25 for 50 %; `two_term` gives 0–2.

    Scalars give a float, array-likes a numpy array. Raises ValueError for a probability outside
    [0, 1] or missing, or an outcome other than 0/1.
    """
    score = (probabilities(probability) - _binary(outcome)) ** 2
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
    o = _binary(outcome)
    return _scalar_or_array(np.where(o == 1, np.log(p), np.log1p(-p)))


# ---------------------------------------------------------------- calibration and Murphy


class MurphyDecomposition(NamedTuple):
    """Brier = reliability − resolution + uncertainty + within-bin variance − covariance."""

    brier: float
    reliability: float
    resolution: float
    uncertainty: float
    within_bin_variance: float
    within_bin_covariance: float


def _pair(probability: ArrayLike, outcome: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    p = np.ravel(probabilities(probability))
    o = np.ravel(_binary(outcome))
    if p.size != o.size or p.size == 0:
        raise ValueError("probability and outcome must be non-empty and the same length")
    return p, o


def _bin_of(probability: np.ndarray, edges: np.ndarray) -> np.ndarray:
    # sklearn.calibration.calibration_curve's rule: a value on an inner edge goes to the lower bin
    return np.searchsorted(edges[1:-1], probability)


def _bins(
    probability: np.ndarray, bins: int | ArrayLike | None
) -> tuple[np.ndarray, np.ndarray | None]:
    """Bin index per forecast and, for distinct-value bins, each bin's exact forecast value."""
    if bins is None:
        values, index = np.unique(probability, return_inverse=True)
        return index, values
    if np.ndim(bins) == 0:
        edges = np.linspace(0.0, 1.0, int(bins) + 1)
    else:
        edges = np.asarray(bins, dtype=float)
    if edges.size < 2 or np.any(np.diff(edges) < 0):
        raise ValueError("bins must be a positive count or increasing edges")
    return _bin_of(probability, edges), None


def murphy_decomposition(
    probability: ArrayLike, outcome: ArrayLike, *, bins: int | ArrayLike | None = None
) -> MurphyDecomposition:
    """Murphy's decomposition of the Brier score, with Stephenson et al.'s (2008) within-bin terms.

    `bins=None` bins by distinct forecast value, so the within-bin terms are 0 and
    Brier = REL − RES + UNC exactly; an int gives that many equal-width bins on [0, 1], an array
    gives edges (both with sklearn's edge rule). Coarser bins need the within-bin variance and
    covariance for the identity to hold. Raises ValueError for invalid or empty input.
    """
    p, o = _pair(probability, outcome)
    index, distinct = _bins(p, bins)
    count = np.bincount(index)
    filled = count > 0
    n = p.size
    mean_forecast = (
        np.bincount(index, weights=p)[filled] / count[filled] if distinct is None else distinct
    )
    frequency = np.bincount(index, weights=o)[filled] / count[filled]
    base_rate = o.mean()
    # deviations from each row's own bin mean; map bins to the compacted (non-empty) numbering
    compact = np.cumsum(filled) - 1
    forecast_deviation = p - mean_forecast[compact[index]]
    outcome_deviation = o - frequency[compact[index]]
    return MurphyDecomposition(
        brier=float(np.mean((p - o) ** 2)),
        reliability=float(np.sum(count[filled] * (mean_forecast - frequency) ** 2) / n),
        resolution=float(np.sum(count[filled] * (frequency - base_rate) ** 2) / n),
        uncertainty=float(base_rate * (1 - base_rate)),
        within_bin_variance=float(np.sum(forecast_deviation**2) / n),
        within_bin_covariance=float(2 * np.sum(outcome_deviation * forecast_deviation) / n),
    )


def _edges(probability: np.ndarray, n_bins: int, strategy: str) -> np.ndarray:
    if strategy == "quantile":
        return np.percentile(probability, np.linspace(0, 1, n_bins + 1) * 100)
    if strategy == "uniform":
        return np.linspace(0.0, 1.0, n_bins + 1)
    raise ValueError(f"strategy must be 'uniform' or 'quantile', not {strategy!r}")


def proportion_interval(
    hits: np.ndarray, count: np.ndarray, interval: str = "wilson", level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Two-sided `level` interval (Wilson or Jeffreys) for binomial proportions hits/count."""
    # scipy.stats takes over a second to import; load it only when an interval is asked for.
    from scipy.stats import beta, norm

    tail = (1 - level) / 2
    if interval == "jeffreys":
        # Brown, Cai & DasGupta (2001): the Jeffreys ends are 0 / 1 when all fail / all succeed
        low = np.where(hits == 0, 0.0, beta.ppf(tail, hits + 0.5, count - hits + 0.5))
        high = np.where(hits == count, 1.0, beta.ppf(1 - tail, hits + 0.5, count - hits + 0.5))
        return low, high
    if interval == "wilson":
        z = norm.ppf(1 - tail)
        centre = (hits + z**2 / 2) / (count + z**2)
        half = z / (count + z**2) * np.sqrt(hits * (count - hits) / count + z**2 / 4)
        # algebraically exact at 0 and 1 when all fail or all succeed; rounding is not
        low = np.where(hits == 0, 0.0, np.clip(centre - half, 0, 1))
        return low, np.where(hits == count, 1.0, np.clip(centre + half, 0, 1))
    raise ValueError(f"interval must be 'wilson' or 'jeffreys', not {interval!r}")


def calibration_table(
    probability: ArrayLike,
    outcome: ArrayLike,
    *,
    n_bins: int = 10,
    strategy: Literal["uniform", "quantile"] = "uniform",
    interval: Literal["wilson", "jeffreys"] = "wilson",
    level: float = 0.95,
) -> pd.DataFrame:
    """Per non-empty bin: bin_low, bin_high, mean_forecast, observed_frequency, count, ci_low/high.

    Bins, edge rule and empty-bin dropping match sklearn.calibration.calibration_curve
    (observed_frequency = prob_true, mean_forecast = prob_pred). Plot each bin at its mean
    forecast, not its centre. Raises ValueError for invalid input, strategy or interval.
    """
    p, o = _pair(probability, outcome)
    edges = _edges(p, n_bins, strategy)
    index = _bin_of(p, edges)
    count = np.bincount(index, minlength=n_bins)
    filled = np.flatnonzero(count)
    hits = np.bincount(index, weights=o, minlength=n_bins)[filled]
    total = count[filled]
    low, high = proportion_interval(hits, total, interval, level)
    return pd.DataFrame(
        {
            "bin_low": edges[filled],
            "bin_high": edges[filled + 1],
            "mean_forecast": np.bincount(index, weights=p, minlength=n_bins)[filled] / total,
            "observed_frequency": hits / total,
            "count": total,
            "ci_low": low,
            "ci_high": high,
        }
    )


# ---------------------------------------------------------------- scores over time


@dataclass(frozen=True)
class _Questions:
    """Resolved questions with a non-empty scored period; times in int64 ns."""

    ids: pd.Index
    start: np.ndarray
    end: np.ndarray
    outcome: np.ndarray


def _resolved_questions(questions: pd.DataFrame) -> _Questions:
    require_columns(questions, QUESTION_COLUMNS, "questions")
    outcome = outcomes(questions["outcome"].to_numpy())
    # sorted so that results come out in question order whatever the row order
    resolved = questions.loc[~np.isnan(outcome)].sort_values("question_id", kind="stable")
    outcome = outcomes(resolved["outcome"].to_numpy())
    ids = pd.Index(resolved["question_id"])
    if not ids.is_unique:
        raise ValueError("questions.question_id must be unique")
    start = instants_ns(resolved["opens_at"])
    closes = instants_ns(resolved["closes_at"])
    ended = instants_ns(resolved["resolved_at"])
    if (start == NAT).any() or (closes == NAT).any():
        raise ValueError("resolved questions need opens_at and closes_at")
    end = np.where(ended == NAT, closes, np.minimum(closes, ended))
    scored = end > start
    return _Questions(ids[scored], start[scored], end[scored], outcome[scored])


@dataclass(frozen=True)
class _Own:
    """Per (question, forecaster) run: what the forecaster's own forecasts score."""

    question: np.ndarray
    forecaster: np.ndarray
    first_event: np.ndarray
    begin: np.ndarray  # ns: max(first forecast, opens_at)
    total: np.ndarray  # Σ (p − o)² · seconds held
    covered: np.ndarray  # seconds from begin to the end
    counted: np.ndarray
    last_probability: np.ndarray


def _own_scores(timeline: ForecastTimeline, questions: _Questions) -> _Own:
    event = timeline.chain
    question = timeline.question[event]
    created = timeline.created_at[event]
    heads, tails = timeline.group_start, timeline.group_end
    until = np.empty_like(created)
    until[:-1] = created[1:]
    until[tails] = questions.end[question[tails]]
    begin = np.maximum(created, questions.start[question])
    # a forecast superseded before the question opened holds for no time
    seconds = np.maximum(until - begin, 0) / NS_PER_SECOND
    error = (timeline.probability[event] - questions.outcome[question]) ** 2
    return _Own(
        question=question[heads],
        forecaster=timeline.forecaster[event[heads]],
        first_event=event[heads],
        begin=begin[heads],
        total=np.add.reduceat(error * seconds, heads),
        covered=np.add.reduceat(seconds, heads),
        counted=np.add.reduceat((seconds > 0).astype(np.int64), heads),
        last_probability=timeline.probability[event[tails]],
    )


@dataclass(frozen=True)
class _Steps:
    """A crowd step function per question, clipped to the scored period."""

    start_of: np.ndarray  # per question: index of its first step (len = questions + 1)
    low: np.ndarray  # ns: each step's clipped start
    error: np.ndarray  # (crowd − o)²
    tail: np.ndarray  # ∫ (crowd − o)² dt from each step's start to the end, in seconds

    def first(self, question: np.ndarray) -> np.ndarray:
        """Index of each question's first step."""
        return self.start_of[question]

    def integral_from(self, step: np.ndarray, instant: np.ndarray) -> np.ndarray:
        """∫ (crowd − o)² dt from `instant` (no earlier than `step`'s start) to the end."""
        skipped = np.maximum(instant, self.low[step]) - self.low[step]
        return self.tail[step] - self.error[step] * skipped / NS_PER_SECOND


def _steps(
    question: np.ndarray, created: np.ndarray, value: np.ndarray, questions: _Questions
) -> _Steps:
    """Steps sorted by (question, time); each holds until the next on its question or the end."""
    n_questions = len(questions.ids)
    start_of = np.concatenate(([0], np.cumsum(np.bincount(question, minlength=n_questions))))
    until = np.empty_like(created)
    until[:-1] = created[1:]
    last = np.append(question[1:] != question[:-1], True)[: question.size]
    until[last] = questions.end[question[last]]
    start, end = questions.start[question], questions.end[question]
    low = np.clip(created, start, end)
    error = (value - questions.outcome[question]) ** 2
    area = error * (np.clip(until, start, end) - low) / NS_PER_SECOND
    count = np.diff(start_of)
    heads = start_of[:-1][count > 0]
    total = np.add.reduceat(area, heads) if heads.size else np.zeros(0)
    # taking each question's total back off at the next question's first step keeps the running
    # sum (and its rounding) at the size of one question, not of everything before it
    restarted = area.copy()
    restarted[heads[1:]] -= total[:-1]
    before = np.cumsum(restarted) - area
    return _Steps(start_of, low, error, np.repeat(total, count[count > 0]) - before)


def _step_index(
    steps: _Steps,
    step_question: np.ndarray,
    step_time: np.ndarray,
    question: np.ndarray,
    instant: np.ndarray,
) -> np.ndarray:
    """Index of the last step of `question` at or before `instant` (its first step if none is)."""
    _, rank = np.unique(np.concatenate((step_time, instant)), return_inverse=True)
    width = int(rank.max(initial=0)) + 1
    key = step_question.astype(np.int64) * width + rank[: step_time.size]
    probe = question.astype(np.int64) * width + rank[step_time.size :]
    index = np.searchsorted(key, probe, side="right") - 1
    return np.maximum(index, steps.first(question))


def _crowd_lookup(
    timeline: ForecastTimeline, questions: _Questions, own: _Own, crowd: pd.DataFrame | None
) -> tuple[_Steps, np.ndarray]:
    """The crowd's steps and, per run, the step standing at the run's first forecast."""
    if crowd is None:
        # the median's steps are this timeline's events, so a run's first event is its step
        steps = _steps(timeline.question, timeline.created_at, timeline.crowd("median"), questions)
        return steps, own.first_event
    given = ForecastTimeline.from_frame(crowd, questions=questions.ids, before=questions.end)
    steps = _steps(given.question, given.created_at, given.probability, questions)
    if np.any(steps.start_of[own.question + 1] == steps.start_of[own.question]):
        raise ValueError("crowd has no forecast on a question that forecasters scored on")
    index = _step_index(steps, given.question, given.created_at, own.question, own.begin)
    return steps, index


def _with_policy(
    policy: str, own: _Own, questions: _Questions, steps: _Steps | None, at_begin: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """The forecaster's (Σ error · seconds, seconds) with time before the first forecast filled."""
    if policy == "active":
        return own.total, own.covered
    opens = questions.start[own.question]
    if policy == "ignorance":
        gap = (own.begin - opens) / NS_PER_SECOND
        return own.total + IGNORANCE * gap, own.covered + gap
    first = steps.first(own.question)
    # before anyone forecast there is no crowd, so that time stays unscored
    gap = np.maximum(own.begin - steps.low[first], 0) / NS_PER_SECOND
    filled = steps.tail[first] - steps.integral_from(at_begin, own.begin)
    return own.total + filled, own.covered + gap


def _crowd_score(
    policy: str, own: _Own, questions: _Questions, steps: _Steps, at_begin: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The crowd's (Σ error · seconds, seconds) over the period the forecaster is scored on."""
    end, opens = questions.end[own.question], questions.start[own.question]
    first = steps.first(own.question)
    crowd_begins = steps.low[first]
    if policy == "active":
        since = np.maximum(own.begin, crowd_begins)
        return steps.integral_from(at_begin, own.begin), (end - since) / NS_PER_SECOND
    if policy == "crowd":
        return steps.tail[first], (end - crowd_begins) / NS_PER_SECOND
    before_crowd = (crowd_begins - opens) / NS_PER_SECOND
    return steps.tail[first] + IGNORANCE * before_crowd, (end - opens) / NS_PER_SECOND


def _mean_over_time(total: np.ndarray, seconds: np.ndarray) -> np.ndarray:
    # differences of running integrals can stray a few ulps outside [0, 1]
    return np.clip(total / seconds, 0.0, 1.0)


def _check_policy(before_first: str) -> None:
    if before_first not in POLICIES:
        raise ValueError(f"before_first must be one of {', '.join(POLICIES)}, not {before_first!r}")


def _score_table(
    forecasts: pd.DataFrame,
    questions: pd.DataFrame,
    *,
    before_first: str,
    crowd: pd.DataFrame | None,
    two_term: bool,
    versus_crowd: bool,
) -> pd.DataFrame:
    """Per (question, forecaster): time-weighted Brier, coverage, count, optionally the crowd's."""
    _check_policy(before_first)
    resolved = _resolved_questions(questions)
    timeline = ForecastTimeline.from_frame(forecasts, questions=resolved.ids, before=resolved.end)
    own = _own_scores(timeline, resolved)
    steps = at_begin = None
    if versus_crowd or before_first == "crowd":
        steps, at_begin = _crowd_lookup(timeline, resolved, own, crowd)
    scale = 2.0 if two_term else 1.0
    total, seconds = _with_policy(before_first, own, resolved, steps, at_begin)
    period = (resolved.end - resolved.start)[own.question] / NS_PER_SECOND
    table = pd.DataFrame(
        {
            "question_id": resolved.ids.take(own.question),
            "forecaster_id": timeline.forecasters.take(own.forecaster),
            "brier": scale * _mean_over_time(total, seconds),
            "coverage": own.covered / period,
            "forecasts": own.counted,
        }
    )
    if versus_crowd:
        crowd_total, crowd_seconds = _crowd_score(before_first, own, resolved, steps, at_begin)
        table["crowd_brier"] = scale * _mean_over_time(crowd_total, crowd_seconds)
        table["relative_brier"] = table["brier"] - table["crowd_brier"]
        table["probability"] = own.last_probability
        table["outcome"] = resolved.outcome[own.question]
    return table


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
      aggregate.crowd_history returns; None = the median of `forecasts`). Time before anyone
      forecast stays unscored.
    - `ignorance`: scored as a 50 % forecast (0.25; 0.5 on the two-term scale).

    `two_term` reports the 0–2 scale (exactly twice). Raises ValueError for invalid input.
    """
    table = _score_table(
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
    `forecasts` itself; or a step function as from aggregate.crowd_history) is scored like a
    forecaster under the same `before_first` policy over the period the forecaster is scored on,
    so the crowd scored as a forecaster gets 0. Columns: question_id, forecaster_id, brier,
    crowd_brier, relative_brier, coverage, forecasts. Raises ValueError for invalid input.
    """
    table = _score_table(
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
        ]
    ]


# ---------------------------------------------------------------- leaderboard


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
    cell = code * n_bins + _bin_of(probability, np.linspace(0.0, 1.0, n_bins + 1))
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
    """One row per forecaster (or team, tag, ...), best first.

    `by` names the grouping column(s): "forecaster" (= forecaster_id) by default, or columns of
    `groups`, a DataFrame keyed by forecaster_id (e.g. columns forecaster_id, team) and/or
    question_id (e.g. question_id, tag). Mappings may be many-to-many: a score counts once in
    every group it maps to. Examples: by="team" with teams; by=["tag", "forecaster"] with tags for
    a per-tag table of forecasters.

    Columns: the `by` columns, questions (distinct questions scored), forecasts, brier (mean
    time-weighted Brier over the group's (question, forecaster) scores), relative_brier (mean,
    against the crowd median), coverage (mean), reliability and resolution (Murphy, over each
    forecaster's last forecast before the end of each question, in `n_bins` equal-width bins,
    the calibration table's bins). Sorted by relative_brier then brier, since the relative score
    is fair between forecasters who answered different questions. Groups with fewer than
    `min_questions` questions are dropped. `crowd` is the reference for the relative score (a
    step function as from aggregate.crowd_history; None = the median of `forecasts`), so crowd
    aggregates can be ranked as pseudo-forecasters against the forecasters' median. Raises
    ValueError for invalid input.
    """
    scores = _score_table(
        forecasts,
        questions,
        before_first=before_first,
        crowd=crowd,
        two_term=two_term,
        versus_crowd=True,
    )
    names, scores = _group_columns(by, scores, groups)
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
    for column in ("brier", "relative_brier", "coverage"):
        table[column] = np.bincount(code, weights=scores[column], minlength=n_groups) / count
    table["reliability"] = reliability
    table["resolution"] = resolution
    table = table.loc[table["questions"] >= min_questions]
    return table.sort_values(["relative_brier", "brier"], kind="stable").reset_index(drop=True)
