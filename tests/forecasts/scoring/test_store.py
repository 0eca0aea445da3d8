"""The per-question score store: written with each resolution, read by every score page."""

from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from forecasts import resolution
from forecasts.models import Outcome
from forecasts.questions import forecasting
from forecasts.resolution import closing, proposals
from forecasts.scoring import store
from forecasts.scoring.book import book_from_rows, book_leaderboard
from forecasts.scoring.frames import POLICIES
from forecasts.scoring.horizons import FINAL_COLUMNS, horizon_finals
from forecasts.scoring.leaderboard import leaderboard
from forecasts.scoring.reader import ScoreCache, StoredScores
from forecasts.scoring.scores import relative_brier
from tests.support.builders import T0, make_question, make_user

DAY = timedelta(days=1)


def _forecast(session, question, person, probability, day):
    forecasting.submit_forecast(session, question, forecaster=person, probability=probability,
                                now=T0 + day * DAY)


def _rows(session, question_id=None) -> pd.DataFrame:
    rows = pd.read_sql("SELECT * FROM question_score ORDER BY id", session.connection())
    return rows if question_id is None else rows.loc[rows["question_id"] == question_id]


@pytest.fixture
def two_resolved(session, manager, forecaster):
    """Two questions resolved NO, each forecast by Finn and Bo."""
    bo = make_user(session, "bo")
    made = []
    for title in ("Will the ferry strike last?", "Will the port reopen?"):
        question = make_question(session, manager, title=title)
        _forecast(session, question, forecaster, 0.2, 0)
        _forecast(session, question, bo, 0.8, 0)
        resolution.resolve(session, question, outcome="no", actor=manager,
                           now=question.closes_at + DAY)
        session.commit()  # the resolving request ends
        made.append(question)
    return made


def test_an_automatic_close_a_proposal_and_a_dismissal_leave_scores_and_cache_untouched(
        session, manager, forecaster, two_resolved):
    cache = ScoreCache()
    book = cache.book(session)
    before = _rows(session)
    due = make_question(session, manager, title="Will the strike spread to Crete?")
    _forecast(session, due, forecaster, 0.4, 1)
    assert closing.close_due(session, now=due.closes_at + DAY) == 1
    proposal = proposals.propose(session, due, outcome=Outcome.yes, facts={}, actor=manager,
                                 auto_apply=False, now=due.closes_at + 2 * DAY)
    proposals.dismiss(session, proposal, actor=manager, note="The source is wrong.",
                      now=due.closes_at + 3 * DAY)
    assert cache.book(session) is book and cache.computations == 1
    pd.testing.assert_frame_equal(_rows(session), before)


def test_a_resolution_rewrites_exactly_that_questions_rows(session, manager, forecaster,
                                                           two_resolved):
    first, second = two_resolved
    untouched = _rows(session, first.id)
    resolution.resolve(session, second, outcome="yes", actor=manager, note="Misread the union.",
                       now=second.closes_at + 2 * DAY)
    session.commit()  # the resolving request ends
    # the other question's rows are the very same rows (same ids): not rewritten
    pd.testing.assert_frame_equal(_rows(session, first.id), untouched)
    corrected = _rows(session, second.id)
    assert set(corrected["outcome"]) == {1.0}
    finn = corrected.loc[corrected["subject_id"] == forecaster.id].iloc[0]
    assert finn["brier_active"] == pytest.approx(0.64)  # (0.2 − 1)²
    resolution.resolve(session, second, outcome="annulled", actor=manager, note="Void.",
                       now=second.closes_at + 3 * DAY)
    session.commit()  # the resolving request ends
    assert _rows(session, second.id).empty
    pd.testing.assert_frame_equal(_rows(session, first.id), untouched)


def _sums(session) -> list[pd.DataFrame]:
    return [pd.read_sql(f"SELECT * FROM {table} ORDER BY {keys}", session.connection())
            for table, keys in (("score_cell", "kind, subject_id, decile"),
                                ("horizon_cell", "horizon, probability, outcome"),
                                ("horizon_sample", "horizon"))]


