"""Tests for forecasts.scoring: hand-worked examples, properties, and cross-checks with sklearn."""

from __future__ import annotations

import math
from itertools import pairwise
from statistics import median

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forecasts.scoring.aggregates import crowd_history
from forecasts.scoring.calibration import calibration_table, murphy_decomposition
from forecasts.scoring.leaderboard import leaderboard
from forecasts.scoring.scores import brier, log_score, relative_brier, time_weighted_brier

# _reference_imports: sklearn and scipy.stats, the reference implementations, are imported in
# the tests that cross-check against them. At the top they cost every test process a second of
# CPU as it collects the suite, whether or not it runs these tests.

T0 = pd.Timestamp("2024-01-01", tz="UTC")
DAY = pd.Timedelta(days=1)
SECOND = pd.Timedelta(seconds=1)


def make_forecasts(rows: list[tuple], unit: pd.Timedelta = DAY) -> pd.DataFrame:
    """Rows of (question_id, forecaster_id, probability, time offset in `unit`s from T0)."""
    frame = pd.DataFrame(rows, columns=["question_id", "forecaster_id", "probability", "offset"])
    created = T0 + frame["offset"].to_numpy() * unit
    return frame.drop(columns="offset").assign(
        created_at=pd.Series(created, dtype="datetime64[ns, UTC]")
    )


def make_questions(rows: list[tuple], unit: pd.Timedelta = DAY) -> pd.DataFrame:
    """Rows of (question_id, opens, closes, resolved or None, outcome or None) as offsets."""

    def at(offset: float | None) -> pd.Timestamp:
        return pd.NaT if offset is None else T0 + offset * unit

    return pd.DataFrame(
        {
            "question_id": [row[0] for row in rows],
            "opens_at": pd.Series([at(row[1]) for row in rows], dtype="datetime64[ns, UTC]"),
            "closes_at": pd.Series([at(row[2]) for row in rows], dtype="datetime64[ns, UTC]"),
            "resolved_at": pd.Series([at(row[3]) for row in rows], dtype="datetime64[ns, UTC]"),
            "outcome": pd.array([row[4] for row in rows], dtype="Float64"),
        }
    )


def score_of(table: pd.DataFrame, question_id: object, forecaster_id: object) -> pd.Series:
    row = table.loc[
        (table["question_id"] == question_id) & (table["forecaster_id"] == forecaster_id)
    ]
    assert len(row) == 1
    return row.iloc[0]


# ---------------------------------------------------------------- brier and log score


def test_brier_of_one_forecast_is_a_float() -> None:
    # (0.2 − 0)² = 0.04, as the web app shows for a single forecast
    assert brier(0.2, 0) == pytest.approx(0.04)
    assert isinstance(brier(0.2, 0), float)


def test_brier_public_check_values() -> None:
    # ((.1)² + (.1)² + (.2)² + (.3)²)/4 = (0.01 + 0.01 + 0.04 + 0.09)/4 = 0.0375
    scores = brier([0.1, 0.9, 0.8, 0.3], [0, 1, 1, 0])
    assert isinstance(scores, np.ndarray)
    assert scores.mean() == pytest.approx(0.0375)
    assert brier([0.1, 0.9, 0.8, 0.3], [0, 1, 1, 0], two_term=True).mean() == pytest.approx(0.075)


def test_brier_range_anchors() -> None:
    assert brier(1.0, 1) == 0.0
    assert brier(1.0, 0) == 1.0
    assert brier(0.5, 1) == 0.25
    assert brier(0.5, 0, two_term=True) == 0.5


@pytest.mark.parametrize(
    ("probability", "outcome"),
    [(1.2, 1), (-0.1, 0), (math.nan, 1), (0.5, 2), (0.5, math.nan), (0.5, None), ("x", 1)],
)
def test_brier_refuses_invalid_values(probability: object, outcome: object) -> None:
    with pytest.raises(ValueError):
        brier(probability, outcome)


