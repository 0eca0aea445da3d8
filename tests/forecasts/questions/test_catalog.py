from datetime import timedelta

import pytest

from forecasts.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from forecasts.questions import catalog as questions
from forecasts.questions import forecasting, listing
from forecasts.questions.catalog import Status
from forecasts.questions.listing import ListQuery, Sort
from tests.support.builders import T0, make_question, make_user, question_input


def test_create_saves_a_draft_with_tags(session, manager):
    question = make_question(session, manager, published=False, tags=["NATO", " nato ", "Aegean"])
    assert questions.status(question, T0 + timedelta(days=1)) is Status.draft
    assert questions.tag_names(session, question) == ["Aegean", "NATO"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"resolution_criteria": "  "}, "resolution_criteria"),
        ({"title": ""}, "title"),
        ({"closes_at": T0 - timedelta(days=1)}, "closes_at"),
        ({"closes_at": T0}, "closes_at"),
        ({"resolve_by": T0 + timedelta(days=29)}, "resolve_by"),
    ],
)
def test_create_refuses_broken_questions_and_stores_nothing(session, manager, changes, field):
    with pytest.raises(ValidationFailed) as refused:
        questions.create_question(session, question_input(**changes), author=manager, now=T0)
    assert field in refused.value.fields
    assert listing.list_questions(session, viewer=manager, now=T0).rows == []


def test_only_managers_create_questions(session, forecaster):
    with pytest.raises(NotAllowed):
        questions.create_question(session, question_input(), author=forecaster, now=T0)


def test_drafts_are_hidden_from_forecasters(session, manager, forecaster):
    draft = make_question(session, manager, published=False)
    with pytest.raises(NotFound):
        questions.visible_question(session, draft.id, forecaster)
    assert questions.visible_question(session, draft.id, manager) is draft
    assert listing.list_questions(session, viewer=forecaster, now=T0).rows == []


def test_status_follows_the_clock(session, manager):
    question = make_question(session, manager, opens_at=T0 + timedelta(days=2))
    assert questions.status(question, T0) is Status.upcoming
    assert questions.status(question, T0 + timedelta(days=3)) is Status.open
    assert questions.status(question, T0 + timedelta(days=30)) is Status.closed


def test_close_early_stops_forecasts_and_is_recorded(session, manager, forecaster):
    question = make_question(session, manager)
    now = T0 + timedelta(days=3)
    questions.close_early(session, question, actor=manager, note="It happened.", now=now)
    assert questions.status(question, now) is Status.closed
    assert question.closed_at == now
    with pytest.raises(Conflict):
        forecasting.submit_forecast(session, question, forecaster=forecaster, probability=0.3,
                                    now=now + timedelta(minutes=1))


def test_edits_before_any_forecast_leave_no_history(session, manager):
    question = make_question(session, manager)
    questions.update_question(session, question, question_input(title="Will it end?"),
                              editor=manager, now=T0 + timedelta(days=1))
    assert question.title == "Will it end?"
    assert questions.revisions(session, question) == []


def test_edits_after_a_forecast_are_kept_in_history(session, manager, forecaster):
    question = make_question(session, manager)
    forecasting.submit_forecast(session, question, forecaster=forecaster, probability=0.4,
                                now=T0 + timedelta(days=1))
    new_criteria = "YES only if the union itself says the strike continues."
    questions.update_question(
        session, question,
        question_input(resolution_criteria=new_criteria, tags=["Greece"]),
        editor=manager, now=T0 + timedelta(days=2),
    )
    changes = {r.field_name: (r.old_value, r.new_value) for r in
               questions.revisions(session, question)}
    assert changes["resolution_criteria"][1] == new_criteria
    assert changes["tags"] == ("Greece, Shipping", "Greece")
    assert "title" not in changes


def test_listing_marks_unforecast_and_stale_questions(session, manager, forecaster):
    fresh = make_question(session, manager, title="Will A happen?")
    stale = make_question(session, manager, title="Will B happen?")
    untouched = make_question(session, manager, title="Will C happen?",
                              closes_at=T0 + timedelta(days=60),
                              resolve_by=T0 + timedelta(days=70))
    forecasting.submit_forecast(session, stale, forecaster=forecaster, probability=0.2,
                                now=T0 + timedelta(hours=1))
    now = T0 + timedelta(days=20)
    forecasting.submit_forecast(session, fresh, forecaster=forecaster, probability=0.6,
                                now=now - timedelta(days=1))
    rows = {r.question.id: r for r in
            listing.list_questions(session, viewer=forecaster, now=now).rows}
    assert (rows[fresh.id].needs_forecast, rows[fresh.id].stale) == (False, False)
    assert (rows[stale.id].needs_forecast, rows[stale.id].stale) == (False, True)
    assert (rows[untouched.id].needs_forecast, rows[untouched.id].stale) == (True, False)
    assert rows[fresh.id].forecasters == 1


def test_listing_filters_by_tag_and_sorts_by_close_date(session, manager):
    late = make_question(session, manager, title="Late", tags=["NATO"],
                         closes_at=T0 + timedelta(days=50), resolve_by=T0 + timedelta(days=50))
    early = make_question(session, manager, title="Early", tags=["nato", "Ukraine"],
                          closes_at=T0 + timedelta(days=5), resolve_by=T0 + timedelta(days=5))
    make_question(session, manager, title="Other", tags=["Aegean"])
    by_tag = listing.list_questions(session, viewer=manager, now=T0,
                                          query=ListQuery(tag="NATO")).rows
    assert [r.question.id for r in by_tag] == [early.id, late.id]
    newest = listing.list_questions(
        session, viewer=manager, now=T0, query=ListQuery(tag="nato", sort=Sort.closes_late)).rows
    assert [r.question.id for r in newest] == [late.id, early.id]


def test_publish_twice_is_refused(session, manager):
    question = make_question(session, manager)
    with pytest.raises(Conflict):
        questions.publish_question(session, question, actor=manager, now=T0)


def test_forecasters_cannot_publish(session, manager):
    question = make_question(session, manager, published=False)
    other = make_user(session, "olga")
    with pytest.raises(NotAllowed):
        questions.publish_question(session, question, actor=other, now=T0)