def test_the_running_sums_follow_corrections_and_annulments(session, manager, forecaster,
                                                            two_resolved):
    first, second = two_resolved
    resolution.resolve(session, second, outcome="yes", actor=manager, note="Misread the union.",
                       now=second.closes_at + 2 * DAY)
    session.commit()  # the resolving request ends
    resolution.resolve(session, first, outcome="annulled", actor=manager, note="Void.",
                       now=first.closes_at + 3 * DAY)
    session.commit()  # the resolving request ends
    finn = StoredScores(0, session.get_bind()).leaderboard(with_crowd=False).set_index(
        "forecaster_id").loc[forecaster.id]
    assert (finn["questions"], finn["brier"]) == (1, pytest.approx(0.64))  # (0.2 − 1)² alone
    kept = _sums(session)
    store.rebuild(session.connection())  # the sums computed outright
    session.commit()
    for updated, rebuilt in zip(kept, _sums(session), strict=True):
        pd.testing.assert_frame_equal(updated, rebuilt, check_exact=False, atol=1e-12)
    short = StoredScores(0, session.get_bind()).horizon_sample("short")
    assert short[1] == 1 and sorted(short[0]["probability"]) == [0.2, 0.8]


def test_a_question_scored_alone_does_not_dilute_the_relative_mean(session, manager,
                                                                     forecaster):
    bo = make_user(session, "bo")
    shared = make_question(session, manager, title="Will the ferry strike last?")
    _forecast(session, shared, forecaster, 0.2, 0)
    _forecast(session, shared, bo, 0.8, 0)
    resolution.resolve(session, shared, outcome="no", actor=manager, now=shared.closes_at + DAY)
    session.commit()  # the resolving request ends
    cache = ScoreCache()

    def finn() -> pd.Series:
        table = cache.book(session).leaderboard(with_crowd=False)
        return table.set_index("forecaster_id").loc[forecaster.id]

    # 0.2² − median(0.2, 0.8)² = 0.04 − 0.25
    assert finn()["relative_brier"] == pytest.approx(-0.210)
    solo = make_question(session, manager, title="Will the port reopen?")
    _forecast(session, solo, forecaster, 0.3, 0)
    resolution.resolve(session, solo, outcome="no", actor=manager, now=solo.closes_at + DAY)
    session.commit()  # the resolving request ends
    assert finn()["questions"] == 2
    assert finn()["brier"] == pytest.approx((0.04 + 0.09) / 2)
    assert finn()["relative_brier"] == pytest.approx(-0.210)  # not (−0.21 + 0) / 2 = −0.105


def test_rebuild_writes_the_same_rows_the_resolutions_wrote(session, two_resolved):
    columns = [c for c in store.SCORE_COLUMNS if c != "resolved_at"]
    before = _rows(session)[columns].reset_index(drop=True)
    progress = []
    written = store.rebuild(session.connection(), batch=1, progress=progress.append)
    session.commit()
    assert written == len(before) and progress == [1, 1]
    pd.testing.assert_frame_equal(_rows(session)[columns].reset_index(drop=True), before)


# ------------------------------------------------------------------ stored = fresh engine

forecast_rows = st.lists(
    st.tuples(st.integers(0, 2), st.integers(0, 3), st.integers(1, 99),
              st.floats(0, 29.9, allow_nan=False)),
    min_size=1, max_size=12,
)
resolutions = st.lists(st.tuples(st.booleans(), st.floats(1, 40, allow_nan=False)),
                       min_size=3, max_size=3)


@pytest.fixture
def people(session):
    return [make_user(session, f"person{i}") for i in range(4)]