def test_log_score_examples() -> None:
    # ln 0.8 = −0.2231 for 80 % on what happened; ln(1 − 0.8) = ln 0.2 = −1.6094 on what did not
    assert log_score(0.8, 1) == pytest.approx(math.log(0.8))
    assert log_score(0.8, 0) == pytest.approx(math.log(0.2))
    assert log_score(1.0, 1) == pytest.approx(0.0, abs=1e-5)


def test_log_score_clips_a_certain_miss() -> None:
    # 0 % on what happened is clipped to 1e-6: ln 1e-6 = −13.8155 instead of −∞
    assert log_score(0.0, 1) == pytest.approx(math.log(1e-6))
    assert log_score([1.0, 0.0], [0, 1], eps=0.01) == pytest.approx([math.log(0.01)] * 2)
    with pytest.raises(ValueError):
        log_score(0.5, 3)


def test_brier_matches_sklearn_on_random_data() -> None:
    from sklearn.metrics import brier_score_loss  # (see _reference_imports)

    rng = np.random.default_rng(7)
    probability = rng.random(5_000)
    outcome = (rng.random(5_000) < probability).astype(int)
    assert brier(probability, outcome).mean() == pytest.approx(
        brier_score_loss(outcome, probability)
    )
    assert brier(probability, outcome, two_term=True).mean() == pytest.approx(
        2 * brier_score_loss(outcome, probability)
    )


unit_floats = st.floats(min_value=0, max_value=1, allow_nan=False)


@given(unit_floats, st.sampled_from([0, 1]))
def test_brier_is_between_0_and_1(probability: float, outcome: int) -> None:
    assert 0 <= brier(probability, outcome) <= 1
    assert brier(probability, outcome, two_term=True) == 2 * brier(probability, outcome)


@given(unit_floats, unit_floats)
def test_reporting_the_true_probability_minimises_expected_brier(
    truth: float, report: float
) -> None:
    def expected(p: float) -> float:
        return truth * brier(p, 1) + (1 - truth) * brier(p, 0)

    # E = q(1 − p)² + (1 − q)p² = (p − q)² + q(1 − q): smallest at p = q
    assert expected(truth) <= expected(report) + 1e-12


# ---------------------------------------------------------------- Murphy decomposition

CHECK_FORECASTS = [0.2] * 5 + [0.7] * 5
CHECK_OUTCOMES = [0, 0, 0, 1, 1, 1, 1, 1, 0, 1]


def test_murphy_public_check_values() -> None:
    # bins 0.2: ō = 2/5 = 0.4, 0.7: ō = 4/5 = 0.8; ō = 0.6
    # REL = (5·(0.2 − 0.4)² + 5·(0.7 − 0.8)²)/10 = (0.2 + 0.05)/10 = 0.025
    # RES = (5·(0.4 − 0.6)² + 5·(0.8 − 0.6)²)/10 = 0.04; UNC = 0.6·0.4 = 0.24
    # BS = 0.025 − 0.04 + 0.24 = 0.225
    result = murphy_decomposition(CHECK_FORECASTS, CHECK_OUTCOMES)
    assert result.brier == pytest.approx(0.225)
    assert result.reliability == pytest.approx(0.025)
    assert result.resolution == pytest.approx(0.04)
    assert result.uncertainty == pytest.approx(0.24)
    assert result.within_bin_variance == 0
    assert result.within_bin_covariance == 0


def test_murphy_within_bin_terms_by_hand() -> None:
    # one bin [0, 0.5) holding f = 0.1, 0.3 with o = 0, 1: f̄ = 0.2, ō = 0.5
    # REL = (0.2 − 0.5)² = 0.09, RES = 0, UNC = 0.25
    # WBV = ((−0.1)² + 0.1²)/2 = 0.01; WBC = 2·((−0.5)(−0.1) + (0.5)(0.1))/2 = 0.1
    # BS = (0.1² + 0.7²)/2 = 0.25 = 0.09 − 0 + 0.25 + 0.01 − 0.1
    result = murphy_decomposition([0.1, 0.3], [0, 1], bins=2)
    assert result.reliability == pytest.approx(0.09)
    assert result.resolution == pytest.approx(0.0)
    assert result.within_bin_variance == pytest.approx(0.01)
    assert result.within_bin_covariance == pytest.approx(0.1)
    assert result.brier == pytest.approx(0.25)


