"""The recency-weighted median over time: the fast pairs computation against the definition."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forecasts.scoring import aggregates, recency
from forecasts.scoring.aggregates import crowd_at, crowd_history
from forecasts.scoring.recency import recency_weights

T0 = pd.Timestamp("2024-01-01", tz="UTC")
HOUR = pd.Timedelta(hours=1)


def make_forecasts(rows: list[tuple[int, int, float, int]]) -> pd.DataFrame:
    """Rows of (question_id, forecaster_id, probability, hours after T0)."""
    frame = pd.DataFrame(rows, columns=["question_id", "forecaster_id", "probability", "hours"])
    created = pd.Series(T0 + frame["hours"].to_numpy() * HOUR, dtype="datetime64[ns, UTC]")
    return frame.drop(columns="hours").assign(created_at=created)


def slow_recency_median(forecasts: pd.DataFrame, question: int, at: pd.Timestamp) -> float:
    """The definition, one instant at a time: each forecaster's standing forecast made by `at`
    (same-instant ties: the highest probability), the n-th of N by time weighing e^(√n − √N)
    (1 when N ≤ 2), then the mean of the values where the weight share crosses ½."""
    made = forecasts.loc[(forecasts["question_id"] == question) & (forecasts["created_at"] <= at)]
    standing = (made.sort_values(["forecaster_id", "created_at", "probability"])
                .groupby("forecaster_id").tail(1)
                .sort_values(["created_at", "forecaster_id"], kind="stable"))
    values = standing["probability"].to_numpy()
    count = len(values)
    nth = np.arange(1, count + 1)
    weight = np.exp(np.sqrt(nth) - np.sqrt(count)) if count > 2 else np.ones(count)
    order = np.argsort(values, kind="stable")  # ties in value keep their time order
    values, weight = values[order], weight[order]
    share = np.cumsum(weight) / weight.sum()
    return float(values[np.sum(share < 0.5)] + values[np.sum(share <= 0.5)]) / 2


def assert_matches_the_definition(forecasts: pd.DataFrame) -> None:
    history = crowd_history(forecasts, method="recency_weighted_median")
    expected = [slow_recency_median(forecasts, row.question_id, row.created_at)
                for row in history.itertuples()]
    np.testing.assert_allclose(history["probability"].to_numpy(), expected, rtol=1e-12, atol=0)


def test_the_weights_by_hand():
    # N = 3: e^(√1 − √3), e^(√2 − √3), 1; N ≤ 2: all 1
    weights = recency_weights(np.array([1, 2, 3, 1, 2]), np.array([3, 3, 3, 2, 2]))
    assert weights.tolist() == pytest.approx([np.exp(1 - np.sqrt(3)),
                                              np.exp(np.sqrt(2) - np.sqrt(3)), 1.0, 1.0, 1.0])


def test_an_update_moves_later_forecasts_down_a_rank():
    # ana 0.1 (h0), ben 0.2 (h1), cy 0.9 (h2), then ana again 0.8 (h3): after it the order by
    # time is ben, cy, ana, so ben weighs e^(1 − √3) = 0.48, cy e^(√2 − √3) = 0.73, ana 1:
    # by value 0.2 | 0.8 | 0.9, shares 0.22, 0.68, 1 → the median is 0.8
    forecasts = make_forecasts([(1, 1, 0.1, 0), (1, 2, 0.2, 1), (1, 3, 0.9, 2), (1, 1, 0.8, 3)])
    history = crowd_history(forecasts, method="recency_weighted_median")
    assert history["probability"].iloc[-1] == pytest.approx(0.8)
    assert_matches_the_definition(forecasts)


rows = st.lists(st.tuples(st.integers(1, 3), st.integers(1, 8), st.integers(1, 99),
                          st.integers(0, 30)), min_size=1, max_size=60)


@settings(max_examples=150, deadline=None)
@given(rows=rows)
def test_the_fast_median_over_time_is_the_definition(rows):
    assert_matches_the_definition(make_forecasts([(q, f, p / 100, h) for q, f, p, h in rows]))


@settings(max_examples=40, deadline=None)
@given(rows=rows)
def test_the_general_path_gives_the_same_medians(rows, monkeypatch_module):
    # keys too wide to pack send a batch down the general weighted median: same answers
    forecasts = make_forecasts([(q, f, p / 100, h) for q, f, p, h in rows])
    fast = crowd_history(forecasts, method="recency_weighted_median")
    with monkeypatch_module.context() as patch:
        patch.setattr(aggregates, "group_medians", lambda *_, **__: None)
        general = crowd_history(forecasts, method="recency_weighted_median")
    np.testing.assert_allclose(general["probability"], fast["probability"], rtol=1e-12, atol=0)


@settings(max_examples=60, deadline=None)
@given(rows=rows, chunk=st.integers(1, 12))
def test_the_medians_do_not_depend_on_how_the_groups_are_chunked(rows, chunk,
                                                                  monkeypatch_module):
    # a busy question's pairs go through the kernel a few groups at a time: any chunking,
    # down to one group at a time, gives the definition
    forecasts = make_forecasts([(q, f, p / 100, h) for q, f, p, h in rows])
    with monkeypatch_module.context() as patch:
        patch.setattr(recency, "_CHUNK_PAIRS", chunk)
        assert_matches_the_definition(forecasts)


def slow_median(forecasts: pd.DataFrame, at: pd.Timestamp) -> float:
    """The plain median of the standing forecasts at `at` (same rule for ties as above)."""
    made = forecasts.loc[forecasts["created_at"] <= at]
    standing = (made.sort_values(["forecaster_id", "created_at", "probability"])
                .groupby("forecaster_id").tail(1))
    return float(np.median(standing["probability"])) if len(standing) else float("nan")


@settings(max_examples=80, deadline=None)
@given(rows=st.lists(st.tuples(st.integers(1, 8), st.integers(1, 99), st.integers(0, 30)),
                     min_size=1, max_size=60),
       probes=st.lists(st.integers(-2, 62), min_size=1, max_size=12),
       general=st.booleans())
def test_the_crowd_at_chosen_instants_is_the_definition(rows, probes, general,
                                                        monkeypatch_module):
    # the chart's path (instants × forecasters) against the definition at each probe, half
    # hours apart, before the first forecast and after the last; by the packed kernel or,
    # for keys too wide to pack, by the general weighted median
    forecasts = make_forecasts([(1, f, p / 100, h) for f, p, h in rows])
    instants = [T0 + HOUR * probe / 2 for probe in probes]
    with monkeypatch_module.context() as patch:
        if general:
            patch.setattr(aggregates, "group_medians", lambda *_, **__: None)
        found = aggregates.crowds_at(forecasts, instants, ("median", "recency_weighted_median"))
    for method, slow in (("median", lambda at: slow_median(forecasts, at)),
                         ("recency_weighted_median",
                          lambda at: slow_recency_median(forecasts, 1, at)
                          if (forecasts["created_at"] <= at).any() else float("nan"))):
        line = found[method]
        expected = [slow(at) for at in line["created_at"]]
        np.testing.assert_allclose(line["probability"].to_numpy(), expected, rtol=1e-12, atol=0)
    assert crowd_at(forecasts, instants)["forecasters"].tolist() == [
        forecasts.loc[forecasts["created_at"] <= at, "forecaster_id"].nunique()
        for at in sorted(instants)]


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch
