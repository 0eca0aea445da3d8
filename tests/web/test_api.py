"""The JSON API: role rules, anti-anchoring, problems for every error, pagination, scores."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
from sqlmodel import select

from forecasts import bounds
from forecasts.models import Briefing, BriefingDraft, Forecast, Question
from forecasts.questions import forecasting
from tests.support.api import ApiClient
from tests.support.briefing_files import one_line_judgments
from tests.support.builders import T0, make_question, make_resolved_pair, make_user

PROBLEM = "application/problem+json"


@pytest.fixture
def api(app, session):  # type: ignore[no-untyped-def]
    """api(user, can_write=True) → an ApiClient with a fresh token of that user's."""
    return lambda user, can_write=True: ApiClient(app, session, user, can_write=can_write)


def new_question(**changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "title": "Will the Thessaloniki port reopen by 1 March?",
        "resolution_criteria": "YES if the port authority announces reopening before 1 March.",
        "opens_at": T0.isoformat(), "closes_at": (T0 + timedelta(days=30)).isoformat(),
        "resolve_by": (T0 + timedelta(days=40)).isoformat(), "tags": ["Ports"],
    }
    body.update(changes)
    return body


@pytest.mark.sqlite_only
def test_me_names_the_token_owner(api, forecaster):
    answer = api(forecaster, can_write=False).get("/me")
    assert answer.status_code == 200
    assert answer.json["username"] == "finn" and answer.json["token_can_write"] is False


def test_a_manager_drafts_publishes_and_resolves_a_question(api, session, manager, clock):
    client = api(manager)
    created = client.post("/questions", new_question())
    assert created.status_code == 201, created.json
    question_id = created.json["id"]
    assert created.json["status"] == "draft" and created.json["tags"] == ["Ports"]
    assert client.post(f"/questions/{question_id}/publish").json["status"] == "open"
    # only http(s) addresses are stored, whichever way they come in (the form refuses them too)
    refused = client.patch(f"/questions/{question_id}", {"source_url": "javascript:alert(1)"})
    assert refused.status_code == 422 and "http" in str(refused.json)
    edited = client.patch(f"/questions/{question_id}", {"title": "Will the port reopen?"})
    assert edited.status_code == 200 and edited.json["title"] == "Will the port reopen?"
    resolved = client.post(f"/questions/{question_id}/resolve", {"outcome": "yes"})
    assert resolved.json["outcome"] == "yes" and resolved.json["status"] == "resolved"
    detail = client.get(f"/questions/{question_id}").json
    assert [(e["action"], e["actor"]) for e in detail["trail"]] == [
        ("close", "maria"), ("resolve", "maria")]


@pytest.mark.sqlite_only
def test_forecasters_follow_the_same_role_rules_as_the_pages(api, session, manager, forecaster):
    draft = make_question(session, manager, published=False)
    client = api(forecaster)
    refused = client.post("/questions", new_question())
    assert refused.status_code == 403 and refused.content_type == PROBLEM
    assert client.get(f"/questions/{draft.id}").status_code == 404  # drafts are managers' only
    assert client.post(f"/questions/{draft.id}/publish").status_code == 404
    published = make_question(session, manager)
    assert client.post(f"/questions/{published.id}/resolve",
                       {"outcome": "yes"}).status_code == 403
    assert session.exec(select(Question).where(Question.outcome.is_not(None))).all() == []


def test_the_crowd_stays_hidden_until_you_forecast(api, session, manager, forecaster):
    question = make_question(session, manager)
    other = make_user(session, "rowena")
    forecasting.submit_forecast(session, question, forecaster=other, probability=0.8,
                                rationale="Union statements", now=T0 + timedelta(days=1))
    client = api(forecaster)
    hidden = client.get(f"/questions/{question.id}/forecasts")
    assert hidden.status_code == 403 and "Forecast on this question first" in hidden.json["detail"]
    made = client.post(f"/questions/{question.id}/forecasts",
                       {"probability": 0.3, "rationale": "Talks resumed"})
    assert made.status_code == 201 and made.json["probability"] == 0.3
    shown = client.get(f"/questions/{question.id}/forecasts").json
    assert shown["forecasters"] == 2 and shown["crowd_median"] == pytest.approx(0.55)
    rationales = {f["forecaster"]: f["rationale"] for f in shown["items"]}
    assert rationales == {"rowena": None, "finn": "Talks resumed"}  # others' reasons stay private
    first = client.get(f"/questions/{question.id}/forecasts", query_string={"limit": 1}).json
    rest = client.get(f"/questions/{question.id}/forecasts",
                      query_string={"cursor": first["next_cursor"]}).json
    assert len(first["items"]) == 1 and len(rest["items"]) == 1 and rest["next_cursor"] is None
    assert api(manager).get(f"/questions/{question.id}/forecasts").status_code == 200