def test_murphy_accepts_explicit_edges_and_refuses_bad_input() -> None:
    by_count = murphy_decomposition(CHECK_FORECASTS, CHECK_OUTCOMES, bins=4)
    by_edges = murphy_decomposition(CHECK_FORECASTS, CHECK_OUTCOMES, bins=[0, 0.25, 0.5, 0.75, 1])
    assert by_count == by_edges
    with pytest.raises(ValueError):
        murphy_decomposition([], [])
    with pytest.raises(ValueError):
        murphy_decomposition([0.5, 0.5], [1])
    with pytest.raises(ValueError):
        murphy_decomposition([0.5], [1], bins=[1, 0])


forecast_lists = st.lists(
    st.tuples(
        st.one_of(unit_floats, st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.7, 1.0])),
        st.sampled_from([0, 1]),
    ),
    min_size=1,
    max_size=60,
)


def identity_gap(result: object) -> float:
    rebuilt = (
        result.reliability
        - result.resolution
        + result.uncertainty
        + result.within_bin_variance
        - result.within_bin_covariance
    )
    return abs(rebuilt - result.brier)


@settings(max_examples=150)
@given(forecast_lists)
def test_murphy_identity_with_distinct_value_bins(pairs: list[tuple[float, int]]) -> None:
    probability, outcome = zip(*pairs, strict=True)
    result = murphy_decomposition(probability, outcome)
    assert result.within_bin_variance == 0
    assert result.within_bin_covariance == 0
    assert identity_gap(result) < 1e-12


@settings(max_examples=150)
@given(forecast_lists, st.integers(min_value=1, max_value=20))
def test_murphy_identity_with_coarse_bins(pairs: list[tuple[float, int]], bins: int) -> None:
    from sklearn.metrics import brier_score_loss  # (see _reference_imports)

    probability, outcome = zip(*pairs, strict=True)
    result = murphy_decomposition(probability, outcome, bins=bins)
    assert identity_gap(result) < 1e-12
    assert result.brier == pytest.approx(brier_score_loss(outcome, probability, pos_label=1))


# ---------------------------------------------------------------- calibration table


def test_calibration_table_public_check_values() -> None:
    table = calibration_table([0.1, 0.9, 0.8, 0.3], [0, 1, 1, 0], n_bins=5)
    # 0.8 sits on the edge between [0.6, 0.8] and [0.8, 1]: it goes to the lower bin
    assert table["observed_frequency"].tolist() == [0, 0, 1, 1]
    assert table["mean_forecast"].tolist() == pytest.approx([0.1, 0.3, 0.8, 0.9])
    assert table["bin_low"].tolist() == pytest.approx([0.0, 0.2, 0.6, 0.8])
    assert table["count"].tolist() == [1, 1, 1, 1]


def test_calibration_wilson_interval_by_hand() -> None:
    # k = 0 of n = 1, z = 1.95996: centre = z²/2 / (1 + z²) = 1.92073/4.84146 = 0.39672
    # half = z/(1 + z²) · sqrt(0 + z²/4) = 0.40482 · 0.97998 = 0.39672 → [0, 0.79345]
    table = calibration_table([0.1], [0], n_bins=5)
    assert table["ci_low"].iloc[0] == pytest.approx(0.0, abs=1e-12)
    assert table["ci_high"].iloc[0] == pytest.approx(0.79345, abs=1e-5)


def test_calibration_jeffreys_interval() -> None:
    from scipy.stats import beta  # (see _reference_imports)

    # 3 of 4 in [0.6, 0.8): Beta(3.5, 1.5) quantiles 2.5 % and 97.5 %; all-or-none ends pinned
    table = calibration_table(
        [0.7, 0.7, 0.7, 0.7, 0.1], [1, 1, 1, 0, 0], n_bins=5, interval="jeffreys"
    )
    high_bin = table.loc[np.isclose(table["bin_low"], 0.6)].iloc[0]
    assert high_bin["ci_low"] == pytest.approx(beta.ppf(0.025, 3.5, 1.5))
    assert high_bin["ci_high"] == pytest.approx(beta.ppf(0.975, 3.5, 1.5))
    low_bin = table.iloc[0]
    assert (low_bin["ci_low"], low_bin["ci_high"]) == (
        0.0,
        pytest.approx(beta.ppf(0.975, 0.5, 1.5)),
    )


