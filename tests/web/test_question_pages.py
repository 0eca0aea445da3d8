from datetime import timedelta

import pytest

from forecasts import resolution
from forecasts.models import Outcome
from forecasts.questions import forecasting, listing
from tests.support.builders import T0, make_question
from tests.support.pages import table_rows

QUESTION_FORM = {
    "title": "Will Greek and Turkish naval vessels exchange fire in the Aegean by June?",
    "resolution_criteria": "YES if either government confirms an exchange of fire.",
    "description": "",
    "opens_at": "2026-01-15T09:00",
    "closes_at": "2026-06-01T00:00",
    "resolve_by": "2026-06-15T00:00",
    "source_name": "Test Briefing",
    "source_url": "https://example.org/briefing",
    "source_quote": "A clash in the Aegean is unlikely.",
    "tags": "Greece, Turkey, Aegean",
}


def test_manager_drafts_then_publishes_a_question(sign_in, session, manager, forecaster):
    boss = sign_in(manager)
    response = boss.post("/questions/new", QUESTION_FORM)
    assert response.status_code == 302
    [row] = listing.list_questions(session, viewer=manager,
                                         now=T0 + timedelta(days=10)).rows
    question = row.question
    assert row.tags == ["Aegean", "Greece", "Turkey"]
    assert question.published_at is None
    analyst = sign_in(forecaster)
    assert analyst.get(f"/questions/{question.id}").status_code == 404
    assert boss.post(f"/questions/{question.id}/publish").status_code == 302
    page = analyst.get(f"/questions/{question.id}")
    assert page.status_code == 200
    assert "exchange fire in the Aegean" in page.get_data(as_text=True)


@pytest.mark.sqlite_only  # form errors: refused before any SQL
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"resolution_criteria": ""}, "Say exactly what counts as YES"),
        ({"closes_at": "2026-01-10T00:00"}, "must come after the open date"),
        ({"resolve_by": "2026-05-01T00:00"}, "cannot come before the close date"),
        ({"closes_at": "next tuesday"}, "Not a valid datetime value"),
        ({"source_url": "not a link"}, "Invalid URL"),
    ],
)
def test_question_form_errors_store_nothing(sign_in, session, manager, changes, message):
    boss = sign_in(manager)
    response = boss.post_refused("/questions/new", {**QUESTION_FORM, **changes}, "/questions/new")
    page = response.get_data(as_text=True)
    assert message in page
    assert QUESTION_FORM["title"] in page  # what was typed comes back with the message
    assert listing.list_questions(session, viewer=manager, now=T0).rows == []


def test_forecaster_forecasts_and_then_sees_the_crowd(sign_in, session, manager, forecaster,
                                                      clock):
    question = make_question(session, manager)
    analyst = sign_in(forecaster)
    before = analyst.get(f"/questions/{question.id}").get_data(as_text=True)
    assert "Hidden until you forecast." in before
    response = analyst.post(f"/questions/{question.id}/forecasts",
                            {"probability": "30", "rationale": "Strikes rarely last."})
    assert response.status_code == 302
    # a minute later (at one instant the standing rule would keep the higher one, 30 %)
    clock.set(clock.now() + timedelta(minutes=1))
    response = analyst.post(f"/questions/{question.id}/forecasts", {"probability": "20.5"})
    page = analyst.get(f"/questions/{question.id}").get_data(as_text=True)
    assert "20.5 %" in page and "30 %" in page
    assert 'data-testid="crowd-median">20.5 %' in page
    assert "latest forecasts of 1 forecaster" in page
    probabilities = [f.probability for f in forecasting.history(session, question, forecaster)]
    assert probabilities == [0.205, 0.3]


@pytest.mark.sqlite_only  # form errors: refused before any SQL
@pytest.mark.parametrize("typed", ["0", "100", "150", "-1", "abc", "", "nan", "12.34"])
def test_bad_probabilities_are_form_errors(sign_in, session, manager, forecaster, typed):
    question = make_question(session, manager)
    page = sign_in(forecaster).post_refused(f"/questions/{question.id}/forecasts",
                                            {"probability": typed},
                                            f"/questions/{question.id}").get_data(as_text=True)
    assert 'class="error"' in page
    assert forecasting.history(session, question, forecaster) == []


def test_forecast_on_a_closed_question_is_refused(sign_in, session, manager, forecaster, clock):
    question = make_question(session, manager)
    clock.set(question.closes_at + timedelta(minutes=1))
    response = sign_in(forecaster).post_refused(f"/questions/{question.id}/forecasts",
                                                {"probability": "40"}, f"/questions/{question.id}")
    assert "closed: forecasts are no longer accepted" in response.get_data(as_text=True)
    assert forecasting.history(session, question, forecaster) == []


def test_forecast_on_a_resolved_question_is_refused(sign_in, session, manager, forecaster):
    question = make_question(session, manager)
    resolution.resolve(session, question, outcome="yes", actor=manager, now=T0 + timedelta(days=1))
    response = sign_in(forecaster).post_refused(f"/questions/{question.id}/forecasts",
                                                {"probability": "40"}, f"/questions/{question.id}")
    assert "resolved: forecasts are no longer accepted" in response.get_data(as_text=True)
    assert forecasting.history(session, question, forecaster) == []