# no shrinking: every example costs database round trips, and a failing one is printed anyway
@settings(max_examples=15, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=forecast_rows, outcomes=resolutions)
def test_stored_rows_equal_a_fresh_engine_computation_under_every_policy(
        session, manager, people, rows, outcomes):
    for table in ("question_score", "score_cell", "horizon_cell", "horizon_sample"):
        session.execute(text(f"DELETE FROM {table}"))  # earlier examples' scores and sums
    session.commit()
    made = [make_question(session, manager, title=f"Will event {i} happen?") for i in range(3)]
    for question, person, percent, day in sorted(rows, key=lambda r: r[3]):
        _forecast(session, made[question], people[person], percent / 100, day)
    for question, (yes, day) in zip(made, outcomes, strict=True):
        resolution.resolve(session, question, outcome="yes" if yes else "no", actor=manager,
                           now=T0 + day * DAY)
        session.commit()  # the resolving request ends
    ids = [q.id for q in made]
    forecasts, questions = store.scoring_frames(session.connection(), ids)
    stored = store.read_rows(session.connection())
    stored = stored.loc[stored["question_id"].isin(ids)]
    people_rows = stored.loc[stored["subject_id"] > 0].set_index(["question_id", "subject_id"])
    book = book_from_rows(stored)
    for policy in POLICIES:
        fresh = relative_brier(forecasts, questions, before_first=policy)  # type: ignore[arg-type]
        fresh = fresh.set_index(["question_id", "forecaster_id"]).sort_index()
        assert list(people_rows.sort_index().index) == list(fresh.index)
        if fresh.empty:  # every forecast came after its question's end: nothing to score
            assert StoredScores(0, session.get_bind()).leaderboard().empty
            continue
        mine = people_rows.sort_index()
        np.testing.assert_allclose(mine[f"brier_{policy}"], fresh["brier"], atol=1e-9)
        np.testing.assert_allclose(mine[f"crowd_brier_{policy}"], fresh["crowd_brier"],
                                   atol=1e-9)
        engine = leaderboard(forecasts, questions, before_first=policy)  # type: ignore[arg-type]
        from_rows = book_leaderboard(book, before_first=policy, with_crowd=False)  # type: ignore[arg-type]
        # without filters from the running sums; with a period, by GROUP BY over the rows
        summed = StoredScores(0, session.get_bind()).leaderboard(
            before_first=policy, with_crowd=False)  # type: ignore[arg-type]
        grouped = StoredScores(0, session.get_bind()).leaderboard(
            before_first=policy, with_crowd=False,  # type: ignore[arg-type]
            start=datetime(2000, 1, 1, tzinfo=UTC))
        if engine.empty:  # every forecast came after its question's end
            assert from_rows.empty and summed.empty and grouped.empty
            continue
        for table in (from_rows, summed, grouped):
            pd.testing.assert_frame_equal(
                table.sort_values("forecaster_id", ignore_index=True),
                engine.sort_values("forecaster_id", ignore_index=True), check_dtype=False,
                atol=1e-9,
            )


    _assert_horizons_match(StoredScores(0, session.get_bind()), forecasts, questions)


def _assert_horizons_match(scores, forecasts, questions):
    """Calibration by horizon's stored counts hold exactly the engine's finals per window."""
    finals = horizon_finals(forecasts, questions).merge(
        questions[["question_id", "outcome"]], on="question_id")
    for horizon, column in FINAL_COLUMNS.items():
        made = finals.loc[finals[column].notna()]
        sample, count = scores.horizon_sample(horizon)
        assert sorted(zip(sample["probability"], sample["outcome"], strict=True)) == sorted(
            zip(made[column].astype(float), made["outcome"].astype(float), strict=True))
        assert count == made["question_id"].nunique()


def test_a_question_the_engine_cannot_score_is_logged_and_left_out(session, manager,
                                                                     forecaster, caplog):
    broken = make_question(session, manager, title="Will the archive open?")
    broken.opens_at = datetime(1, 1, 1, tzinfo=UTC)  # as a direct database edit could leave it
    session.add(broken)
    session.commit()
    _forecast(session, broken, forecaster, 0.6, 1)
    resolution.resolve(session, broken, outcome="yes", actor=manager, now=T0 + 2 * DAY)
    session.commit()  # the resolving request ends
    assert broken.outcome is Outcome.yes  # the resolution itself stands
    assert _rows(session, broken.id).empty
    assert f"Question {broken.id} cannot be scored" in caplog.text