def test_calibration_table_refuses_unknown_options() -> None:
    with pytest.raises(ValueError):
        calibration_table([0.5], [1], strategy="kmeans")
    with pytest.raises(ValueError):
        calibration_table([0.5], [1], interval="wald")


@pytest.mark.parametrize("strategy", ["uniform", "quantile"])
@pytest.mark.parametrize("n_bins", [1, 3, 5, 10, 17])
def test_calibration_table_matches_sklearn(strategy: str, n_bins: int) -> None:
    from sklearn.calibration import calibration_curve  # (see _reference_imports)

    rng = np.random.default_rng(n_bins)
    # grid values land exactly on bin edges, testing the edge rule as well
    probability = np.concatenate([rng.random(400), np.round(rng.random(200), 1)])
    outcome = (rng.random(600) < probability).astype(int)
    prob_true, prob_pred = calibration_curve(outcome, probability, n_bins=n_bins, strategy=strategy)
    table = calibration_table(probability, outcome, n_bins=n_bins, strategy=strategy)
    np.testing.assert_allclose(table["observed_frequency"], prob_true, rtol=0, atol=1e-12)
    np.testing.assert_allclose(table["mean_forecast"], prob_pred, rtol=0, atol=1e-12)
    assert table["count"].sum() == 600
    assert (
        (table["ci_low"] <= table["observed_frequency"])
        & (table["observed_frequency"] <= table["ci_high"])
    ).all()


# ---------------------------------------------------------------- time-weighted Brier


def test_time_weighted_brier_public_check_value() -> None:
    # 80 % for 6 days then 40 % for 3 days, outcome NO: (6·0.8² + 3·0.4²)/9 = (3.84 + 0.48)/9 = 0.48
    forecasts = make_forecasts([(1, "ann", 0.8, 0), (1, "ann", 0.4, 6)])
    questions = make_questions([(1, 0, 9, None, 0)])
    row = score_of(time_weighted_brier(forecasts, questions), 1, "ann")
    assert row["brier"] == pytest.approx(0.48)
    assert (row["coverage"], row["forecasts"]) == (1.0, 2)
    two_term = score_of(time_weighted_brier(forecasts, questions, two_term=True), 1, "ann")
    assert two_term["brier"] == pytest.approx(0.96)


def test_time_weighted_brier_is_exact_to_the_second() -> None:
    # 100 % for 9 s then 0 % for the last 1 s of a 10 s question that resolved YES: (9·0 + 1·1)/10
    forecasts = make_forecasts([(1, "ann", 1.0, 0), (1, "ann", 0.0, 9)], unit=SECOND)
    questions = make_questions([(1, 0, 10, None, 1)], unit=SECOND)
    assert score_of(time_weighted_brier(forecasts, questions), 1, "ann")["brier"] == pytest.approx(
        0.1
    )


def test_scoring_stops_at_early_resolution_and_ignores_later_forecasts() -> None:
    # resolved YES on day 4 of 10: 0.5 for days 0–2, 0.9 for days 2–4: (2·0.25 + 2·0.01)/4 = 0.13;
    # the day-5 forecast came after the end and is ignored
    forecasts = make_forecasts([(1, "ann", 0.5, 0), (1, "ann", 0.9, 2), (1, "ann", 0.0, 5)])
    questions = make_questions([(1, 0, 10, 4, 1)])
    row = score_of(time_weighted_brier(forecasts, questions), 1, "ann")
    assert row["brier"] == pytest.approx(0.13)
    assert row["forecasts"] == 2