def test_forecast_on_a_draft_is_not_found(sign_in, session, manager, forecaster):
    draft = make_question(session, manager, published=False)
    response = sign_in(forecaster).post(f"/questions/{draft.id}/forecasts", {"probability": "40"})
    assert response.status_code == 404
    assert forecasting.history(session, draft, forecaster) == []


@pytest.mark.sqlite_only  # permissions, the same on every engine
@pytest.mark.parametrize(
    ("path", "data"),
    [("/questions/new", QUESTION_FORM), ("/questions/{id}/publish", {}),
     ("/questions/{id}/close", {"note": "x"}), ("/questions/{id}/resolve", {"outcome": "yes"}),
     ("/questions/{id}/reopen", {"reopen-note": "x"}),
     ("/questions/{id}/edit", QUESTION_FORM)],
)
def test_forecasters_get_403_on_managers_routes(sign_in, session, manager, forecaster, path,
                                                data):
    question = make_question(session, manager, published=False)
    response = sign_in(forecaster).post(path.format(id=question.id), data)
    assert response.status_code == 403
    session.refresh(question)
    assert question.published_at is None and question.outcome is None


def test_manager_closes_resolves_and_corrects_with_a_visible_trail(sign_in, session, manager,
                                                                   forecaster, clock):
    question = make_question(session, manager)
    boss = sign_in(manager)
    assert boss.post(f"/questions/{question.id}/close",
                     {"note": "Strike called off.", "confirm": "y"}).status_code == 302
    clock.advance(hours=1)
    assert boss.post(f"/questions/{question.id}/resolve",
                     {"outcome": "no", "note": "Union statement."}).status_code == 302
    refused = boss.post_refused(f"/questions/{question.id}/resolve", {"outcome": "yes"},
                                f"/questions/{question.id}")
    assert "Say why the resolution is being corrected." in refused.get_data(as_text=True)
    clock.advance(hours=1)
    assert boss.post(f"/questions/{question.id}/resolve",
                     {"outcome": "yes", "note": "Statement misread."}).status_code == 302
    session.refresh(question)
    assert question.outcome is Outcome.yes
    page = sign_in(forecaster).get(f"/questions/{question.id}").get_data(as_text=True)
    assert "Strike called off." in page
    assert "NO → YES" in page and "unresolved → NO" in page
    assert "Statement misread." in page


def test_edits_after_forecasts_show_in_the_question_history(sign_in, session, manager,
                                                            forecaster):
    question = make_question(session, manager)
    forecasting.submit_forecast(session, question, forecaster=forecaster, probability=0.5,
                                now=T0 + timedelta(days=1))
    title, criteria = question.title, question.resolution_criteria  # before the edit
    boss = sign_in(manager)
    edited = {**QUESTION_FORM, "opens_at": "2026-01-05T09:00"}
    assert boss.post(f"/questions/{question.id}/edit", edited).status_code == 302
    page = sign_in(forecaster).get(f"/questions/{question.id}").get_data(as_text=True)
    rows = table_rows(page, "table.revisions")
    changed = {row[2]: (row[3], row[4]) for row in rows}
    assert changed["title"] == (title, QUESTION_FORM["title"])
    assert changed["resolution criteria"] == (criteria, QUESTION_FORM["resolution_criteria"])


def test_list_filters_by_tag_and_marks_questions(sign_in, session, manager, forecaster):
    make_question(session, manager, title="Will the strike end?", tags=["Greece"])
    make_question(session, manager, title="Will NATO deploy?", tags=["NATO"])
    page = sign_in(forecaster).get("/questions?tag=NATO").get_data(as_text=True)
    assert "Will NATO deploy?" in page and "Will the strike end?" not in page
    assert "not forecast" in page


@pytest.mark.sqlite_only
def test_json_clients_get_json_errors(sign_in, forecaster):
    response = sign_in(forecaster).get("/questions/999", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json()["message"] == "No such question."


@pytest.mark.sqlite_only
@pytest.mark.parametrize("query", ["aggregate=loudest", "aggregate=median", "aggregate=",
                                   "crowd_table=yes", "crowd_table=ALL",
                                   "aggregate=mean&crowd_table=%C3%A9"])
def test_a_bad_chart_option_on_the_question_page_is_a_400_not_a_500(
        sign_in, session, manager, forecaster, query):
    question = make_question(session, manager)
    forecasting.submit_forecast(session, question, forecaster=forecaster, probability=0.3,
                                now=T0 + timedelta(days=1))
    for person in (manager, forecaster):
        answer = sign_in(person).get(f"/questions/{question.id}?{query}")
        if query == "aggregate=":  # blank: the default, as every other option
            assert answer.status_code == 200
            continue
        assert answer.status_code == 400, (person.username, query)
        message = ("crowd_table: give all or leave it out." if "crowd_table" in query
                   else "aggregate: choose one of")
        assert message in answer.get_data(as_text=True)
