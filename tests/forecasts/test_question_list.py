"""The question list: search, sorts, pages, the viewer's forecast, the crowd, outcome and score."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from forecasts import resolution, schema
from forecasts.models import Outcome, Question, QuestionScore
from forecasts.questions import catalog as questions
from forecasts.questions import discussion, forecasting, listing
from forecasts.questions.catalog import Status
from forecasts.questions.listing import ListQuery, Sort
from tests.support.builders import (
    T0,
    make_publication,
    make_question,
    make_user,
    question_input,
)

NOW = T0 + timedelta(days=10)


def _ids(page):  # type: ignore[no-untyped-def]
    return [row.question.id for row in page.rows]


def _list(session, viewer, now=NOW, **query):  # type: ignore[no-untyped-def]
    return listing.list_questions(session, viewer=viewer, now=now,
                                        query=ListQuery(**query))


def _closing(session, manager, days: int, title: str, **changes):  # type: ignore[no-untyped-def]
    return make_question(session, manager, title=title, closes_at=T0 + timedelta(days=days),
                         resolve_by=T0 + timedelta(days=days + 5), **changes)


def test_search_finds_every_word_in_title_criteria_or_background_in_any_case(
        session, manager, forecaster):
    # the builders' criteria speak of a ferry strike: these words appear nowhere else
    trawler = _closing(session, manager, 20, "Will the Aegean trawler dispute end?")
    criteria = _closing(session, manager, 21, "Will the port reopen?",
                        resolution_criteria="YES if the TRAWLER crews return, 50% of them back.")
    background = _closing(session, manager, 22, "Will talks resume?",
                          description="The trawler owners walked out in May.")
    _closing(session, manager, 23, "Will the bridge open?")
    assert _ids(_list(session, forecaster, words=("Trawler",))) == [trawler.id, criteria.id,
                                                                     background.id]
    assert _ids(_list(session, forecaster, words=("trawler", "CREWS"))) == [criteria.id]
    # LIKE's wildcards are text: "50%" finds the percent sign, "_" is no single-letter joker
    assert _ids(_list(session, forecaster, words=("50%",))) == [criteria.id]
    assert _ids(_list(session, forecaster, words=("tr_wler",))) == []


def test_sorts_by_close_date_newest_and_most_forecasters(session, manager, forecaster):
    late = _closing(session, manager, 50, "Late")
    soon = _closing(session, manager, 15, "Soon")
    middle = _closing(session, manager, 30, "Middle")
    for question, at in ((late, 1), (soon, 3), (middle, 2)):  # publication order: newest sort
        question.published_at = T0 + timedelta(hours=at)
        session.add(question)
    session.commit()
    stated = make_publication(session, "pub-desk")
    voters = [make_user(session, name) for name in ("ana", "ben")]
    for user in voters:
        forecasting.submit_forecast(session, middle, forecaster=user, probability=0.3, now=NOW)
    forecasting.submit_forecast(session, late, forecaster=voters[0], probability=0.3, now=NOW)
    for extra in range(3):  # a publication is not in the crowd: its forecasts do not count
        forecasting.submit_forecast(session, soon, forecaster=stated, probability=0.5,
                                    now=NOW + timedelta(minutes=extra))
    after = NOW + timedelta(hours=1)
    assert _ids(_list(session, forecaster, after)) == [soon.id, middle.id, late.id]
    assert _ids(_list(session, forecaster, after, sort=Sort.closes_late)) == [
        late.id, middle.id, soon.id]
    assert _ids(_list(session, forecaster, after, sort=Sort.newest)) == [
        soon.id, middle.id, late.id]
    assert _ids(_list(session, forecaster, after, sort=Sort.forecasters)) == [
        middle.id, late.id, soon.id]


def test_needs_my_update_puts_unforecast_then_stale_or_changed_first(session, manager,
                                                                    forecaster):
    done = _closing(session, manager, 40, "Up to date")
    stale = _closing(session, manager, 41, "Stale")
    edited = _closing(session, manager, 42, "Edited since")
    clarified = _closing(session, manager, 43, "Clarified since")
    never = _closing(session, manager, 44, "Never forecast")
    now = T0 + timedelta(days=20)
    forecasting.submit_forecast(session, stale, forecaster=forecaster, probability=0.2,
                                now=T0 + timedelta(days=1))
    for question in (done, edited, clarified):
        forecasting.submit_forecast(session, question, forecaster=forecaster, probability=0.2,
                                    now=now - timedelta(days=2))
    changed = question_input(title="Edited since", closes_at=edited.closes_at,
                             resolve_by=edited.resolve_by, description="New background.")
    questions.update_question(session, edited, changed, editor=manager,
                              now=now - timedelta(days=1))
    discussion.post_clarification(session, clarified, author=manager,
                                  body="Ferries under charter count.", now=now - timedelta(hours=1))
    page = _list(session, forecaster, now, sort=Sort.needs_update)
    assert _ids(page) == [never.id, stale.id, edited.id, clarified.id, done.id]
    marks = {row.question.id: (row.needs_forecast, row.stale, row.changed_since_mine,
                               row.needs_update) for row in page.rows}
    assert marks == {never.id: (True, False, False, True), stale.id: (False, True, False, True),
                     edited.id: (False, False, True, True),
                     clarified.id: (False, False, True, True),
                     done.id: (False, False, False, False)}


def test_pages_are_cut_in_sql_with_a_total_and_no_row_twice(session, manager, forecaster):
    made = [_closing(session, manager, 12 + i % 4, f"Question {i}") for i in range(7)]
    seen = []
    for offset in (0, 3, 6):
        page = _list(session, forecaster, limit=3, offset=offset)
        assert page.total == 7
        assert page.has_more == (offset < 6)
        seen += _ids(page)
    assert sorted(seen) == sorted(q.id for q in made) and len(seen) == 7
    assert _list(session, forecaster, limit=3, offset=9).rows == []
    with pytest.raises(ValueError):
        _list(session, forecaster, limit=0)


def test_keyset_continues_after_a_close_date_and_id(session, manager, forecaster):
    same_day = [_closing(session, manager, 20, f"Tie {i}") for i in range(3)]
    first = _list(session, forecaster, limit=2)
    last = first.rows[-1].question
    rest = _list(session, forecaster, limit=2, after=(last.closes_at, last.id))
    assert _ids(first) + _ids(rest) == [q.id for q in same_day]
    assert not rest.has_more


def test_your_forecast_and_the_crowd_only_once_you_have_forecast(session, manager, forecaster):
    question = _closing(session, manager, 30, "Will the strike end?")
    for name, p in (("ana", 0.2), ("ben", 0.6)):
        forecasting.submit_forecast(session, question, forecaster=make_user(session, name),
                                    probability=p, now=NOW)
    [before] = _list(session, forecaster).rows
    assert (before.my_probability, before.crowd_visible, before.crowd_median) == (None, False,
                                                                                  None)
    assert before.forecasters == 2  # the count is shown; the median is not
    forecasting.submit_forecast(session, question, forecaster=forecaster, probability=0.35,
                                now=NOW)
    forecasting.submit_forecast(session, question, forecaster=forecaster, probability=0.7,
                                now=NOW + timedelta(minutes=5))
    [after] = _list(session, forecaster, NOW + timedelta(hours=1)).rows
    assert after.my_probability == pytest.approx(0.7)  # the latest, not the first
    assert after.crowd_visible and after.crowd_median == pytest.approx(0.6)  # of .2, .6, .7
    [for_manager] = _list(session, manager, NOW + timedelta(hours=1)).rows
    assert for_manager.crowd_median == pytest.approx(0.6) and for_manager.my_probability is None


def test_a_resolved_question_shows_its_outcome_and_your_stored_score(session, manager,
                                                                     forecaster):
    question = _closing(session, manager, 15, "Will the ferry strike end?")
    other = make_user(session, "ana")
    forecasting.submit_forecast(session, question, forecaster=forecaster, probability=0.8,
                                now=T0 + timedelta(days=1))
    forecasting.submit_forecast(session, question, forecaster=other, probability=0.3,
                                now=T0 + timedelta(days=1))
    resolution.resolve(session, question, outcome=Outcome.yes, actor=manager, note="",
                       now=T0 + timedelta(days=16))
    later = T0 + timedelta(days=17)
    [row] = _list(session, forecaster, later, statuses=frozenset({Status.resolved})).rows
    stored = session.exec(select(QuestionScore.brier_active).where(
        QuestionScore.question_id == question.id,
        QuestionScore.subject_id == forecaster.id)).one()
    assert row.question.outcome is Outcome.yes
    assert row.my_brier == pytest.approx(stored)
    assert row.my_brier == pytest.approx(0.04, abs=1e-6)  # (0.8 − 1)², held the whole time
    [unscored] = _list(session, make_user(session, "cleo"), later,
                       statuses=frozenset({Status.resolved})).rows
    assert unscored.my_brier is None


def test_status_filters_match_the_status_rule(session, manager, forecaster):
    open_ = _closing(session, manager, 30, "Open")
    upcoming = make_question(session, manager, title="Upcoming", opens_at=NOW + timedelta(days=1))
    closed = _closing(session, manager, 30, "Closed early")
    questions.close_early(session, closed, actor=manager, note="It happened.", now=NOW)
    draft = _closing(session, manager, 30, "Draft", published=False)
    later = NOW + timedelta(minutes=1)
    for wanted, expected in ((Status.open, open_), (Status.upcoming, upcoming),
                             (Status.closed, closed), (Status.draft, draft)):
        page = _list(session, manager, later, statuses=frozenset({wanted}))
        assert _ids(page) == [expected.id], wanted
        assert all(questions.status(r.question, later) is wanted for r in page.rows)
    assert draft.id not in _ids(_list(session, forecaster, later))


def test_search_ignores_case_in_any_script_and_follows_edits(session, manager, forecaster):
    russia = _closing(session, manager, 20, "Will Россия hold a snap election?")
    doctors = _closing(session, manager, 21, "Will the strike spread?",
                       description="Die ÄRZTE in Bayern stimmen ab.")
    for word, expected in (("россия", russia), ("РОССИЯ", russia), ("ärzte", doctors),
                           ("Ärzte", doctors), ("BAYERN", doctors)):
        assert _ids(_list(session, forecaster, words=(word,))) == [expected.id], word
    edited = question_input(title="Will Украина hold a snap election?",
                            closes_at=russia.closes_at, resolve_by=russia.resolve_by)
    questions.update_question(session, russia, edited, editor=manager, now=NOW)
    assert _ids(_list(session, forecaster, words=("россия",))) == []
    assert _ids(_list(session, forecaster, words=("украина",))) == [russia.id]


def test_the_migration_fills_in_the_search_key_of_stored_questions(database_url):
    from tests.forecasts.test_length_limits import _insert_rows, database_at_revision

    with database_at_revision(database_url, "e7a1c3b5d9f2") as url:  # before the key
        engine = sa.create_engine(url)
        _insert_rows(engine, "Die ÄRZTE in Bayern")
        schema.upgrade(url)
        with Session(engine) as session:
            question = session.get(Question, 1)
            assert question is not None and question.search_key == "will it? yes if so. die " \
                                                                    "ärzte in bayern"
        engine.dispose()