def test_forecast_made_before_opening_counts_from_opening() -> None:
    # made on day −3, replaced on day −1, opened day 0: only the day −1 forecast (0.3) holds, (0.3)²
    forecasts = make_forecasts([(1, "ann", 0.9, -3), (1, "ann", 0.3, -1)])
    questions = make_questions([(1, 0, 5, None, 0)])
    row = score_of(time_weighted_brier(forecasts, questions), 1, "ann")
    assert row["brier"] == pytest.approx(0.09)
    assert (row["coverage"], row["forecasts"]) == (1.0, 1)


def test_unresolved_and_annulled_questions_are_not_scored() -> None:
    forecasts = make_forecasts([(1, "ann", 0.8, 0), (2, "ann", 0.8, 0), (3, "ann", 0.8, 0)])
    questions = make_questions([(1, 0, 5, None, None), (2, 0, 5, 3, None), (3, 0, 5, 5, 1)])
    table = time_weighted_brier(forecasts, questions)
    assert table["question_id"].tolist() == [3]


def late_forecaster_case() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Ann says 0.5 from day 0; Bob says 0.9 from day 5; 10-day question resolves YES."""
    forecasts = make_forecasts([(1, "ann", 0.5, 0), (1, "bob", 0.9, 5)])
    return forecasts, make_questions([(1, 0, 10, None, 1)])


def test_before_first_policies() -> None:
    forecasts, questions = late_forecaster_case()
    # active: only days 5–10 count, (0.9 − 1)² = 0.01, coverage 5/10
    active = score_of(time_weighted_brier(forecasts, questions), 1, "bob")
    assert (active["brier"], active["coverage"]) == (pytest.approx(0.01), 0.5)
    # uninformed: days 0–5 score 0.25: (5·0.25 + 5·0.01)/10 = 0.13
    uninformed = time_weighted_brier(forecasts, questions, before_first="uninformed")
    assert score_of(uninformed, 1, "bob")["brier"] == pytest.approx(0.13)
    assert score_of(uninformed, 1, "bob")["coverage"] == 0.5
    # crowd: days 0–5 take the crowd median then (Ann's 0.5 alone): same 0.13 here
    crowd = time_weighted_brier(forecasts, questions, before_first="crowd")
    assert score_of(crowd, 1, "bob")["brier"] == pytest.approx(0.13)
    with pytest.raises(ValueError):
        time_weighted_brier(forecasts, questions, before_first="zero")


def test_crowd_policy_uses_the_crowd_standing_at_the_time() -> None:
    # crowd: 0.2 (Ann) on days 0–2, median(0.2, 0.6) = 0.4 on days 2–4; Cy joins on day 4 with 1.0
    # Cy under `crowd`: (2·(0.2 − 1)² + 2·(0.4 − 1)² + 6·0)/10 = (1.28 + 0.72)/10 = 0.2
    forecasts = make_forecasts([(1, "ann", 0.2, 0), (1, "bob", 0.6, 2), (1, "cy", 1.0, 4)])
    questions = make_questions([(1, 0, 10, None, 1)])
    table = time_weighted_brier(forecasts, questions, before_first="crowd")
    assert score_of(table, 1, "cy")["brier"] == pytest.approx(0.2)


def test_relative_brier_against_the_crowd_median() -> None:
    forecasts, questions = late_forecaster_case()
    table = relative_brier(forecasts, questions)
    # crowd: 0.5 on days 0–5, median(0.5, 0.9) = 0.7 on days 5–10
    # Bob (days 5–10): 0.01 − (0.7 − 1)² = 0.01 − 0.09 = −0.08, better than the crowd
    bob = score_of(table, 1, "bob")
    assert (bob["crowd_brier"], bob["relative_brier"]) == (
        pytest.approx(0.09),
        pytest.approx(-0.08),
    )
    # Ann (days 0–10): 0.25 − (5·0.25 + 5·0.09)/10 = 0.25 − 0.17 = 0.08
    assert score_of(table, 1, "ann")["relative_brier"] == pytest.approx(0.08)


def test_same_instant_forecasts_take_the_highest_probability() -> None:
    forecasts = make_forecasts([(1, "ann", 0.9, 0), (1, "ann", 0.2, 0)])
    questions = make_questions([(1, 0, 4, None, 1)])
    row = score_of(time_weighted_brier(forecasts, questions), 1, "ann")
    assert row["brier"] == pytest.approx(0.01)
    assert row["forecasts"] == 1


def test_time_weighted_brier_refuses_bad_input() -> None:
    forecasts, questions = late_forecaster_case()
    with pytest.raises(ValueError):
        time_weighted_brier(forecasts.drop(columns="created_at"), questions)
    with pytest.raises(ValueError):
        time_weighted_brier(forecasts.assign(probability=1.5), questions)
    with pytest.raises(ValueError):
        time_weighted_brier(forecasts, pd.concat([questions, questions]))
    with pytest.raises(ValueError):
        time_weighted_brier(forecasts, questions.assign(outcome=2))


def test_empty_forecasts_give_an_empty_table() -> None:
    forecasts, questions = late_forecaster_case()
    table = relative_brier(forecasts.iloc[:0], questions)
    assert table.empty
    assert "relative_brier" in table.columns


# ---------------------------------------------------------------- properties over random histories

OPENS, CLOSES = 0, 20  # seconds
probabilities_grid = st.sampled_from([0.0, 0.1, 0.2, 0.35, 0.5, 0.6, 0.8, 0.95, 1.0])
forecast_rows = st.lists(
    st.tuples(
        st.integers(1, 3),  # question
        st.sampled_from(["a", "b", "c", "d"]),
        st.one_of(probabilities_grid, unit_floats),
        st.integers(OPENS - 4, CLOSES + 2),  # some before opening, some after closing
    ),
    min_size=1,
    max_size=14,
)
question_rows = st.tuples(
    st.sampled_from([None, 12, 25]),  # resolved early, never recorded, or after closing
    st.sampled_from([0, 1]),
)


def random_case(rows: list[tuple], resolutions: list[tuple]) -> tuple[pd.DataFrame, pd.DataFrame]:
    questions = make_questions(
        [
            (q, OPENS, CLOSES, resolved, outcome)
            for q, (resolved, outcome) in enumerate(resolutions, 1)
        ],
        unit=SECOND,
    )
    return make_forecasts(rows, unit=SECOND), questions


def standing(rows: list[tuple], instant: float) -> dict[str, tuple[int, float]]:
    """Each forecaster's latest forecast made at or before `instant`: (row id, probability)."""
    latest: dict[str, tuple[float, float, int]] = {}
    for row_id, (forecaster, probability, made) in enumerate(rows):
        if (
            made <= instant
            and (made, probability) >= latest.get(forecaster, (-math.inf, -1, 0))[:2]
        ):
            latest[forecaster] = (made, probability, row_id)
    return {name: (row_id, p) for name, (_, p, row_id) in latest.items()}


