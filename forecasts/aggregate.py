"""Crowd aggregates of forecasts, the crowd's history over time, and recalibration.

Data in, data out: pandas/numpy only, no database, no Flask, no clock. Forecasts are a DataFrame
with `question_id`, `forecaster_id`, `probability` and `created_at` (UTC instants; naive values are
taken as UTC). "The crowd" at an instant aggregates every forecaster's latest forecast made at or
before it.

When one forecaster makes several forecasts on a question at the same instant, the one with the
highest probability counts as the latest, so results never depend on the order of the rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

Method = Literal["median", "mean", "recency_weighted_median", "extremized_mean"]
METHODS: tuple[str, ...] = ("median", "mean", "recency_weighted_median", "extremized_mean")
FORECAST_COLUMNS: tuple[str, ...] = ("question_id", "forecaster_id", "probability", "created_at")
NAT = np.iinfo(np.int64).min  # pandas' integer value for a missing instant
# logit(0) is -inf, so one forecaster at 0 % and another at 100 % would make pooled log-odds NaN;
# 1e-6 is far beyond the precision anyone states (platforms accept 0.1 % at most).
LOGIT_EPS = 1e-6
Recalibrator = Any  # a fitted IsotonicRegression or LogisticRegression
_PACK_LIMIT = 2**62  # packed int64 sort keys must stay below this to avoid overflow


def require_columns(frame: pd.DataFrame, columns: Iterable[str], name: str) -> None:
    """Raise ValueError naming the columns `frame` lacks."""
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"{name} is missing column(s): {', '.join(missing)}")


def instants_ns(values: ArrayLike) -> np.ndarray:
    """UTC instants as int64 nanoseconds since the epoch; missing ones become NAT."""
    return pd.DatetimeIndex(pd.to_datetime(values, utc=True)).as_unit("ns").asi8


def instant_ns(value: object) -> int:
    """One UTC instant (naive taken as UTC) as nanoseconds since the epoch."""
    stamp = pd.Timestamp(value)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    return int(stamp.as_unit("ns").value)


def probabilities(values: ArrayLike, name: str = "probability") -> np.ndarray:
    """Probabilities as floats; raises ValueError for a missing value or one outside [0, 1]."""
    try:
        probability = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be numbers in [0, 1]") from error
    if not np.all((probability >= 0) & (probability <= 1)):  # NaN fails both comparisons
        raise ValueError(f"{name} must be in [0, 1] and not missing")
    return probability


def outcomes(values: ArrayLike) -> np.ndarray:
    """Outcomes as floats 1.0/0.0, NaN where missing; raises ValueError for any other value."""
    raw = np.asarray(values)
    if raw.dtype.kind in "biuf":
        outcome = raw.astype(float)
    else:  # None, pd.NA and nullable dtypes arrive as objects
        try:
            nullable = pd.array(raw.astype(object).ravel(), dtype="Float64")
        except (TypeError, ValueError) as error:
            raise ValueError("outcome must be 0, 1 or missing") from error
        outcome = nullable.to_numpy(dtype=float, na_value=np.nan)
    known = outcome[~np.isnan(outcome)]
    if not np.all((known == 0) | (known == 1)):
        raise ValueError("outcome must be 0, 1 or missing")
    return outcome.reshape(np.shape(values))


def logit(probability: np.ndarray) -> np.ndarray:
    """Log-odds, with probabilities clipped to [LOGIT_EPS, 1 - LOGIT_EPS]."""
    clipped = np.clip(probability, LOGIT_EPS, 1 - LOGIT_EPS)
    return np.log(clipped) - np.log1p(-clipped)


def logistic(log_odds: np.ndarray) -> np.ndarray:
    """Inverse of logit."""
    return 1 / (1 + np.exp(-log_odds))


def _regroup(order: np.ndarray, code: np.ndarray, n_codes: int) -> np.ndarray:
    """`order` stably re-sorted by `code[order]` (rows with equal codes keep their order)."""
    n = order.size
    if n and n_codes * n < _PACK_LIMIT:
        # one packed key through np.sort is several times faster than a stable argsort
        key = code[order].astype(np.int64) * n + np.arange(n)
        key.sort()
        return order[key % n]
    return order[np.argsort(code[order], kind="stable")]


def _settle_ties(order: np.ndarray, keys: tuple, tiebreaks: tuple) -> np.ndarray:
    """Reorder runs of rows with equal `keys` (by which `order` is sorted) by `tiebreaks`."""
    if order.size < 2:
        return order
    same = np.ones(order.size - 1, dtype=bool)
    for key in keys:
        ordered = key[order]
        same &= ordered[1:] == ordered[:-1]
    if not same.any():
        return order
    in_run = np.zeros(order.size, dtype=bool)
    in_run[:-1] |= same
    in_run[1:] |= same
    rows = np.flatnonzero(in_run)
    tied = order[rows]
    # runs sit in `rows` in key order, so sorting tied rows by (keys, tiebreaks) keeps them in place
    tied = tied[np.lexsort([column[tied] for column in reversed((*keys, *tiebreaks))])]
    settled = order.copy()
    settled[rows] = tied
    return settled


@dataclass(frozen=True)
class ForecastTimeline:
    """Forecasts as events in (question, created_at) order, plus each forecaster's chain of updates.

    Event i is the i-th forecast in that order. `chain` lists event positions sorted by (question,
    forecaster, created_at); `group_start` marks where each (question, forecaster) run begins;
    `chain_stop[k]` is the event at which forecast `chain[k]` is superseded by the same forecaster's
    next forecast (or one past the question's last event). Question codes index `questions`.
    """

    questions: pd.Index
    forecasters: pd.Index
    question: np.ndarray
    forecaster: np.ndarray
    created_at: np.ndarray
    probability: np.ndarray
    question_start: np.ndarray
    chain: np.ndarray
    chain_stop: np.ndarray
    group_start: np.ndarray

    @classmethod
    def from_frame(
        cls,
        forecasts: pd.DataFrame,
        *,
        questions: pd.Index | None = None,
        before: np.ndarray | None = None,
    ) -> ForecastTimeline:
        """Build from a forecasts DataFrame.

        With `questions` (unique ids), rows on other questions are dropped, and with `before`
        (int64 ns per question) so are rows made at or after their question's bound.
        Raises ValueError for a bad probability or a missing created_at or forecaster_id.
        """
        require_columns(forecasts, FORECAST_COLUMNS, "forecasts")
        probability = probabilities(forecasts["probability"])
        created = instants_ns(forecasts["created_at"])
        if (created == NAT).any():
            raise ValueError("forecasts.created_at has missing values")
        if questions is None:
            question, uniques = pd.factorize(forecasts["question_id"], sort=True)
            questions = pd.Index(uniques)
        else:
            question = questions.get_indexer(forecasts["question_id"])
        keep = question >= 0
        if before is not None:
            # code -1 picks the appended NAT, which no instant is below
            keep &= created < np.append(before, NAT)[question]
        forecaster, forecasters = pd.factorize(
            forecasts["forecaster_id"].to_numpy()[keep], sort=True
        )
        if (forecaster < 0).any():
            raise ValueError("forecasts.forecaster_id has missing values")
        return cls._build(
            question[keep],
            forecaster,
            created[keep],
            probability[keep],
            questions,
            pd.Index(forecasters),
        )

    @classmethod
    def _build(
        cls,
        question: np.ndarray,
        forecaster: np.ndarray,
        created: np.ndarray,
        probability: np.ndarray,
        questions: pd.Index,
        forecasters: pd.Index,
    ) -> ForecastTimeline:
        n_questions = len(questions)
        order = _regroup(np.argsort(created), question, n_questions)
        order = _settle_ties(order, (question, created), (forecaster, probability))
        question, forecaster = question[order], forecaster[order]
        created, probability = created[order], probability[order]
        counts = np.bincount(question, minlength=n_questions)
        question_start = np.concatenate(([0], np.cumsum(counts)))
        pair = question.astype(np.int64) * max(len(forecasters), 1) + forecaster
        chain = _regroup(np.arange(question.size), pair, n_questions * max(len(forecasters), 1))
        head = np.ones(chain.size, dtype=bool)
        head[1:] = pair[chain][1:] != pair[chain][:-1]
        tail = np.append(head[1:], True)[: chain.size]
        chain_stop = np.empty_like(chain)
        chain_stop[:-1] = chain[1:]
        chain_stop[tail] = question_start[question[chain[tail]] + 1]
        return cls(
            questions,
            forecasters,
            question,
            forecaster,
            created,
            probability,
            question_start,
            chain,
            chain_stop,
            np.flatnonzero(head),
        )

    @property
    def size(self) -> int:
        """Number of forecasts (events)."""
        return int(self.question.size)

    @property
    def group_end(self) -> np.ndarray:
        """Chain index of each (question, forecaster) run's last forecast."""
        return np.append(self.group_start[1:], self.chain.size)[: self.group_start.size] - 1

    def active_count(self) -> np.ndarray:
        """Number of forecasters with a standing forecast just after each event."""
        n = self.size
        change = np.bincount(self.chain, minlength=n + 1) - np.bincount(
            self.chain_stop, minlength=n + 1
        )
        return np.cumsum(change)[:n]

    def last_at_instant(self) -> np.ndarray:
        """Mask of events that are the last on their question at their instant."""
        if self.size == 0:
            return np.zeros(0, dtype=bool)
        changes = (self.question[1:] != self.question[:-1]) | (
            self.created_at[1:] != self.created_at[:-1]
        )
        return np.append(changes, True)

    def crowd(self, method: Method = "median", *, extremize: float = 2.5) -> np.ndarray:
        """The crowd aggregate just after each event (ties at one instant: use the last event)."""
        _check_method(method)
        if method == "median":
            return _median_by_event(self)
        if method == "mean":
            return _running_mean(self, self.probability)
        if method == "extremized_mean":
            return logistic(extremize * _running_mean(self, logit(self.probability)))
        return _recency_median_by_event(self)


def _check_method(method: str) -> None:
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, not {method!r}")


def _active_pairs(timeline: ForecastTimeline, minor: np.ndarray, radix: int) -> np.ndarray:
    """Sorted keys event·radix + minor[forecast], one per forecast standing just after each event.

    There are Σ(events × standing forecasters) pairs per question: this trades memory for a single
    vectorised sort instead of a per-event loop.
    """
    span = timeline.chain_stop - timeline.chain
    total = int(span.sum())
    dtype = np.int32 if total * radix < 2**31 else np.int64
    first = np.cumsum(span) - span
    key = np.arange(total, dtype=dtype)
    key *= radix
    # pair j of chain element k stands at event chain[k] + (j - first[k])
    key += np.repeat(((timeline.chain - first) * radix + minor[timeline.chain]).astype(dtype), span)
    key.sort()
    return key


def _radix(timeline: ForecastTimeline) -> int:
    return max(int(np.diff(timeline.question_start).max(initial=0)), 1)


def _median_by_event(timeline: ForecastTimeline) -> np.ndarray:
    """Median of the standing forecasts just after each event."""
    if timeline.size == 0:
        return np.zeros(0)
    radix = _radix(timeline)
    by_value = _regroup(
        np.argsort(timeline.probability), timeline.question, len(timeline.questions)
    )
    rank = np.empty(timeline.size, dtype=np.int64)
    rank[by_value] = np.arange(timeline.size) - timeline.question_start[timeline.question[by_value]]
    key = _active_pairs(timeline, rank, radix)
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
    radix = _radix(timeline)
    local = np.arange(timeline.size) - timeline.question_start[timeline.question]
    key = _active_pairs(timeline, local, radix)  # within an event: by creation, i.e. by time
    event = key // radix
    forecast = timeline.question_start[timeline.question[event]] + key % radix
    return _aggregate_groups(
        event, timeline.probability[forecast], timeline.size, "recency_weighted_median", 1.0
    )


def _recency_weights(group: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Metaculus: the n-th of N forecasts by time weighs e^(√n − √N); all weigh 1 when N ≤ 2."""
    start = np.cumsum(count) - count
    nth = np.arange(group.size) - start[group] + 1
    total = count[group]
    return np.where(total <= 2, 1.0, np.exp(np.sqrt(nth) - np.sqrt(total)))


def _weighted_median(
    group: np.ndarray, value: np.ndarray, weight: np.ndarray, n_groups: int
) -> np.ndarray:
    """Per group, Metaculus's weighted median: mean of the values where weight share crosses ½."""
    order = np.lexsort((value, group))
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
    _check_method(method)
    timeline = ForecastTimeline.from_frame(forecasts)
    value = timeline.crowd(method, extremize=extremize)
    last = timeline.last_at_instant()
    return pd.DataFrame(
        {
            "question_id": timeline.questions.take(timeline.question[last]),
            "forecaster_id": f"crowd:{method}",
            "probability": value[last],
            "created_at": pd.to_datetime(timeline.created_at[last], utc=True),
            "forecasters": timeline.active_count()[last],
        }
    )


def _fit(method: str, probability: np.ndarray, outcome: np.ndarray) -> Recalibrator:
    # scikit-learn takes a second to import; only recalibration needs it, so web workers and the
    # CLI do not pay for it at start-up.
    from sklearn.isotonic import IsotonicRegression
    from sklearn.linear_model import LogisticRegression

    if method == "isotonic":
        return IsotonicRegression(y_min=0, y_max=1, out_of_bounds="clip").fit(probability, outcome)
    if np.unique(outcome).size < 2:
        raise ValueError(
            "platt recalibration needs both outcomes among the rows resolved before cutoff"
        )
    # sklearn's default L2 penalty (C=1) keeps the fit finite when the training rows are separable
    return LogisticRegression().fit(logit(probability).reshape(-1, 1), outcome.astype(int))


def _predict(model: Recalibrator, probability: np.ndarray) -> np.ndarray:
    from sklearn.isotonic import IsotonicRegression

    if isinstance(model, IsotonicRegression):
        return model.predict(probability)
    return model.predict_proba(logit(probability).reshape(-1, 1))[:, 1]


@dataclass(frozen=True)
class Recalibration:
    """A recalibration mapping fitted on earlier questions and its Brier score on later ones."""

    method: str
    model: Recalibrator
    fitted_rows: int
    evaluated_rows: int
    brier_before: float
    brier_after: float

    def apply(self, probability: ArrayLike) -> np.ndarray:
        """Recalibrated probabilities; raises ValueError for values outside [0, 1]."""
        return _predict(self.model, np.atleast_1d(probabilities(probability)))


def recalibrate(
    probability: ArrayLike,
    outcome: ArrayLike,
    resolved_at: ArrayLike,
    *,
    cutoff: object,
    method: Literal["isotonic", "platt"] = "isotonic",
) -> Recalibration:
    """Fit on rows resolved before `cutoff`; report Brier on rows resolved at or after it.

    Isotonic: IsotonicRegression(y_min=0, y_max=1, out_of_bounds="clip"); platt: logistic
    regression on logit p. Rows with a missing outcome or resolved_at are skipped. The evaluation
    rows' outcomes are never seen by the fit. Raises ValueError for an unknown method, invalid
    values, or when either side of the cutoff has no rows.
    """
    if method not in ("isotonic", "platt"):
        raise ValueError(f"method must be 'isotonic' or 'platt', not {method!r}")
    probability = probabilities(probability)
    outcome = outcomes(outcome)
    resolved = instants_ns(resolved_at)
    known = ~np.isnan(outcome) & (resolved != NAT)
    bound = instant_ns(cutoff)
    fit_rows = known & (resolved < bound)
    test_rows = known & (resolved >= bound)
    if not fit_rows.any():
        raise ValueError("no rows resolved before cutoff to fit the recalibration on")
    if not test_rows.any():
        raise ValueError("no rows resolved at or after cutoff to evaluate the recalibration on")
    model = _fit(method, probability[fit_rows], outcome[fit_rows])
    held_out, truth = probability[test_rows], outcome[test_rows]
    return Recalibration(
        method=method,
        model=model,
        fitted_rows=int(fit_rows.sum()),
        evaluated_rows=int(test_rows.sum()),
        brier_before=float(np.mean((held_out - truth) ** 2)),
        brier_after=float(np.mean((_predict(model, held_out) - truth) ** 2)),
    )
