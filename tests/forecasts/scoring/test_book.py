"""Scores loaded from the database, computed once per resolution change."""

from datetime import timedelta

import numpy as np
import pytest

from forecasts import resolution
from forecasts.questions import catalog as questions
from forecasts.questions import forecasting
from forecasts.scoring.book import CROWD_IDS, book_leaderboard, tag_groups
from forecasts.scoring.reader import ScoreCache
from tests.support.builders import T0, make_publication, make_question, make_user


def _forecast(session, question, person, probability, day):
    forecasting.submit_forecast(session, question, forecaster=person, probability=probability,
                                now=T0 + timedelta(days=day))


@pytest.fixture
def scored(session, manager, forecaster):
    """A question open 30 days, resolved NO; A says 80 %, then 40 % at day 20; B 20 % at day 10."""
    question = make_question(session, manager)
    other = make_user(session, "bo")
    _forecast(session, question, forecaster, 0.8, 0)
    _forecast(session, question, forecaster, 0.4, 20)
    _forecast(session, question, other, 0.2, 10)
    resolution.resolve(session, question, outcome="no", actor=manager,
                       now=question.closes_at + timedelta(days=1))
    session.commit()  # the resolving request ends; scores are read on their own connection
    return question, forecaster, other


def test_time_weighted_and_relative_brier_from_the_database(session, scored):
    question, a, b = scored
    book = ScoreCache().book(session).book()
    rows = book.for_question(question.id).set_index("forecaster_id")
    # A: (20·0.8² + 10·0.4²)/30 = (12.8 + 1.6)/30 = 0.48
    assert rows.loc[a.id, "brier"] == pytest.approx(0.48)
    # crowd median: 0.8 for days 0–10, median(0.8, 0.2) = 0.5 for 10–20, median(0.4, 0.2) = 0.3
    # for 20–30 → over A's 30 days (10·0.64 + 10·0.25 + 10·0.09)/30 = 0.32667
    assert rows.loc[a.id, "relative_brier"] == pytest.approx(0.48 - 9.8 / 30)
    # B holds 0.2 from day 10: 0.04; crowd over days 10–30: (10·0.25 + 10·0.09)/20 = 0.17
    assert rows.loc[b.id, "brier"] == pytest.approx(0.04)
    assert rows.loc[b.id, "relative_brier"] == pytest.approx(0.04 - 0.17)
    assert rows.loc[b.id, "coverage"] == pytest.approx(20 / 30)
    assert rows.loc[CROWD_IDS["median"], "relative_brier"] == pytest.approx(0.0)


def test_a_question_closed_early_is_scored_until_it_closed(session, manager, forecaster):
    question = make_question(session, manager)
    _forecast(session, question, forecaster, 0.3, 0)
    questions.close_early(session, question, actor=manager, note="Called off.",
                          now=T0 + timedelta(days=5))
    resolution.resolve(session, question, outcome="yes", actor=manager,
                       now=T0 + timedelta(days=6))
    session.commit()  # the resolving request ends
    [row] = ScoreCache().book(session).book().for_forecaster(forecaster.id).to_dict("records")
    assert row["brier"] == pytest.approx(0.49)  # (0.3 − 1)², held the whole 5 days
    assert row["coverage"] == pytest.approx(1.0)


def test_annulled_and_unresolved_questions_are_not_scored(session, manager, forecaster):
    annulled = make_question(session, manager, title="Will X?")
    open_one = make_question(session, manager, title="Will Y?")
    _forecast(session, annulled, forecaster, 0.3, 1)
    _forecast(session, open_one, forecaster, 0.3, 1)
    resolution.resolve(session, annulled, outcome="annulled", actor=manager,
                       now=T0 + timedelta(days=2))
    session.commit()  # the resolving request ends
    book = ScoreCache().book(session).book()
    assert book.pairs.empty
    assert book_leaderboard(book).empty


def test_scores_are_recomputed_only_when_a_resolution_changes(session, manager, scored):
    question, a, _ = scored
    cache = ScoreCache()
    first = cache.book(session)
    later = make_question(session, manager, title="Will Z?")
    _forecast(session, later, a, 0.6, 2)  # a forecast on an open question changes no score
    assert cache.book(session) is first and cache.computations == 1
    built = []
    cache.derived(session, "k", lambda book: built.append(book) or len(built))
    assert cache.derived(session, "k", lambda book: built.append(book) or len(built)) == 1
    resolution.resolve(session, question, outcome="yes", actor=manager, note="Misread.",
                       now=question.closes_at + timedelta(days=2))
    session.commit()  # the resolving request ends
    second = cache.book(session)
    assert second is not first and cache.computations == 2
    assert second.for_forecaster(a.id)["brier"].iloc[0] == pytest.approx(
        (20 * 0.2**2 + 10 * 0.6**2) / 30)  # the corrected outcome: YES
    assert cache.derived(session, "k", lambda book: built.append(book) or len(built)) == 2


def test_ranking_by_tag_and_with_the_crowd(session, scored):
    book = ScoreCache().book(session).book()
    by_tag = book_leaderboard(book, by="tag", groups=tag_groups(session))
    assert set(by_tag["tag"]) == {"Greece", "Shipping"}
    people = book_leaderboard(book)
    assert set(people["forecaster_id"]) >= {*CROWD_IDS.values()}
    assert people.iloc[0]["relative_brier"] <= people.iloc[-1]["relative_brier"]
    assert book_leaderboard(book, min_questions=2).empty


def test_a_publication_is_scored_against_the_crowd_but_not_part_of_it(session, manager,
                                                                        forecaster):
    question = make_question(session, manager)
    stated = make_publication(session, "riskwire")
    _forecast(session, question, stated, 0.9, 0)
    _forecast(session, question, forecaster, 0.2, 0)
    resolution.resolve(session, question, outcome="no", actor=manager,
                       now=question.closes_at + timedelta(days=1))
    session.commit()  # the resolving request ends
    rows = ScoreCache().book(session).book().for_question(question.id).set_index("forecaster_id")
    # the crowd is the forecaster alone (0.2), so the publication's 0.81 is 0.77 worse than it
    assert rows.loc[stated.id, "relative_brier"] == pytest.approx(0.81 - 0.04)
    # the forecaster alone is the crowd: no peer, so no relative score (0 by construction)
    assert np.isnan(rows.loc[forecaster.id, "relative_brier"])
    assert rows.loc[forecaster.id, "peers"] == 0 and rows.loc[stated.id, "peers"] == 1
    assert rows.loc[CROWD_IDS["median"], "brier"] == pytest.approx(0.04)


def test_a_question_only_a_publication_forecast_is_not_scored(session, manager):
    question = make_question(session, manager)
    stated = make_publication(session, "riskwire")
    _forecast(session, question, stated, 0.9, 0)
    resolution.resolve(session, question, outcome="no", actor=manager,
                       now=question.closes_at + timedelta(days=1))
    session.commit()  # the resolving request ends
    book = ScoreCache().book(session).book()
    assert book.pairs.empty and book.questions.empty
    assert book_leaderboard(book).empty


def test_a_crowd_forecast_only_at_the_very_end_scores_nothing(session, manager, forecaster):
    question = make_question(session, manager)
    end = T0 + timedelta(days=3)
    forecasting.submit_forecast(session, question, forecaster=forecaster, probability=0.4,
                                now=end)
    resolution.resolve(session, question, outcome="no", actor=manager, now=end)
    session.commit()  # the resolving request ends
    assert ScoreCache().book(session).book().pairs.empty