def reference_scores(rows: list[tuple], resolutions: list[tuple], policy: str) -> dict:
    """Slow, obvious version: walk the elementary intervals between forecast times."""
    scores = {}
    for question, (resolved, outcome) in enumerate(resolutions, 1):
        end = CLOSES if resolved is None else min(CLOSES, resolved)
        made = [(f, p, t) for q, f, p, t in rows if q == question and t < end]
        cuts = sorted({OPENS, end, *(t for _, _, t in made if OPENS < t < end)})
        for name in sorted({f for f, _, _ in made}):
            total = seconds = crowd_total = crowd_seconds = covered = 0.0
            held = set()
            for start, stop in pairwise(cuts):
                now = standing(made, start)
                crowd = median(p for _, p in now.values()) if now else None
                if name in now:
                    value = now[name][1]
                    held.add(now[name][0])
                    covered += stop - start
                elif policy == "uninformed":
                    value = 0.5
                elif policy == "crowd" and crowd is not None:
                    value = crowd
                else:
                    continue
                total += (value - outcome) ** 2 * (stop - start)
                seconds += stop - start
                if crowd is not None or policy == "uninformed":
                    crowd_value = 0.5 if crowd is None else crowd
                    crowd_total += (crowd_value - outcome) ** 2 * (stop - start)
                    crowd_seconds += stop - start
            scores[(question, name)] = (
                total / seconds,
                crowd_total / crowd_seconds,
                covered / (end - OPENS),
                len(held),
            )
    return scores


