"""Crowd aggregates of forecasts and the crowd's history over time.

Data in, data out: pandas/numpy only. "The crowd" at an instant aggregates every forecaster's
latest forecast made at or before it. Definitions and sources: docs/scoring.md.
"""

from __future__ import annotations

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
from forecasts.scoring.recency import pair_radix, recency_median_by_event, recency_weights
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
    _check_method(method)
    if method == "median":
        return _median_by_event(timeline)
    if method == "mean":
        return _running_mean(timeline, timeline.probability)
    if method == "extremized_mean":
        return logistic(extremize * _running_mean(timeline, logit(timeline.probability)))
    return _recency_median_by_event(timeline)


def _check_method(method: str) -> None:
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, not {method!r}")


def _radix(timeline: ForecastTimeline) -> int:
    return max(int(np.diff(timeline.question_start).max(initial=0)), 1)


def _median_by_event(timeline: ForecastTimeline) -> np.ndarray:
    """Median of the standing forecasts just after each event."""
    if timeline.size == 0:
        return np.zeros(0)
    radix = _radix(timeline)
    by_value = regroup(
        np.argsort(timeline.probability), timeline.question, len(timeline.questions)
    )
    rank = np.empty(timeline.size, dtype=np.int64)
    rank[by_value] = np.arange(timeline.size) - timeline.question_start[timeline.question[by_value]]
    key = timeline.standing_pairs(rank, radix)
    count = timeline.active_count()
    offset = np.cumsum(count) - count
    base = timeline.question_start[timeline.question]
    ordered = timeline.probability[by_value]
    low = ordered[base + key[offset + (count - 1) // 2] % radix]
    high = ordered[base + key[offset + count // 2] % radix]
    return (low + high) / 2


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


def _recency_median_by_event(timeline: ForecastTimeline) -> np.ndarray:
    """Recency-weighted median of the standing forecasts just after each event."""
    if timeline.size == 0:
        return np.zeros(0)
    radix = pair_radix(timeline)
    # within an event, by forecast: by creation, i.e. by time
    key = timeline.standing_pairs(np.arange(timeline.size), radix)
    fast = recency_median_by_event(timeline, key, radix)
    if fast is not None:
        return fast
    # keys too wide to pack (a vast batch): the general weighted median over the same pairs
    event = key // radix
    forecast = key % radix
    count = np.bincount(event, minlength=timeline.size)
    return _weighted_median(event, timeline.probability[forecast],
                            _recency_weights(event, count), timeline.size)


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
    for method in methods:
        _check_method(method)
    timeline = ForecastTimeline.from_frame(forecasts)
    last = timeline.last_at_instant()
    question = timeline.questions.take(timeline.question[last])
    created = pd.to_datetime(timeline.created_at[last], utc=True)
    standing = timeline.active_count()[last]
    return {
        method: pd.DataFrame(
            {
                "question_id": question,
                "forecaster_id": f"crowd:{method}",
                "probability": crowd_by_event(timeline, method, extremize=extremize)[last],  # type: ignore[arg-type]
                "created_at": created,
                "forecasters": standing,
            }
        )
        for method in methods
    }


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
    for method in methods:
        _check_method(method)
    require_columns(forecasts, FORECAST_COLUMNS, "forecasts")
    if forecasts["question_id"].nunique() > 1:
        raise ValueError("crowd_at takes the forecasts of one question")
    times = np.sort(instants_ns(instants))  # type: ignore[arg-type]
    values, made = _standing(forecasts, times)
    count = np.sum(~np.isnan(values), axis=1)
    some = count > 0
    created = pd.to_datetime(times, utc=True)
    lines = {}
    for method in methods:
        result = np.full(times.size, np.nan)
        if some.any():
            result[some] = _aggregate_rows(values[some], made[some], count[some], method,
                                           extremize)
        lines[method] = pd.DataFrame({"created_at": created, "probability": result,
                                      "forecasters": count})
    return lines


def _standing(forecasts: pd.DataFrame, times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """instants × forecasters matrices of the standing probability (NaN: none) and its time.

    Walks the sorted instants once, applying the forecasts made since the previous instant to
    a row of the forecasters' latest values: linear in forecasts + instants × forecasters.
    """
    probability = probabilities(forecasts["probability"])
    created = instants_ns(forecasts["created_at"])
    code, uniques = pd.factorize(forecasts["forecaster_id"], sort=True)
    # the first instant at which each forecast counts, then per (instant, forecaster) only the
    # latest forecast (ties at one time: the standing rule, forecasts/questions/crowd.py)
    first = np.searchsorted(times, created, side="left")
    order = np.lexsort((same_instant_key(forecasts), created, code, first))
    first, code = first[order], code[order]
    created, probability = created[order], probability[order]
    last = np.append((first[1:] != first[:-1]) | (code[1:] != code[:-1]), True)[: first.size]
    first, code, created, probability = first[last], code[last], created[last], probability[last]
    bounds = np.searchsorted(first, np.arange(times.size + 1), side="left")
    value = np.full(len(uniques), np.nan)
    made = np.full(len(uniques), np.iinfo(np.int64).max)
    values = np.empty((times.size, len(uniques)))
    mades = np.empty((times.size, len(uniques)), dtype=np.int64)
    for row in range(times.size):
        low, high = bounds[row], bounds[row + 1]
        value[code[low:high]] = probability[low:high]
        made[code[low:high]] = created[low:high]
        values[row], mades[row] = value, made
    return values, mades


def _aggregate_rows(values: np.ndarray, made: np.ndarray, count: np.ndarray, method: str,
                    extremize: float) -> np.ndarray:
    """Aggregate each row's non-NaN values (rows with at least one), as `crowd` does per group."""
    if method == "mean":
        return np.nansum(values, axis=1) / count
    if method == "extremized_mean":
        log_odds = np.where(np.isnan(values), 0.0, logit(np.nan_to_num(values, nan=0.5)))
        return logistic(extremize * log_odds.sum(axis=1) / count)
    if method == "recency_weighted_median":
        nth = np.argsort(np.argsort(made, axis=1, kind="stable"), axis=1) + 1
        weight = recency_weights(nth, count[:, None])
    else:
        # a plain median: sort each row (NaN last) and take its middle
        ordered = np.sort(values, axis=1)
        rows = np.arange(values.shape[0])
        return (ordered[rows, (count - 1) // 2] + ordered[rows, count // 2]) / 2
    weight = np.where(np.isnan(values), 0.0, weight)
    by_value = np.argsort(values, axis=1, kind="stable")  # NaN (weight 0) sorts last
    ordered = np.take_along_axis(values, by_value, axis=1)
    cumulative = np.cumsum(np.take_along_axis(weight, by_value, axis=1), axis=1)
    share = cumulative / cumulative[:, -1:]
    left = np.minimum(np.sum(share < 0.5, axis=1), count - 1)
    right = np.minimum(np.sum(share <= 0.5, axis=1), count - 1)
    rows = np.arange(values.shape[0])
    return (ordered[rows, left] + ordered[rows, right]) / 2
