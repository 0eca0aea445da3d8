"""Shaping the dashboards' data: which forecasts count, calibration, months, terms, crowd lines."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from forecasts import resolution
from forecasts.briefings import TermRecord
from forecasts.models import ScoreSnapshot
from forecasts.questions import forecasting
from forecasts.scoring.book import compute
from forecasts.scoring.calibration import calibration_table
from forecasts.scoring.horizons import horizon_finals, horizon_of
from forecasts.scoring.reports import (
    calibration,
    crowd_lines,
    monthly_scores,
    question_forecasts,
    snapshot_series,
    term_table,
    wilson,
)
from tests.support.builders import T0, make_question, make_user

DAY = timedelta(days=1)


def at(days: float) -> pd.Timestamp:
    return pd.Timestamp(T0 + timedelta(days=days))


def questions_frame(*rows: tuple[int, float, float, float, int]) -> pd.DataFrame:
    """(id, opens, closes, resolved, outcome) with times in days after T0."""
    return pd.DataFrame({
        "question_id": [r[0] for r in rows],
        "opens_at": [at(r[1]) for r in rows],
        "closes_at": [at(r[2]) for r in rows],
        "resolved_at": [at(r[3]) for r in rows],
        "outcome": [r[4] for r in rows],
    })


def forecasts_frame(*rows: tuple[int, int, float, float]) -> pd.DataFrame:
    """(question, forecaster, probability, days after T0)."""
    return pd.DataFrame({
        "question_id": [r[0] for r in rows], "forecaster_id": [r[1] for r in rows],
        "probability": [r[2] for r in rows], "created_at": [at(r[3]) for r in rows],
    })


def test_the_stored_final_forecast_is_each_forecasters_last_before_the_end():
    questions = questions_frame((1, 0, 30, 32, 1), (2, 0, 30, 20, 0))  # 2 resolved early
    forecasts = forecasts_frame(
        (1, 7, 0.3, 1), (1, 7, 0.6, 10), (1, 7, 0.9, 31),  # the last came after the close
        (1, 8, 0.2, 2),
        (2, 7, 0.4, 5), (2, 7, 0.5, 25),  # after the early resolution
        (3, 7, 0.5, 5),  # question 3 is not resolved
    )
    finals = compute(forecasts, questions).finals()
    assert finals[["question_id", "forecaster_id", "probability", "outcome"]].values.tolist() == [
        [1, 7, 0.6, 1], [1, 8, 0.2, 1], [2, 7, 0.4, 0]]


def test_horizons_keep_each_forecasters_last_forecast_per_window_before_the_close():
    questions = questions_frame((1, 0, 400, 401, 1))
    forecasts = forecasts_frame((1, 7, 0.2, 1), (1, 7, 0.25, 2), (1, 7, 0.3, 300),
                                (1, 8, 0.4, 390), (1, 8, 0.5, 370), (1, 8, 0.6, 400.5))
    finals = horizon_finals(forecasts, questions).set_index("forecaster_id")
    # 7: 0.25 is its last forecast over 182 days out, 0.3 its last 30-182 days out; 8's last
    # forecast under 30 days out is 0.4 (made latest), and 0.6 came after the close
    assert finals.loc[7, ["final_short", "final_medium", "final_long"]].tolist() == pytest.approx(
        [np.nan, 0.3, 0.25], nan_ok=True)
    assert finals.loc[8, ["final_short", "final_medium", "final_long"]].tolist() == pytest.approx(
        [0.4, np.nan, np.nan], nan_ok=True)
    assert (horizon_of(30), horizon_of(30.01), horizon_of(182), horizon_of(183)) == (
        "short", "medium", "medium", "long")


def test_calibration_plots_each_bin_at_its_mean_forecast_without_folding():
    # SCORING.md's public example: BS 0.225, REL 0.025, RES 0.04, UNC 0.24
    sample = pd.DataFrame({"probability": [0.2] * 5 + [0.7] * 5,
                           "outcome": [0, 0, 0, 1, 1, 1, 1, 1, 0, 1],
                           "question_id": range(10)})
    result = calibration(sample)
    assert result is not None
    assert result.table["count"].tolist() == [5, 5]
    assert result.table["mean_forecast"].tolist() == pytest.approx([0.2, 0.7])  # not 0.15, 0.65
    assert result.table["observed_frequency"].tolist() == pytest.approx([0.4, 0.8])
    murphy = result.murphy
    assert (murphy.brier, murphy.reliability, murphy.resolution, murphy.uncertainty) == (
        pytest.approx(0.225), pytest.approx(0.025), pytest.approx(0.04), pytest.approx(0.24))
    expected_log = np.mean(np.log([0.8, 0.8, 0.8, 0.2, 0.2, 0.7, 0.7, 0.7, 0.3, 0.7]))
    assert result.log_score == pytest.approx(expected_log)
    assert (result.n, result.questions, result.sharpness["count"].sum()) == (10, 10, 10)
    assert (result.table["ci_low"] <= result.table["observed_frequency"]).all()
    # a 20 % forecast stays below 50 %: nothing is folded onto 50-100 %
    assert result.table["bin_high"].iloc[0] <= 0.5


def test_quantile_bins_and_the_murphy_identity_with_coarse_bins():
    rng = np.random.default_rng(3)
    p = rng.uniform(0.01, 0.99, 400)
    sample = pd.DataFrame({"probability": p, "outcome": (rng.uniform(size=400) < p).astype(int),
                           "question_id": range(400)})
    result = calibration(sample, strategy="quantile", interval="jeffreys")
    assert result is not None and result.table["count"].tolist() == [40] * 10
    m = result.murphy
    assert m.brier == pytest.approx(m.reliability - m.resolution + m.uncertainty
                                    + m.within_bin_variance - m.within_bin_covariance)


def test_calibration_of_nothing_is_none_and_bad_strategy_is_refused():
    empty = pd.DataFrame({"probability": [], "outcome": [], "question_id": []})
    assert calibration(empty) is None
    with pytest.raises(ValueError, match="strategy"):
        calibration(empty, strategy="centre")


def test_monthly_scores_average_by_month_of_resolution():
    questions = questions_frame((1, 0, 20, 21, 1), (2, 0, 25, 26, 0), (3, 0, 40, 45, 0))
    pairs = pd.DataFrame({
        "question_id": [1, 1, 2, 3], "forecaster_id": [7, 8, 7, 7],
        "brier": [0.1, 0.5, 0.3, 0.2], "crowd_brier": [0.2, 0.2, 0.2, 0.1],
        "relative_brier": [-0.1, 0.3, 0.1, 0.1],
    })
    # T0 is 5 January: questions 1 and 2 resolve in January, question 3 in February
    mine = monthly_scores(pairs, questions, [7])
    assert mine["month"].tolist() == ["2026-01", "2026-02"]
    assert mine["questions"].tolist() == [2, 1]
    assert mine["brier"].tolist() == pytest.approx([0.2, 0.2])
    assert mine["relative_brier"].tolist() == pytest.approx([0.0, 0.1])
    team = monthly_scores(pairs, questions, [7, 8])
    assert team["scores"].tolist() == [3, 1] and team["questions"].tolist() == [2, 1]
    assert monthly_scores(pairs, questions, [99]).empty


def test_wilson_matches_the_scoring_engines_interval():
    table = calibration_table([0.3] * 14, [1] * 3 + [0] * 11, n_bins=1)
    assert wilson(3, 14) == pytest.approx((table["ci_low"][0], table["ci_high"][0]))
    assert wilson(0, 5)[0] == 0.0 and wilson(5, 5)[1] == 1.0
    assert all(math.isnan(v) for v in wilson(0, 0))


def test_term_table_keeps_the_chosen_yardstick_and_counts():
    records = [
        TermRecord("Coastal Monitor", "icd203", "unlikely", "unlikely", 0.2, 0.45, 14, 12, 3),
        TermRecord("Coastal Monitor", "phia", "likely", "likely", 0.55, 0.75, 2, 0, 0),
    ]
    table = term_table(records, "icd203")
    assert table[["term", "said", "resolved", "happened"]].values.tolist() == [
        ["unlikely", 14, 12, 3]]
    assert table["frequency"].iloc[0] == pytest.approx(0.25)
    assert math.isnan(term_table(records, "phia")["frequency"].iloc[0])


def test_crowd_lines_step_with_each_forecast():
    forecasts = forecasts_frame((1, 7, 0.2, 1), (1, 8, 0.6, 2), (1, 9, 0.7, 3), (1, 7, 0.9, 4))
    lines = crowd_lines(forecasts, ["median", "mean"])
    assert lines["median"]["probability"].tolist() == pytest.approx([0.2, 0.4, 0.6, 0.7])
    assert lines["mean"]["probability"].tolist() == pytest.approx([0.2, 0.4, 0.5, 0.7333333])
    assert lines["median"]["forecasters"].tolist() == [1, 2, 3, 3]
    assert crowd_lines(forecasts.iloc[:0], ["median"])["median"].empty


def test_a_questions_forecasts_and_snapshots_load_from_the_database(session, manager,
                                                                     forecaster):
    question = make_question(session, manager)
    other = make_user(session, "rowena")
    for person, p, day in [(forecaster, 0.3, 1), (other, 0.6, 2), (forecaster, 0.4, 3)]:
        forecasting.submit_forecast(session, question, forecaster=person, probability=p,
                                    now=T0 + day * DAY)
    frame = question_forecasts(session, question.id)
    assert frame["probability"].tolist() == [0.3, 0.6, 0.4]
    assert str(frame["created_at"].dt.tz) == "UTC"
    assert crowd_lines(frame, ["median"])["median"]["probability"].tolist() == pytest.approx(
        [0.3, 0.45, 0.5])
    resolution.resolve(session, question, outcome="no", actor=manager,
                       now=question.closes_at + DAY)
    assert snapshot_series(session, "forecaster", forecaster.id).empty
    for day, brier in [(date(2026, 2, 1), 0.2), (date(2026, 2, 2), 0.15)]:
        session.add(ScoreSnapshot(day=day, subject_kind="forecaster", subject_id=forecaster.id,
                                  questions=1, brier=brier, relative_brier=-0.05,
                                  taken_at=datetime(2026, 2, 2, tzinfo=UTC)))
    session.commit()
    series = snapshot_series(session, "forecaster", forecaster.id)
    assert series["brier"].tolist() == [0.2, 0.15]
    assert snapshot_series(session, "team", forecaster.id).empty