@settings(max_examples=80, deadline=None)
@given(
    forecast_rows,
    st.lists(question_rows, min_size=3, max_size=3),
    st.sampled_from(["active", "crowd", "uninformed"]),
)
def test_time_weighted_scores_match_the_obvious_interval_walk(
    rows: list[tuple], resolutions: list[tuple], policy: str
) -> None:
    forecasts, questions = random_case(rows, resolutions)
    table = relative_brier(forecasts, questions, before_first=policy)
    expected = reference_scores(rows, resolutions, policy)
    assert set(zip(table["question_id"], table["forecaster_id"], strict=True)) == set(expected)
    for row in table.itertuples():
        brier_score, crowd_score, coverage, count = expected[(row.question_id, row.forecaster_id)]
        assert row.brier == pytest.approx(brier_score, abs=1e-12)
        assert row.crowd_brier == pytest.approx(crowd_score, abs=1e-12)
        assert row.coverage == pytest.approx(coverage, abs=1e-12)
        assert row.forecasts == count
        assert 0 <= row.brier <= 1


@settings(max_examples=40, deadline=None)
@given(
    forecast_rows,
    st.lists(question_rows, min_size=3, max_size=3),
    st.randoms(use_true_random=False),
)
def test_time_weighted_scores_do_not_depend_on_row_order(
    rows: list[tuple], resolutions: list[tuple], random: object
) -> None:
    forecasts, questions = random_case(rows, resolutions)
    shuffled = forecasts.sample(frac=1, random_state=random.randint(0, 2**31)).reset_index(
        drop=True
    )
    for policy in ("active", "crowd", "uninformed"):
        pd.testing.assert_frame_equal(
            relative_brier(forecasts, questions, before_first=policy),
            relative_brier(shuffled, questions.iloc[::-1], before_first=policy),
        )


@settings(max_examples=60, deadline=None)
@given(
    unit_floats,
    st.sampled_from([0, 1]),
    st.integers(OPENS - 5, OPENS),
    st.sampled_from([None, 7, 30]),
)
def test_one_forecast_held_throughout_scores_its_plain_brier(
    probability: float, outcome: int, made: int, resolved: int | None
) -> None:
    forecasts = make_forecasts([(1, "ann", probability, made)], unit=SECOND)
    questions = make_questions([(1, OPENS, CLOSES, resolved, outcome)], unit=SECOND)
    for policy in ("active", "crowd", "uninformed"):
        row = time_weighted_brier(forecasts, questions, before_first=policy).iloc[0]
        assert row["brier"] == pytest.approx(brier(probability, outcome), abs=1e-12)
        assert row["coverage"] == 1.0


@settings(max_examples=40, deadline=None)
@given(
    forecast_rows,
    st.lists(question_rows, min_size=3, max_size=3),
    st.sampled_from(["active", "crowd", "uninformed"]),
)
def test_the_crowd_median_scored_as_a_forecaster_has_relative_brier_zero(
    rows: list[tuple], resolutions: list[tuple], policy: str
) -> None:
    forecasts, questions = random_case(rows, resolutions)
    crowd = crowd_history(forecasts)
    with_crowd = pd.concat([forecasts, crowd[forecasts.columns]], ignore_index=True)
    table = relative_brier(with_crowd, questions, before_first=policy, crowd=crowd)
    pseudo = table.loc[table["forecaster_id"] == "crowd:median", "relative_brier"]
    np.testing.assert_allclose(pseudo, 0.0, atol=1e-12)
    # a crowd passed in explicitly scores the same as the default crowd median
    pd.testing.assert_frame_equal(
        relative_brier(forecasts, questions, before_first=policy, crowd=crowd),
        relative_brier(forecasts, questions, before_first=policy),
    )


# ---------------------------------------------------------------- leaderboard