def test_a_closed_question_refuses_forecasts_with_409(api, session, manager, forecaster, clock):
    question = make_question(session, manager)
    clock.set(question.closes_at + timedelta(hours=1))
    answer = api(forecaster).post(f"/questions/{question.id}/forecasts", {"probability": 0.4})
    assert answer.status_code == 409 and answer.content_type == PROBLEM
    assert session.exec(select(Forecast)).all() == []


@pytest.mark.sqlite_only
def test_bad_fields_are_422_naming_each_field(api, session, manager, forecaster):
    question = make_question(session, manager)
    answer = api(forecaster).post(f"/questions/{question.id}/forecasts",
                                  {"probability": 1.5, "colour": "red"})
    assert answer.status_code == 422 and answer.content_type == PROBLEM
    fields = {e["field"] for e in answer.json["errors"]}
    assert {"probability", "colour"} <= fields
    domain = api(manager).post("/questions", new_question(
        closes_at=(T0 - timedelta(days=1)).isoformat()))
    assert domain.status_code == 422
    assert [e["field"] for e in domain.json["errors"]] == ["closes_at"]
    nul = api(manager).post("/questions", new_question(title="Port\x00strike"))
    assert nul.status_code == 422
    assert session.exec(select(Forecast)).all() == []


@pytest.mark.sqlite_only
def test_malformed_json_is_400(api, manager):
    answer = api(manager).call("POST", "/questions", data="{not json",
                               content_type="application/json")
    assert answer.status_code == 400 and answer.content_type == PROBLEM


@pytest.mark.sqlite_only
def test_unknown_paths_and_methods_answer_problems_not_html(api, manager):
    client = api(manager)
    missing = client.get("/no-such-thing")
    assert missing.status_code == 404 and missing.content_type == PROBLEM
    wrong = client.call("DELETE", "/me")
    assert wrong.status_code == 405 and wrong.content_type == PROBLEM
    assert "GET" in wrong.headers["Allow"]
    assert client.get("/questions/999999").status_code == 404
    for huge in ("/questions/99999999999999999999", "/scores/forecasters/2147483648",
                 "/briefings/99999999999999999999", "/questions/0"):
        answer = client.get(huge)
        assert answer.status_code == 404 and answer.content_type == PROBLEM, huge


