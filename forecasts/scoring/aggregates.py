"""Crowd aggregates of forecasts and the crowd's history over time.

Data in, data out: pandas/numpy only. "The crowd" at an instant aggregates every forecaster's
latest forecast made at or before it. Definitions and sources: docs/scoring.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from forecasts.questions.crowd import same_instant_key
from forecasts.scoring.frames import (
    FORECAST_COLUMNS,
    instant_ns,
    instants_ns,
    probabilities,
    require_columns,
)
from forecasts.scoring.recency import group_medians, recency_weights
from forecasts.scoring.timeline import ForecastTimeline, regroup

Method = Literal["median", "mean", "recency_weighted_median", "extremized_mean"]
METHODS: tuple[str, ...] = ("median", "mean", "recency_weighted_median", "extremized_mean")
# logit(0) is -inf, so one forecaster at 0 % and another at 100 % would make pooled log-odds NaN;
# 1e-6 is far beyond the precision anyone states (platforms accept 0.1 % at most).
LOGIT_EPS = 1e-6


def logit(probability: np.ndarray) -> np.ndarray:
    """Log-odds, with probabilities clipped to [LOGIT_EPS, 1 - LOGIT_EPS]."""
    clipped = np.clip(probability, LOGIT_EPS, 1 - LOGIT_EPS)
    return np.log(clipped) - np.log1p(-clipped)


def logistic(log_odds: np.ndarray) -> np.ndarray:
    """Inverse of logit."""
    return 1 / (1 + np.exp(-log_odds))



def crowd_by_event(
    timeline: ForecastTimeline, method: Method = "median", *, extremize: float = 2.5
) -> np.ndarray:
    """The crowd aggregate just after each event of `timeline` (ties at one instant: the last)."""
    return crowds_by_event(timeline, (method,), extremize=extremize)[method]


def crowds_by_event(
    timeline: ForecastTimeline, methods: tuple[str, ...], *, extremize: float = 2.5
) -> dict[str, np.ndarray]:
    """`crowd_by_event` for each of `methods`; the two medians share one sort of the pairs."""
    for method in methods:
        _check_method(method)
    found: dict[str, np.ndarray] = {}
    if "median" in methods or "recency_weighted_median" in methods:
        found["median"], found["recency_weighted_median"] = _medians_by_event(
            timeline, recency="recency_weighted_median" in methods)
    if "mean" in methods:
        found["mean"] = _running_mean(timeline, timeline.probability)
    if "extremized_mean" in methods:
        found["extremized_mean"] = logistic(
            extremize * _running_mean(timeline, logit(timeline.probability)))
    return {method: found[method] for method in methods}


def _check_method(method: str) -> None:
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, not {method!r}")


def _medians_by_event(timeline: ForecastTimeline, *,
                      recency: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Median and recency-weighted median (NaN unless `recency`) of the standing forecasts
    just after each event."""
    if timeline.size == 0:
        return np.zeros(0), np.zeros(0)
    distinct, rank = np.unique(timeline.probability, return_inverse=True)
    rank_bits = max(int(distinct.size - 1).bit_length(), 1)
    # each pair's forecast and, below it, its value's rank: both come out by masks, in the
    # pairs' order (within an event, by forecast: by creation, i.e. by time)
    radix = 1 << (max(int(timeline.size - 1).bit_length(), 1) + rank_bits)
    key = timeline.standing_pairs((np.arange(timeline.size) << rank_bits) | rank, radix)
    count = timeline.active_count()
    found = group_medians(count, key, distinct, rank_mask=(1 << rank_bits) - 1,
                          recency=recency)
    if found is not None:
        return found
    return _general_medians(count, (key & (radix - 1)) >> rank_bits, timeline.probability)