def leaderboard_case() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two 10-day questions (YES, NO); Ann is sharp, Bob hedges, Cy answers only question 2."""
    forecasts = make_forecasts(
        [
            (1, "ann", 0.9, 0),
            (1, "bob", 0.5, 0),
            (2, "ann", 0.2, 0),
            (2, "bob", 0.5, 0),
            (2, "cy", 0.4, 5),
        ]
    )
    questions = make_questions([(1, 0, 10, None, 1), (2, 0, 10, None, 0)])
    return forecasts, questions


def test_leaderboard_by_forecaster() -> None:
    forecasts, questions = leaderboard_case()
    board = leaderboard(forecasts, questions)
    # Q1 crowd median(0.9, 0.5) = 0.7 → 0.09. Ann 0.01 (rel −0.08), Bob 0.25 (rel +0.16)
    # Q2 days 0–5 crowd median(0.2, 0.5) = 0.35 → 0.1225; days 5–10 median(.2,.5,.4) = 0.4 → 0.16
    #   Ann 0.04, crowd (5·0.1225 + 5·0.16)/10 = 0.14125 → rel −0.10125
    #   Bob 0.25 → rel +0.10875; Cy (days 5–10) 0.16 − 0.16 = 0
    assert board["forecaster_id"].tolist() == ["ann", "cy", "bob"]
    ann = board.iloc[0]
    assert ann["brier"] == pytest.approx((0.01 + 0.04) / 2)
    assert ann["relative_brier"] == pytest.approx((-0.08 - 0.10125) / 2)
    assert (ann["questions"], ann["forecasts"], ann["coverage"]) == (2, 2, 1.0)
    # Ann's last forecasts: 0.9 on YES, 0.2 on NO, each alone in its bin (edges go to the lower bin)
    # REL = ((0.9 − 1)² + (0.2 − 0)²)/2 = 0.025; RES = ((1 − 0.5)² + (0 − 0.5)²)/2 = 0.25
    assert (ann["reliability"], ann["resolution"]) == (pytest.approx(0.025), pytest.approx(0.25))
    assert board.iloc[1]["relative_brier"] == pytest.approx(0.0, abs=1e-12)
    assert board.iloc[2]["relative_brier"] == pytest.approx((0.16 + 0.10875) / 2)


def test_leaderboard_drops_groups_below_min_questions() -> None:
    forecasts, questions = leaderboard_case()
    board = leaderboard(forecasts, questions, min_questions=2)
    assert board["forecaster_id"].tolist() == ["ann", "bob"]


def test_leaderboard_by_team() -> None:
    forecasts, questions = leaderboard_case()
    teams = pd.DataFrame({"forecaster_id": ["ann", "bob", "cy"], "team": ["red", "red", "blue"]})
    board = leaderboard(forecasts, questions, by="team", groups=teams)
    assert board["team"].tolist() == ["blue", "red"]
    red = board.iloc[1]
    # four (question, member) scores over two distinct questions: (0.01 + 0.25 + 0.04 + 0.25)/4
    assert (red["questions"], red["forecasts"]) == (2, 4)
    assert red["brier"] == pytest.approx(0.55 / 4)


def test_leaderboard_per_tag_and_forecaster() -> None:
    forecasts, questions = leaderboard_case()
    tags = pd.DataFrame({"question_id": [1, 2, 2], "tag": ["economy", "economy", "elections"]})
    board = leaderboard(forecasts, questions, by=["tag", "forecaster"], groups=tags)
    # question 2 carries both tags, so everyone who answered it appears under both
    assert len(board) == 6
    economy_ann = board.loc[(board["tag"] == "economy") & (board["forecaster_id"] == "ann")].iloc[0]
    assert (economy_ann["questions"], economy_ann["brier"]) == (2, pytest.approx(0.025))
    whole = leaderboard(forecasts, questions, by="tag", groups=tags)
    assert set(whole["tag"]) == {"economy", "elections"}


def test_leaderboard_refuses_unusable_groups() -> None:
    forecasts, questions = leaderboard_case()
    with pytest.raises(ValueError):
        leaderboard(forecasts, questions, by="team")
    with pytest.raises(ValueError):
        leaderboard(forecasts, questions, by="team", groups=pd.DataFrame({"team": ["red"]}))
