"""Crowd aggregates, the crowd's history over time, and recalibration."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forecasts.scoring.aggregates import crowd, crowd_at, crowd_history
from forecasts.scoring.recalibration import recalibrate

T0 = pd.Timestamp("2024-01-01", tz="UTC")
HOUR = pd.Timedelta(hours=1)
METHODS = ["median", "mean", "recency_weighted_median", "extremized_mean"]


def make_forecasts(rows: list[tuple]) -> pd.DataFrame:
    """Rows of (question_id, forecaster_id, probability, hours after T0)."""
    frame = pd.DataFrame(rows, columns=["question_id", "forecaster_id", "probability", "hours"])
    created = pd.Series(T0 + frame["hours"].to_numpy() * HOUR, dtype="datetime64[ns, UTC]")
    return frame.drop(columns="hours").assign(created_at=created)


def one_question(probabilities: list[float]) -> pd.DataFrame:
    """One forecast per forecaster on question 1, made an hour apart in the order given."""
    return make_forecasts([(1, f"f{i}", p, i) for i, p in enumerate(probabilities)])


def crowd_value(forecasts: pd.DataFrame, **options: object) -> float:
    table = crowd(forecasts, **options)
    assert len(table) == 1
    return float(table["probability"].iloc[0])


# ---------------------------------------------------------------- crowd at an instant


def test_median_and_mean() -> None:
    forecasts = one_question([0.6, 0.7, 0.8])
    assert crowd_value(forecasts) == pytest.approx(0.7)
    assert crowd_value(forecasts, method="mean") == pytest.approx(0.7)
    # an even count takes the mean of the middle two: (0.2 + 0.6)/2
    assert crowd_value(one_question([0.9, 0.2, 0.6, 0.1])) == pytest.approx(0.4)


def test_extremized_mean_public_check_values() -> None:
    # mean logit = (0.4055 + 0.8473 + 1.3863)/3 = 0.8797; logistic(0.8797) = 0.7068,
    # logistic(2.5 · 0.8797) = logistic(2.1992) = 0.9002
    forecasts = one_question([0.6, 0.7, 0.8])
    assert crowd_value(forecasts, method="extremized_mean", extremize=1) == pytest.approx(
        0.7068, abs=5e-5
    )
    assert crowd_value(forecasts, method="extremized_mean") == pytest.approx(0.9002, abs=5e-5)


def test_recency_weighted_median_by_hand() -> None:
    # by time 0.9, 0.8, 0.1, 0.2 weigh e^(√n − 2) = 0.3679, 0.5567, 0.7650, 1 (total 2.6896)
    # sorted: 0.1 (0.7650), 0.2 (1) → cumulative share 0.2844, 0.6562: crosses ½ at 0.2
    # the plain median would be (0.2 + 0.8)/2 = 0.5
    forecasts = one_question([0.9, 0.8, 0.1, 0.2])
    assert crowd_value(forecasts, method="recency_weighted_median") == pytest.approx(0.2)


def test_recency_weighting_is_off_for_two_forecasts() -> None:
    # N ≤ 2: plain median (0.2 + 0.6)/2 = 0.4
    assert crowd_value(one_question([0.2, 0.6]), method="recency_weighted_median") == pytest.approx(
        0.4
    )


def test_crowd_takes_latest_forecast_made_at_or_before_at() -> None:
    forecasts = make_forecasts(
        [(1, "ann", 0.2, 0), (1, "bob", 0.4, 1), (1, "ann", 0.9, 2), (1, "cy", 0.0, 3)]
    )
    # at hour 2: Ann's update (made exactly then) replaces her 0.2 → median(0.9, 0.4) = 0.65
    assert crowd_value(forecasts, at=T0 + 2 * HOUR) == pytest.approx(0.65)
    assert crowd(forecasts, at=T0 + 2 * HOUR)["forecasters"].tolist() == [2]
    # at hour 1.5: median(0.2, 0.4) = 0.3; naive datetimes are read as UTC
    assert crowd_value(forecasts, at=pd.Timestamp("2024-01-01 01:30")) == pytest.approx(0.3)
    assert crowd(forecasts, at=T0 - HOUR).empty


def test_crowd_is_per_question() -> None:
    forecasts = make_forecasts([(1, "ann", 0.2, 0), (2, "ann", 0.8, 0), (2, "bob", 0.6, 0)])
    table = crowd(forecasts)
    assert table["question_id"].tolist() == [1, 2]
    assert table["probability"].tolist() == pytest.approx([0.2, 0.7])
    assert table["forecasters"].tolist() == [1, 2]


def test_crowd_refuses_unknown_method_and_bad_probability() -> None:
    with pytest.raises(ValueError):
        crowd(one_question([0.5]), method="mode")
    with pytest.raises(ValueError):
        crowd(one_question([1.5]))


# ---------------------------------------------------------------- crowd history


def test_crowd_history_steps() -> None:
    forecasts = make_forecasts(
        [(1, "ann", 0.2, 0), (1, "bob", 0.6, 1), (1, "cy", 0.7, 1), (1, "bob", 0.1, 2)]
    )
    history = crowd_history(forecasts)
    # hour 0: 0.2; hour 1 (two forecasts at once, one row): median(0.2, 0.6, 0.7) = 0.6;
    # hour 2: Bob's update → median(0.2, 0.1, 0.7) = 0.2
    assert history["probability"].tolist() == pytest.approx([0.2, 0.6, 0.2])
    assert history["forecasters"].tolist() == [1, 3, 3]
    assert (history["forecaster_id"] == "crowd:median").all()
    assert history["created_at"].tolist() == [T0, T0 + HOUR, T0 + 2 * HOUR]


history_rows = st.lists(
    st.tuples(
        st.integers(1, 3),
        st.sampled_from(["a", "b", "c", "d", "e"]),
        st.one_of(st.sampled_from([0.0, 0.1, 0.3, 0.5, 0.7, 1.0]), st.floats(0, 1)),
        st.integers(0, 8),  # hours: ties across and within forecasters are common
    ),
    min_size=1,
    max_size=16,
)


@settings(max_examples=30, deadline=None)
@given(history_rows, st.sampled_from(METHODS))
def test_crowd_history_agrees_with_crowd_at_each_instant(rows: list[tuple], method: str) -> None:
    forecasts = make_forecasts(rows)
    history = crowd_history(forecasts, method=method)
    for step in history.itertuples():
        at_then = crowd(forecasts, method=method, at=step.created_at).set_index("question_id")
        assert step.probability == pytest.approx(
            at_then.loc[step.question_id, "probability"], abs=1e-12
        )
        assert step.forecasters == at_then.loc[step.question_id, "forecasters"]


@settings(max_examples=20, deadline=None)
@given(history_rows, st.sampled_from(METHODS), st.randoms(use_true_random=False))
def test_crowd_does_not_depend_on_row_order(rows: list[tuple], method: str, random: object) -> None:
    forecasts = make_forecasts(rows)
    shuffled = forecasts.sample(frac=1, random_state=random.randint(0, 2**31))
    pd.testing.assert_frame_equal(crowd(forecasts, method=method), crowd(shuffled, method=method))
    pd.testing.assert_frame_equal(
        crowd_history(forecasts, method=method), crowd_history(shuffled, method=method)
    )


def test_crowd_history_on_a_busier_question_set() -> None:
    rng = np.random.default_rng(3)
    n = 120
    forecasts = make_forecasts(
        list(
            zip(
                rng.integers(1, 4, n).tolist(),
                rng.integers(0, 15, n).tolist(),
                np.round(rng.random(n), 2).tolist(),
                rng.integers(0, 60, n).tolist(),
                strict=True,
            )
        )
    )
    for method in ("median", "recency_weighted_median"):
        history = crowd_history(forecasts, method=method)
        sample = history.iloc[:: max(len(history) // 25, 1)]
        for step in sample.itertuples():
            at_then = crowd(forecasts, method=method, at=step.created_at).set_index("question_id")
            assert step.probability == pytest.approx(at_then.loc[step.question_id, "probability"])


# ---------------------------------------------------------------- recalibration


def recalibration_case(later_outcomes: list[int]) -> tuple[list, list, list]:
    """Four rows resolved in January (before the cutoff), two in March (after it)."""
    probability = [0.2, 0.2, 0.8, 0.8, 0.2, 0.8]
    outcome = [0, 1, 1, 1, *later_outcomes]
    january, march = pd.Timestamp("2024-01-15", tz="UTC"), pd.Timestamp("2024-03-15", tz="UTC")
    return probability, outcome, [january] * 4 + [march] * 2


CUTOFF = pd.Timestamp("2024-02-01", tz="UTC")


def test_isotonic_recalibration_by_hand() -> None:
    # fitted on January: 0.2 → mean(0, 1) = 0.5, 0.8 → mean(1, 1) = 1
    # March before: ((0.2 − 1)² + (0.8 − 1)²)/2 = (0.64 + 0.04)/2 = 0.34
    # March after:  ((0.5 − 1)² + (1 − 1)²)/2 = 0.125
    result = recalibrate(*recalibration_case([1, 1]), cutoff=CUTOFF)
    assert (result.fitted_rows, result.evaluated_rows) == (4, 2)
    assert result.brier_before == pytest.approx(0.34)
    assert result.brier_after == pytest.approx(0.125)
    assert result.apply([0.2, 0.8]).tolist() == pytest.approx([0.5, 1.0])
    assert result.apply([0.0, 1.0]).tolist() == pytest.approx([0.5, 1.0])  # clipped at the ends


def test_recalibration_never_sees_evaluation_outcomes() -> None:
    grid = np.linspace(0, 1, 11)
    one = recalibrate(*recalibration_case([1, 1]), cutoff=CUTOFF)
    other = recalibrate(*recalibration_case([0, 0]), cutoff=CUTOFF)
    np.testing.assert_array_equal(one.apply(grid), other.apply(grid))
    assert one.brier_after != other.brier_after


def test_a_row_resolved_at_the_cutoff_is_evaluated_not_fitted() -> None:
    probability, outcome, resolved = recalibration_case([1, 1])
    resolved[0] = CUTOFF
    result = recalibrate(probability, outcome, resolved, cutoff=CUTOFF)
    assert (result.fitted_rows, result.evaluated_rows) == (3, 3)


def test_unresolved_rows_are_skipped() -> None:
    probability, outcome, resolved = recalibration_case([1, 1])
    result = recalibrate([*probability, 0.5], [*outcome, None], [*resolved, pd.NaT], cutoff=CUTOFF)
    assert (result.fitted_rows, result.evaluated_rows) == (4, 2)


def test_platt_recalibration() -> None:
    rng = np.random.default_rng(11)
    truth = rng.random(4_000)
    outcome = (rng.random(4_000) < truth).astype(int)
    # log-odds 2.5 times too far from even: Platt's slope on logit p should be about 1/2.5 = 0.4
    overconfident = 1 / (1 + np.exp(-2.5 * np.log(truth / (1 - truth))))
    resolved = pd.Series(pd.date_range("2014-01-01", periods=4_000, freq="D", tz="UTC"))
    result = recalibrate(overconfident, outcome, resolved, cutoff=resolved[3_000], method="platt")
    assert result.model.coef_[0, 0] == pytest.approx(0.4, abs=0.05)
    assert np.all(np.diff(result.apply(np.linspace(0.05, 0.95, 10))) > 0)
    assert result.brier_after < result.brier_before
    expected = np.mean((result.apply(overconfident[3_000:]) - outcome[3_000:]) ** 2)
    assert result.brier_after == pytest.approx(expected)


def test_recalibrate_refuses_an_empty_side_or_bad_options() -> None:
    probability, outcome, resolved = recalibration_case([1, 1])
    with pytest.raises(ValueError, match="before cutoff"):
        recalibrate(probability, outcome, resolved, cutoff=pd.Timestamp("2023-01-01", tz="UTC"))
    with pytest.raises(ValueError, match="at or after cutoff"):
        recalibrate(probability, outcome, resolved, cutoff=pd.Timestamp("2025-01-01", tz="UTC"))
    with pytest.raises(ValueError, match="both outcomes"):
        recalibrate(
            [0.3, 0.6, 0.5], [1, 1, 0], resolved[:2] + resolved[-1:], cutoff=CUTOFF, method="platt"
        )
    with pytest.raises(ValueError):
        recalibrate(probability, outcome, resolved, cutoff=CUTOFF, method="beta")
    with pytest.raises(ValueError):
        recalibrate(probability, [2, *outcome[1:]], resolved, cutoff=CUTOFF)
    assert math.isfinite(recalibrate(probability, outcome, resolved, cutoff=CUTOFF).brier_after)


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.tuples(st.integers(0, 5), st.integers(1, 99), st.integers(0, 40)),
                     min_size=1, max_size=40),
       method=st.sampled_from(["median", "mean", "recency_weighted_median", "extremized_mean"]))
def test_the_crowd_at_chosen_instants_is_its_history_there(rows, method):
    forecasts = make_forecasts([(1, f, p / 100, h) for f, p, h in rows])
    history = crowd_history(forecasts, method=method)
    probes = pd.concat([history["created_at"], history["created_at"] + HOUR / 2,
                        pd.Series([T0 - HOUR])], ignore_index=True)
    sampled = crowd_at(forecasts, probes, method=method).set_index("created_at")
    exact = history.set_index("created_at")
    # at each instant the crowd moved, and half an hour later (the value still standing)
    for shift in (pd.Timedelta(0), HOUR / 2):
        at = sampled.loc[exact.index + shift]
        np.testing.assert_allclose(at["probability"], exact["probability"], rtol=1e-12)
        assert list(at["forecasters"]) == list(exact["forecasters"])
    assert np.isnan(sampled.loc[T0 - HOUR, "probability"])  # before anyone forecast


def test_the_crowd_at_instants_takes_one_question():
    forecasts = make_forecasts([(1, 1, 0.3, 0), (2, 1, 0.4, 0)])
    with pytest.raises(ValueError, match="one question"):
        crowd_at(forecasts, [T0])