def _medians(count: np.ndarray, forecast: np.ndarray,
             probability: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Both medians of groups of standing forecasts (recency.group_medians' layout; `forecast`
    indexes `probability`), through the packed-key kernel or, for keys too wide, the general
    weighted median."""
    distinct, rank = np.unique(probability, return_inverse=True)
    found = group_medians(count, rank[forecast], distinct)
    return found if found is not None else _general_medians(count, forecast, probability)


def _general_medians(count: np.ndarray, forecast: np.ndarray,
                     probability: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Both medians by the general weighted median (keys too wide for the packed kernel)."""
    group = np.repeat(np.arange(count.size), count)
    value = probability[forecast]
    return (_weighted_median(group, value, np.ones(value.size), count.size),
            _weighted_median(group, value, _recency_weights(group, count), count.size))


def _running_mean(timeline: ForecastTimeline, values: np.ndarray) -> np.ndarray:
    """Mean of `values` over the standing forecasts just after each event."""
    # Running sums over slots: event e sits at slot e + question[e], leaving one empty slot after
    # each question where its last forecasts stop. The sum returns to ~0 there, so rounding never
    # builds up across questions; subtracting that residue removes the rest.
    question = timeline.question[timeline.chain]
    slots = timeline.size + len(timeline.questions) + 1
    weight = values[timeline.chain]
    change = np.bincount(timeline.chain + question, weights=weight, minlength=slots)
    change -= np.bincount(timeline.chain_stop + question, weights=weight, minlength=slots)
    running = np.cumsum(change)
    slot = np.arange(timeline.size) + timeline.question
    residue = np.concatenate(([0.0], running))[
        timeline.question_start[:-1] + np.arange(len(timeline.questions))
    ]
    return (running[slot] - residue[timeline.question]) / timeline.active_count()


def _recency_weights(group: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Per row (sorted by group, then time), its recency weight within its group (recency.py)."""
    start = np.cumsum(count) - count
    return recency_weights(np.arange(group.size) - start[group] + 1, count[group])


def _weighted_median(
    group: np.ndarray, value: np.ndarray, weight: np.ndarray, n_groups: int
) -> np.ndarray:
    """Per group, Metaculus's weighted median: mean of the values where weight share crosses ½.

    Rows sorted by group and, within it, by time; ties in value are taken in time order.
    """
    values, rank = np.unique(value, return_inverse=True)
    if values.size < 2**16:  # numpy radix-sorts 16-bit keys: linear time
        rank = rank.astype(np.uint16)
    # by value within each group, ties in time order (lexsort's order, several times faster)
    order = regroup(np.argsort(rank, kind="stable"), group, n_groups)
    group, value, weight = group[order], value[order], weight[order]
    count = np.bincount(group, minlength=n_groups)
    start = np.cumsum(count) - count
    cumulative = np.cumsum(weight)
    before_group = (cumulative - weight)[start[count > 0]]
    within = cumulative - np.repeat(before_group, count[count > 0])
    share = within / np.bincount(group, weights=weight, minlength=n_groups)[group]
    left = start + np.bincount(group[share < 0.5], minlength=n_groups)
    right = start + np.bincount(group[share <= 0.5], minlength=n_groups)
    median = np.full(n_groups, np.nan)
    filled = count > 0
    median[filled] = (value[left[filled]] + value[right[filled]]) / 2
    return median


def _aggregate_groups(
    group: np.ndarray, value: np.ndarray, n_groups: int, method: str, extremize: float
) -> np.ndarray:
    """Aggregate `value` per group; rows sorted by group and, within it, by forecast time."""
    count = np.bincount(group, minlength=n_groups)
    if method == "mean":
        return np.bincount(group, weights=value, minlength=n_groups) / count
    if method == "extremized_mean":
        mean_log_odds = np.bincount(group, weights=logit(value), minlength=n_groups) / count
        return logistic(extremize * mean_log_odds)
    if method == "recency_weighted_median":
        weight = _recency_weights(group, count)
    else:
        weight = np.ones(group.size)
    return _weighted_median(group, value, weight, n_groups)


def crowd(
    forecasts: pd.DataFrame,
    *,
    method: Method = "median",
    at: object = None,
    extremize: float = 2.5,
) -> pd.DataFrame:
    """Per question, the crowd aggregate of each forecaster's latest forecast made by `at`.

    Methods: `median`; `mean`; `recency_weighted_median` (Metaculus community prediction: the n-th
    of N latest forecasts, ordered by time, weighs e^(√n − √N); unweighted when N ≤ 2);
    `extremized_mean` (logistic(extremize · mean logit p), Satopää et al. 2014; probabilities
    clipped to [1e-6, 1 − 1e-6] first). `at=None` uses every forecast.
    Returns columns question_id, probability, forecasters (the N aggregated).
    Raises ValueError for an unknown method or invalid forecasts.
    """
    _check_method(method)
    require_columns(forecasts, FORECAST_COLUMNS, "forecasts")
    if at is not None:
        forecasts = forecasts.loc[instants_ns(forecasts["created_at"]) <= instant_ns(at)]
    timeline = ForecastTimeline.from_frame(forecasts)
    latest = np.sort(timeline.chain[timeline.group_end])  # by (question, time)
    group = timeline.question[latest]
    n_questions = len(timeline.questions)
    value = _aggregate_groups(group, timeline.probability[latest], n_questions, method, extremize)
    return pd.DataFrame(
        {
            "question_id": timeline.questions,
            "probability": value,
            "forecasters": np.bincount(group, minlength=n_questions),
        }
    )


def crowd_history(
    forecasts: pd.DataFrame, *, method: Method = "median", extremize: float = 2.5
) -> pd.DataFrame:
    """The crowd's step function: its value after each instant at which someone forecast.

    Returns a forecasts-like DataFrame (question_id, forecaster_id = "crowd:<method>", probability,
    created_at, forecasters), so an aggregate can be scored by time_weighted_brier as a
    pseudo-forecaster. Each row holds until the next row on its question.
    """
    return crowd_histories(forecasts, (method,), extremize=extremize)[method]


def crowd_histories(
    forecasts: pd.DataFrame, methods: tuple[str, ...] = METHODS, *, extremize: float = 2.5
) -> dict[str, pd.DataFrame]:
    """`crowd_history` for each of `methods`, building the forecast timeline once."""
    question, created, standing, found = crowd_steps(forecasts, methods, extremize=extremize)
    return {
        method: pd.DataFrame(
            {
                "question_id": question,
                "forecaster_id": f"crowd:{method}",
                "probability": found[method],
                "created_at": pd.to_datetime(created, utc=True),
                "forecasters": standing,
            }
        )
        for method in methods
    }


def crowd_steps(
    forecasts: pd.DataFrame, methods: tuple[str, ...], *, extremize: float = 2.5
) -> tuple[pd.Index, np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """`crowd_histories` as arrays, one entry per step (by question, then time): the question
    ids, the instants (int64 ns), the forecasters standing, and per method its values."""
    for method in methods:
        _check_method(method)
    timeline = ForecastTimeline.from_frame(forecasts)
    last = timeline.last_at_instant()
    found = crowds_by_event(timeline, methods, extremize=extremize)
    return (timeline.questions.take(timeline.question[last]), timeline.created_at[last],
            timeline.active_count()[last], {method: found[method][last] for method in methods})


def crowd_at(
    forecasts: pd.DataFrame,
    instants: object,
    *,
    method: Method = "median",
    extremize: float = 2.5,
) -> pd.DataFrame:
    """One question's crowd aggregate at each of `instants` (e.g. a chart's few hundred points).

    The aggregate at an instant is `crowd`'s: each forecaster's latest forecast made at or
    before it (same-instant ties: the standing rule of forecasts/questions/crowd.py). Works on
    a forecasters × instants matrix, so the cost grows with forecasts + instants × forecasters,
    not with the number of times the crowd moved. Returns created_at (the instants, sorted),
    probability (NaN before anyone forecast) and forecasters. Raises ValueError for forecasts
    on more than one question, an unknown method or invalid forecasts.
    """
    return crowds_at(forecasts, instants, (method,), extremize=extremize)[method]


def crowds_at(
    forecasts: pd.DataFrame,
    instants: object,
    methods: tuple[str, ...],
    *,
    extremize: float = 2.5,
) -> dict[str, pd.DataFrame]:
    """`crowd_at` for each of `methods`, finding the standing forecasts once."""
    table = crowd_table_at(forecasts, instants, methods, extremize=extremize)
    return {method: table[["created_at", method, "forecasters"]].rename(
        columns={method: "probability"}) for method in methods}


def crowd_table_at(
    forecasts: pd.DataFrame,
    instants: object,
    methods: tuple[str, ...],
    *,
    extremize: float = 2.5,
) -> pd.DataFrame:
    """`crowds_at` as one frame: created_at (the instants, sorted), forecasters, then each
    method's value (NaN before anyone forecast). Raises ValueError as `crowd_at` does."""
    for method in methods:
        _check_method(method)
    require_columns(forecasts, FORECAST_COLUMNS, "forecasts")
    if forecasts["question_id"].nunique() > 1:
        raise ValueError("crowd_at takes the forecasts of one question")
    times = np.sort(instants_ns(instants))  # type: ignore[arg-type]
    standing = _standing(forecasts, times)
    count = np.count_nonzero(standing.cell >= 0, axis=1)
    found: dict[str, np.ndarray] = {}
    if "median" in methods or "recency_weighted_median" in methods:
        # each instant's standing forecasts in time order (the empty cells, -1, sort first)
        by_time = np.sort(standing.cell, axis=1)
        found["median"], found["recency_weighted_median"] = _medians(
            count, by_time[by_time >= 0], standing.probability)
    with np.errstate(invalid="ignore", divide="ignore"):  # no one yet: NaN
        if "mean" in methods:
            found["mean"] = standing.sums(standing.probability) / count
        if "extremized_mean" in methods:
            log_odds = standing.sums(logit(standing.probability)) / count
            found["extremized_mean"] = logistic(extremize * log_odds)
    return pd.DataFrame({"created_at": pd.to_datetime(times, utc=True), "forecasters": count,
                         **{method: found[method] for method in methods}})


@dataclass(frozen=True)
class _Standing:
    """The forecasts standing at each of some instants (one question).

    `cell`: instants × forecasters, the index of the forecaster's standing forecast there (-1:
    none yet). Indexes follow the order the forecasts were made (ties in time by forecaster),
    so sorting a row orders that instant's crowd by time. Per index: `probability`, `first`
    (the first instant it stands at) and `forecaster` (its column).
    """

    cell: np.ndarray
    probability: np.ndarray
    first: np.ndarray
    forecaster: np.ndarray

    def sums(self, values: np.ndarray) -> np.ndarray:
        """Σ of `values` (one per index) over the forecasts standing at each instant: each
        forecast adds its value at its first instant and takes back its forecaster's last."""
        by_forecaster = np.argsort(self.forecaster, kind="stable")  # then by time
        value = values[by_forecaster]
        change = value.copy()
        same = self.forecaster[by_forecaster]
        change[1:] -= np.where(same[1:] == same[:-1], value[:-1], 0.0)
        steps = np.bincount(self.first[by_forecaster], weights=change,
                            minlength=self.cell.shape[0])
        return np.cumsum(steps)


def _standing(forecasts: pd.DataFrame, times: np.ndarray) -> _Standing:
    """Who stands with which forecast at each of `times` (sorted int64 ns), as `_Standing`.

    Linear in forecasts + instants × forecasters: each forecast is placed at the first instant
    it counts at, and a running maximum down the instants carries it on until the forecaster's
    next (a later forecast of theirs has a larger index).
    """
    probability = probabilities(forecasts["probability"])
    created = instants_ns(forecasts["created_at"])
    code, uniques = pd.factorize(forecasts["forecaster_id"], sort=True)
    # by time, ties at one time by the standing rule's key (forecasts/questions/crowd.py)
    order = np.argsort(created, kind="stable")
    if np.any(created[order][1:] == created[order][:-1]):
        order = np.lexsort((same_instant_key(forecasts), created))
    # then by (first instant it counts at, forecaster), keeping each one's latest there
    first = np.searchsorted(times, created[order], side="left")
    regrouped = regroup(np.argsort(code[order], kind="stable"), first, times.size + 1)
    order, first, code = order[regrouped], first[regrouped], code[order[regrouped]]
    last = np.append((first[1:] != first[:-1]) | (code[1:] != code[:-1]), True)[: first.size]
    last &= first < times.size  # made after the last instant: never counts
    order, first, code = order[last], first[last], code[last]
    by_time = np.lexsort((code, created[order]))
    cell = np.full((times.size, len(uniques)), -1,
                   dtype=np.int32 if by_time.size < 2**31 else np.int64)
    cell[first[by_time], code[by_time]] = np.arange(by_time.size)
    # row by row: numpy's accumulate down the rows of a C-ordered matrix is twice as slow
    for row in range(1, times.size):
        np.maximum(cell[row - 1], cell[row], out=cell[row])
    return _Standing(cell, probability[order[by_time]], first[by_time], code[by_time])