def test_list_filters_and_pages_with_a_cursor(api, session, manager, forecaster):
    for day in range(5):
        make_question(session, manager, title=f"Ferry question {day}",
                      closes_at=T0 + timedelta(days=20 + day), tags=["Shipping"])
    make_question(session, manager, title="Grain corridor", tags=["Grain"])
    client = api(forecaster)
    seen, cursor = [], None
    while True:
        query = {"tag": "Shipping", "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get("/questions", query_string=query).json
        seen += [item["title"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"Ferry question {day}" for day in range(5)]
    found = client.get("/questions", query_string={"q": "grain"}).json["items"]
    assert [item["title"] for item in found] == ["Grain corridor"]
    assert client.get("/questions", query_string={"cursor": "garbage!"}).status_code == 400
    # well-formed JSON that this API never wrote: a naive time, a boolean or a fractional id
    for forged in (["2026-11-09T12:00:00", 1], ["2026-11-09T12:00:00+00:00", True],
                   ["2026-11-09T12:00:00+00:00", 1.5], ["2026-11-09T12:00:00+00:00", "1"]):
        raw = base64.urlsafe_b64encode(json.dumps(forged).encode()).decode()
        assert client.get("/questions", query_string={"cursor": raw}).status_code == 400
    assert client.get("/questions", query_string={"status": "sideways"}).status_code == 422


def test_my_forecasts_are_mine_only(api, session, manager, forecaster):
    question = make_question(session, manager)
    other = make_user(session, "rowena")
    for person, p in [(forecaster, 0.2), (other, 0.7), (forecaster, 0.25)]:
        forecasting.submit_forecast(session, question, forecaster=person, probability=p,
                                    now=T0 + timedelta(days=1))
    page = api(forecaster).get("/forecasts", query_string={"limit": 1}).json
    assert [f["probability"] for f in page["items"]] == [0.2]
    rest = api(forecaster).get("/forecasts", query_string={"cursor": page["next_cursor"]}).json
    assert [f["probability"] for f in rest["items"]] == [0.25]


def test_scores_leaderboard_record_and_calibration(api, session, manager, forecaster):
    _, other = make_resolved_pair(session, manager, forecaster)
    client = api(forecaster)
    rows = client.get("/scores/leaderboard").json["rows"]
    names = [row["name"] for row in rows]
    assert "Crowd: median" in names and names.index("Finn") < names.index("Rowena")
    aggregates = {row["name"]: row["aggregate"] for row in rows}
    assert aggregates["Crowd: median"] == "median" and aggregates["Finn"] == ""
    unknown = client.get("/scores/leaderboard", query_string={"tag": "Nope", "team": "Nobody"})
    assert unknown.status_code == 422 and unknown.content_type == PROBLEM
    assert {e["field"]: e["message"] for e in unknown.json["errors"]} == {
        "tag": "No tag named 'Nope'.", "team": "No team named 'Nobody'."}
    backwards = client.get("/scores/leaderboard", query_string={"from": "2026-03-01",
                                                                 "to": "2026-02-01"})
    assert backwards.status_code == 422 and backwards.json["errors"][0]["field"] == "from"
    tagged = client.get("/scores/leaderboard", query_string={"tag": "SHIPPING"})
    assert tagged.status_code == 200 and tagged.json["rows"]  # names match ignoring case
    record = client.get(f"/scores/forecasters/{forecaster.id}").json
    assert record["mean_brier"] == pytest.approx(0.04)
    assert client.get(f"/scores/forecasters/{other.id}").status_code == 403
    mine = client.get("/scores/calibration").json
    assert mine["n"] == 1 and mine["bins"][0]["count"] == 1
    assert client.get("/scores/calibration", query_string={"of": "crowd"}).status_code == 403
    assert api(manager).get("/scores/calibration", query_string={"of": "crowd"}).json["n"] == 1


def test_scores_answer_before_anything_is_resolved(api, forecaster):
    client = api(forecaster)
    assert client.get("/scores/leaderboard").json == {"by": "forecaster", "rows": []}
    assert client.get("/scores/leaderboard", query_string={"by": "team"}).json["rows"] == []
    assert client.get("/scores/calibration").json["n"] == 0


@pytest.mark.sqlite_only
def test_rate_limit_per_token_answers_429(app, api, forecaster):
    app.config["SETTINGS"] = app.config["SETTINGS"].with_overrides(api_rate_limit="3 per minute")
    first, second = api(forecaster), api(forecaster)
    codes = [first.get("/me").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = first.get("/me")
    assert limited.content_type == PROBLEM and "Retry-After" in limited.headers
    assert second.get("/me").status_code == 200  # another token has its own budget


def test_a_manager_imports_a_briefing_accepts_a_draft_and_publishes_it(api, session, manager,
                                                                        forecaster):
    text = ("Harbour Outlook\n\nBy Test Desk\n\n"
            "The port authority is likely to raise berth fees before March.\n")
    body = {"text": text, "published": "2026-01-10", "publication": "Harbour Outlook"}
    assert api(forecaster).post("/briefings", body).status_code == 403
    client = api(manager)
    imported = client.post("/briefings", body)
    assert imported.status_code == 201, imported.json
    drafts = imported.json["drafts"]
    assert drafts and drafts[0]["state"] == "pending" and "berth fees" in drafts[0]["quote"]
    briefing_id, draft_id = imported.json["id"], drafts[0]["id"]
    assert client.post(f"/briefings/{briefing_id}/publish").status_code == 409  # none accepted
    accepted = client.post(f"/briefings/{briefing_id}/drafts/{draft_id}/accept")
    assert accepted.status_code == 200 and accepted.json["state"] == "accepted"
    published = client.post(f"/briefings/{briefing_id}/publish")
    assert published.status_code == 200 and len(published.json["question_ids"]) == 1
    question = api(forecaster).get(f"/questions/{published.json['question_ids'][0]}")
    assert question.status_code == 200 and question.json["status"] == "open"
    empty = client.post("/briefings", {**body, "text": "Nothing here is estimated."})
    assert empty.status_code == 422 and empty.json["errors"][0]["field"] == "text"


def test_a_briefing_over_the_draft_limit_is_a_problem_and_stores_nothing(api, session, manager):
    body = {"text": one_line_judgments(bounds.MAX_BRIEFING_DRAFTS + 1), "published": "2026-01-10"}
    refused = api(manager).post("/briefings", body)
    assert refused.status_code == 422 and refused.content_type == PROBLEM
    assert "has 301 assessments; a briefing may have at most 300" in json.dumps(refused.json)
    session.expire_all()
    assert session.exec(select(Briefing)).all() == []
    assert session.exec(select(BriefingDraft)).all() == []
