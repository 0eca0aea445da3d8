"""The forecast timeline: forecasts as events per question and each forecaster's chain of updates.

When one forecaster makes several forecasts on a question at the same instant, the standing rule
(forecasts/questions/crowd.py: the highest probability) picks the one that counts as the latest,
so results never depend on the order of the rows, and agree with the pages' SQL.
Definitions: docs/scoring.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecasts.questions.crowd import same_instant_key
from forecasts.scoring.frames import (
    FORECAST_COLUMNS,
    NAT,
    QUESTION_COLUMNS,
    instants_ns,
    outcomes,
    probabilities,
    require_columns,
)

_PACK_LIMIT = 2**62  # packed int64 sort keys must stay below this to avoid overflow


def regroup(order: np.ndarray, code: np.ndarray, n_codes: int) -> np.ndarray:
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
        tiebreak = same_instant_key(forecasts)
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
            tiebreak[keep],
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
        tiebreak: np.ndarray,
        questions: pd.Index,
        forecasters: pd.Index,
    ) -> ForecastTimeline:
        n_questions = len(questions)
        order = regroup(np.argsort(created), question, n_questions)
        # at one instant, a forecaster's standing forecast last (the standing rule)
        order = _settle_ties(order, (question, created), (forecaster, tiebreak))
        question, forecaster = question[order], forecaster[order]
        created, probability = created[order], probability[order]
        counts = np.bincount(question, minlength=n_questions)
        question_start = np.concatenate(([0], np.cumsum(counts)))
        pair = question.astype(np.int64) * max(len(forecasters), 1) + forecaster
        chain = regroup(np.arange(question.size), pair, n_questions * max(len(forecasters), 1))
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

    def standing_pairs(self, minor: np.ndarray, radix: int) -> np.ndarray:
        """Sorted keys event·radix + minor[forecast], one per forecast standing just after each
        event (`minor`: one int below `radix` per event, e.g. its rank within its question).

        There are Σ(events × standing forecasters) pairs per question: this trades memory for a
        single vectorised sort instead of a per-event loop.
        """
        span = self.chain_stop - self.chain
        total = int(span.sum())
        # every step stays below events·radix (and the pair count), so int32 holds them there
        dtype = np.int32 if max(self.size * radix, total) <= 2**31 else np.int64
        first = np.cumsum(span) - span
        key: np.ndarray = np.arange(total, dtype=dtype)
        # pair j of chain element k stands at event chain[k] + (j - first[k])
        key += np.repeat((self.chain - first).astype(dtype), span)
        key *= radix
        key += np.repeat(minor[self.chain].astype(dtype), span)
        key.sort()
        return key

    def last_at_instant(self) -> np.ndarray:
        """Mask of events that are the last on their question at their instant."""
        if self.size == 0:
            return np.zeros(0, dtype=bool)
        changes = (self.question[1:] != self.question[:-1]) | (
            self.created_at[1:] != self.created_at[:-1]
        )
        return np.append(changes, True)


@dataclass(frozen=True)
class ResolvedQuestions:
    """Resolved questions with a non-empty scored period; times in int64 ns."""

    ids: pd.Index
    start: np.ndarray
    end: np.ndarray
    outcome: np.ndarray


def resolved_questions(questions: pd.DataFrame) -> ResolvedQuestions:
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
    return ResolvedQuestions(ids[scored], start[scored], end[scored], outcome[scored])



def final_forecasts(forecasts: pd.DataFrame, questions: pd.DataFrame) -> pd.DataFrame:
    """Each forecaster's final forecast on each resolved question: the one rule for it.

    The last forecast made before the question's end (its close, or its resolution if that
    came first); of several at one instant, the one the standing rule picks
    (forecasts/questions/crowd.py). The scores (`own_scores`),
    the score store and the track record all take this one. Columns: question_id,
    forecaster_id, probability, created_at (UTC). Raises ValueError for invalid input.
    """
    resolved = resolved_questions(questions)
    timeline = ForecastTimeline.from_frame(forecasts, questions=resolved.ids, before=resolved.end)
    final = timeline.chain[timeline.group_end]
    return pd.DataFrame({
        "question_id": timeline.questions.take(timeline.question[final]),
        "forecaster_id": timeline.forecasters.take(timeline.forecaster[final]),
        "probability": timeline.probability[final],
        "created_at": pd.to_datetime(timeline.created_at[final], utc=True),
    })
