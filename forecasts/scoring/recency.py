"""The recency weighting of the crowd, and the recency-weighted median just after each event.

Metaculus's community prediction weighs the n-th of the N standing forecasts, ordered by the
time they were made, by e^(√n − √N), and weighs all alike when N ≤ 2 (docs/scoring.md). The rule
is written once here (`recency_weights`); every aggregate that weighs by recency calls it.

Over time the weights cannot be updated as forecasts arrive: when a forecaster updates, their
old forecast leaves the crowd and every later forecast moves down one rank, so its weight
changes. So the median just after each event works on the (event, standing forecast) pairs,
Σ standing forecasts over a question's events of them, with two sorts of packed integer keys
and otherwise one pass per step (no per-event loop and no argsort).
"""

from __future__ import annotations

import numpy as np

from forecasts.scoring.timeline import ForecastTimeline


def recency_weights(nth: np.ndarray, total: np.ndarray) -> np.ndarray:
    """Weight of the `nth` (1-based, by time) of `total` standing forecasts: e^(√n − √N), or 1
    when N ≤ 2. Arrays of equal shape (or broadcastable); returns floats in (0, 1]."""
    return np.where(total <= 2, 1.0, np.exp(np.sqrt(nth) - np.sqrt(total)))


def _root_table(most: int) -> np.ndarray:
    """√n for n = 0 … most: a table, because gathers are cheaper than square roots."""
    return np.sqrt(np.arange(most + 1, dtype=float))


def _bits(n: int) -> int:
    """Bits to hold 0 … n − 1 (so packed fields split by shifts and masks, not divisions)."""
    return max(int(n - 1).bit_length(), 1)


def pair_radix(timeline: ForecastTimeline) -> int:
    """The radix `recency_median_by_event` wants its pairs keyed by: a power of two above every
    event's index (so a pair's forecast comes out with a mask)."""
    return 1 << _bits(max(timeline.size, 1))


def recency_median_by_event(timeline: ForecastTimeline, pairs: np.ndarray,
                            radix: int) -> np.ndarray | None:
    """Recency-weighted median of the standing forecasts just after each event of `timeline`.

    `pairs`: the sorted keys event·radix + forecast (both event indexes), one per forecast
    standing just after each event (`ForecastTimeline.standing_pairs`), with `radix` from
    `pair_radix`. Within an event, ties in value are taken in time order, as
    `aggregates._weighted_median` takes them. Returns one float per event, or None when the
    packed keys would not fit in 63 bits (the caller then takes the general path).
    """
    size = timeline.size
    count = timeline.active_count()
    most = int(count.max(initial=0))
    distinct, rank = np.unique(timeline.probability, return_inverse=True)
    nth_bits, rank_bits = _bits(most + 1), _bits(distinct.size)
    bits = _bits(size) + rank_bits + nth_bits
    if bits > 62:
        return None
    dtype = np.int32 if bits <= 31 else np.int64
    offset = np.cumsum(count) - count
    # the pairs come by (event, time), so a pair's position in its event is its rank by time
    nth: np.ndarray = np.arange(1, pairs.size + 1, dtype=dtype)
    nth -= np.repeat(offset.astype(dtype), count)
    value_rank = rank.astype(dtype)[pairs & (radix - 1)]
    # by (event, value, time): one sort of packed keys
    events: np.ndarray = np.arange(size, dtype=dtype)
    key: np.ndarray = np.repeat(events << (rank_bits + nth_bits), count)
    value_rank <<= nth_bits
    key |= value_rank
    key |= nth
    key.sort()
    nth = key & ((1 << nth_bits) - 1)
    root = _root_table(most)
    # e^(√n − √N): the rule's weights where N > 2 (where N ≤ 2 the mean is taken below)
    weight = np.exp(root[nth] - np.repeat(root[count], count))
    present = count > 0
    heads = offset[present]
    if heads.size == 0:
        return np.full(size, np.nan)
    totals = np.add.reduceat(weight, heads)
    # the running sum restarts at each event (its total taken back off at the next event's
    # head), so its rounding stays at the size of one event (its newest forecast weighs 1)
    weight[heads[1:]] -= totals[:-1]
    within = np.cumsum(weight)
    half = np.repeat(totals / 2, count[present])
    left, right = offset.copy(), offset.copy()
    left[present] += np.add.reduceat(within < half, heads, dtype=np.int64)
    right[present] += np.add.reduceat(within <= half, heads, dtype=np.int64)
    # N ≤ 2: the plain mean of the one or two values, exactly (no running-sum rounding)
    few = count <= 2
    right[few] = offset[few] + count[few] - 1
    left[few] = offset[few]
    value_mask = (1 << rank_bits) - 1
    median = np.full(size, np.nan)
    median[present] = (distinct[(key[left[present]] >> nth_bits) & value_mask]
                       + distinct[(key[right[present]] >> nth_bits) & value_mask]) / 2
    return median
