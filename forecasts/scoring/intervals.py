"""Time-weighted scores from intervals: each forecast holds until the next or the question's end.

Everything is exact to the nanosecond (no expansion into days). Definitions: docs/scoring.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecasts.scoring.aggregates import crowd_by_event
from forecasts.scoring.timeline import ForecastTimeline, ResolvedQuestions

# The uninformed (chance) Brier: one-term score of a 50 % forecast whatever the outcome. Not
# the "ignorance score" of the literature, which is the logarithmic score (Roulston & Smith 2002).
UNINFORMED_BRIER = 0.25
NS_PER_SECOND = 1e9


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


def own_scores(timeline: ForecastTimeline, questions: ResolvedQuestions) -> _Own:
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
    question: np.ndarray, created: np.ndarray, value: np.ndarray, questions: ResolvedQuestions
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


def crowd_lookup(
    timeline: ForecastTimeline, questions: ResolvedQuestions, own: _Own, crowd: pd.DataFrame | None
) -> tuple[_Steps, np.ndarray]:
    """The crowd's steps and, per run, the step standing at the run's first forecast."""
    if crowd is None:
        # the median's steps are this timeline's events, so a run's first event is its step
        median = crowd_by_event(timeline, "median")
        steps = _steps(timeline.question, timeline.created_at, median, questions)
        return steps, own.first_event
    given = ForecastTimeline.from_frame(crowd, questions=questions.ids, before=questions.end)
    steps = _steps(given.question, given.created_at, given.probability, questions)
    if np.any(steps.start_of[own.question + 1] == steps.start_of[own.question]):
        raise ValueError("crowd has no forecast on a question that forecasters scored on")
    index = _step_index(steps, given.question, given.created_at, own.question, own.begin)
    return steps, index


def with_policy(
    policy: str,
    own: _Own,
    questions: ResolvedQuestions,
    steps: _Steps | None,
    at_begin: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray]:
    """The forecaster's (Σ error · seconds, seconds) with time before the first forecast filled."""
    if policy == "active":
        return own.total, own.covered
    opens = questions.start[own.question]
    if policy == "uninformed":
        gap = (own.begin - opens) / NS_PER_SECOND
        return own.total + UNINFORMED_BRIER * gap, own.covered + gap
    assert steps is not None and at_begin is not None, "the crowd policy needs the crowd's steps"
    first = steps.first(own.question)
    # before anyone forecast there is no crowd, so that time stays unscored
    gap = np.maximum(own.begin - steps.low[first], 0) / NS_PER_SECOND
    filled = steps.tail[first] - steps.integral_from(at_begin, own.begin)
    return own.total + filled, own.covered + gap


def crowd_score(
    policy: str, own: _Own, questions: ResolvedQuestions, steps: _Steps, at_begin: np.ndarray
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
    return steps.tail[first] + UNINFORMED_BRIER * before_crowd, (end - opens) / NS_PER_SECOND


def mean_over_time(total: np.ndarray, seconds: np.ndarray) -> np.ndarray:
    # differences of running integrals can stray a few ulps outside [0, 1]
    return np.clip(total / seconds, 0.0, 1.0)

