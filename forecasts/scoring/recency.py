"""The recency weighting of the crowd, and the medians of groups of standing forecasts.

Metaculus's community prediction weighs the n-th of the N standing forecasts, ordered by the
time they were made, by e^(√n − √N), and weighs all alike when N ≤ 2 (docs/scoring.md). The rule
is written once here (`recency_weights`); every aggregate that weighs by recency calls it or, in
`group_medians`, its table form.

Over time the weights cannot be updated as forecasts arrive: when a forecaster updates, their
old forecast leaves the crowd and every later forecast moves down one rank, so its weight
changes. So the medians work on groups of standing forecasts, one group per moment (each event
of a question's timeline, or each instant a chart asks for), Σ group sizes pairs in all, with
one sort of packed integer keys and otherwise one pass per step (no per-group loop and no
argsort). The plain median falls out of the same sort, so both medians share it.
"""

from __future__ import annotations

import numpy as np

# √n − √N must stay where e^x is a normal float for every weight a group can hold
_MOST = 250_000
_CHUNK_PAIRS = 1 << 16  # pairs per chunk: its arrays stay in a core's cache


def recency_weights(nth: np.ndarray, total: np.ndarray) -> np.ndarray:
    """Weight of the `nth` (1-based, by time) of `total` standing forecasts: e^(√n − √N), or 1
    when N ≤ 2. Arrays of equal shape (or broadcastable); returns floats in (0, 1]."""
    return np.where(total <= 2, 1.0, np.exp(np.sqrt(nth) - np.sqrt(total)))


def _bits(n: int) -> int:
    """Bits to hold 0 … n − 1 (so packed fields split by shifts and masks, not divisions)."""
    return max(int(n - 1).bit_length(), 1)


def group_medians(count: np.ndarray, value_rank: np.ndarray, distinct: np.ndarray, *,
                  rank_mask: int | None = None,
                  recency: bool = True) -> tuple[np.ndarray, np.ndarray] | None:
    """Median and recency-weighted median of each group of standing forecasts.

    `count` (G,): the forecasts standing in each group (0 allowed). `value_rank` (Σ count,):
    one per (group, standing forecast) pair, grouped, and within a group in the order the
    forecasts were made (so a pair's position in its group is its n); each is the index of
    the forecast's probability in `distinct` (the sorted distinct probabilities). Ties in value
    are taken in time order, as `aggregates._weighted_median` takes them. Returns (median,
    recency-weighted median), one float per group, NaN for an empty group; or None when the
    packed keys would not fit in 63 bits or a group is too large for the weights (the caller
    then takes the general path). With `rank_mask`, `value_rank` holds integers whose bits
    under the mask are the rank (taken a chunk at a time, so no second array of every pair);
    without `recency`, the recency-weighted medians are left NaN (the plain median alone is a
    fraction of the work). Works through the groups a chunk at a time, so its arrays stay in
    the processor's cache whatever the number of pairs.
    """
    most = int(count.max(initial=0))
    nth_bits, rank_bits = _bits(most + 1), _bits(distinct.size)
    if _bits(count.size) + rank_bits + nth_bits > 62 or most > _MOST:
        return None
    median, weighted = np.full(count.size, np.nan), np.full(count.size, np.nan)
    ends = np.cumsum(count)
    # a chunk's group index fits beside the value and n in an int32 when it can
    dtype: type[np.signedinteger] = np.int64
    groups_per_chunk = count.size
    if rank_bits + nth_bits < 31:
        dtype, groups_per_chunk = np.int32, 1 << (31 - rank_bits - nth_bits)
    root = np.sqrt(np.arange(most + 1, dtype=float))  # a table: gathers beat square roots
    low = 0
    while low < count.size:
        before = int(ends[low] - count[low])
        high = int(np.searchsorted(ends, before + _CHUNK_PAIRS, side="right"))
        high = min(max(high, low + 1), low + groups_per_chunk, count.size)
        part = slice(low, high)
        ranks = value_rank[before:int(ends[high - 1])]
        ranks = (ranks & rank_mask if rank_mask is not None else ranks).astype(dtype)
        median[part], weighted[part] = _chunk_medians(
            count[part], ranks, distinct, root if recency else None, (nth_bits, rank_bits))
        low = high
    return median, weighted


def _chunk_medians(count: np.ndarray, value_rank: np.ndarray, distinct: np.ndarray,
                   root: np.ndarray | None,
                   bits: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """`group_medians` for a few groups, given each pair's value rank (its dtype the keys';
    the array is used up as the keys' scratch space) and, for the recency-weighted median,
    the table of √n (None: that median is left NaN)."""
    nth_bits, rank_bits = bits
    groups = count.size
    offset = np.cumsum(count) - count
    # (group, value, n) packed into one integer per pair, then one sort
    key: np.ndarray = np.arange(1, value_rank.size + 1, dtype=value_rank.dtype)
    key -= np.repeat(offset.astype(key.dtype), count)
    value_rank <<= nth_bits
    key |= value_rank
    group: np.ndarray = np.arange(groups, dtype=key.dtype)
    key |= np.repeat(group << (rank_bits + nth_bits), count)
    key.sort()
    median, recency = np.full(groups, np.nan), np.full(groups, np.nan)
    present = count > 0
    size, heads = count[present], offset[present]
    if heads.size == 0:
        return median, recency
    value_mask = (1 << rank_bits) - 1

    def value_at(position: np.ndarray) -> np.ndarray:
        return distinct[(key[position] >> nth_bits) & value_mask]

    median[present] = (value_at(heads + (size - 1) // 2) + value_at(heads + size // 2)) / 2
    if root is None:
        return median, recency
    # e^(√n − √N): the rule's weights where N > 2 (where N ≤ 2 the plain median is the rule's)
    weight = root[key & ((1 << nth_bits) - 1)]
    weight -= np.repeat(root[size], size)
    np.exp(weight, out=weight)
    totals = np.add.reduceat(weight, heads)
    # the running sum restarts at each group (its total taken back off at the next group's
    # head), so its rounding stays at the size of one group (its newest forecast weighs 1)
    weight[heads[1:]] -= totals[:-1]
    within = np.cumsum(weight, out=weight)
    half = np.repeat(totals / 2, size)
    left = heads + np.add.reduceat(within < half, heads, dtype=np.int64)
    right = heads + np.add.reduceat(within <= half, heads, dtype=np.int64)
    few = size <= 2
    left[few] = heads[few]
    right[few] = heads[few] + size[few] - 1
    recency[present] = (value_at(left) + value_at(right)) / 2
    return median, recency
