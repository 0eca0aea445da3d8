"""The question list page and the API's list: what a row shows, search, sorts, pages, bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup

from forecasts import resolution
from forecasts.models import Outcome
from forecasts.questions import forecasting
from tests.support.api import ApiClient
from tests.support.builders import T0, make_question, make_user


def _rows(response) -> dict[str, dict[str, str]]:  # type: ignore[no-untyped-def]
    """title → {mine, crowd, my-score, outcome} as the page shows them."""
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    rows = {}
    for row in soup.select("li.question-row"):
        shown = {name: " ".join(node.get_text().split()) for name in
                 ("mine", "crowd", "my-score", "outcome")
                 if (node := row.select_one(f"[data-testid={name}]")) is not None}
        rows[row.select_one("a.q-title").get_text()] = shown
    return rows


def test_a_row_shows_your_forecast_then_the_crowd_and_at_the_end_your_score(
        sign_in, session, manager, forecaster, clock):
    question = make_question(session, manager, title="Will the ferry strike end?")
    forecasting.submit_forecast(session, question, forecaster=make_user(session, "ana"),
                                probability=0.6, now=T0 + timedelta(days=1))
    analyst = sign_in(forecaster)
    before = _rows(analyst.get("/questions"))["Will the ferry strike end?"]
    assert before == {"mine": "You: no forecast",
                      "crowd": "Crowd: hidden until you forecast (1 forecaster)"}
    analyst.post(f"/questions/{question.id}/forecasts", {"probability": "80"})
    after = _rows(analyst.get("/questions"))["Will the ferry strike end?"]
    assert after == {"mine": "You: 80 %", "crowd": "Crowd: 70 %, median of 2 forecasters"}
    clock.set(question.closes_at + timedelta(days=1))
    resolution.resolve(session, question, outcome=Outcome.yes, actor=manager, note="",
                       now=question.closes_at + timedelta(days=1))
    resolved = _rows(analyst.get("/questions?status=resolved"))["Will the ferry strike end?"]
    assert resolved["outcome"] == "YES"
    # 80 % held from day 10 to the close at day 30 (active policy): (0.8 − 1)² = 0.04
    assert resolved["my-score"] == "Your Brier: 0.040"


def test_search_sort_and_pages_on_the_page(sign_in, session, manager, forecaster):
    for day in range(30):
        make_question(session, manager, title=f"Will berth {day:02d} reopen?",
                      closes_at=T0 + timedelta(days=20 + day),
                      resolve_by=T0 + timedelta(days=60))
    make_question(session, manager, title="Will the grain corridor hold?",
                  resolution_criteria="YES if a convoy docks in Odesa.")
    analyst = sign_in(forecaster)
    first = analyst.get("/questions?q=berth")
    titles = list(_rows(first))
    assert titles == [f"Will berth {day:02d} reopen?" for day in range(25)]
    page = first.get_data(as_text=True)
    assert "Questions 1–25 of 30." in page and 'rel="next"' in page and 'rel="prev"' not in page
    second = analyst.get("/questions?q=berth&page=2")
    assert list(_rows(second)) == [f"Will berth {day:02d} reopen?" for day in range(25, 30)]
    assert "Questions 26–30 of 30." in second.get_data(as_text=True)
    latest = list(_rows(analyst.get("/questions?q=berth&sort=closes-desc")))
    assert latest[:2] == ["Will berth 29 reopen?", "Will berth 28 reopen?"]
    assert list(_rows(analyst.get("/questions?q=ODESA+convoy"))) == [
        "Will the grain corridor hold?"]
    beyond = analyst.get("/questions?q=berth&page=9")
    assert beyond.status_code == 200 and "Back to the first page" in beyond.get_data(as_text=True)
    assert "Needs my update" in page and "days old" in page  # the rule is stated on the page


@pytest.mark.sqlite_only
@pytest.mark.parametrize(("query", "message"), [
    ("sort=sideways", "sort: choose one of closes, closes-desc, newest, forecasters, update"),
    ("status=bogus", "status: choose one of open, closed, resolved"),
    ("page=0", "page"), ("page=abc", "page"), ("page=99999999999", "page"),
    ("q=" + "+".join(["word"] * 11), "at most 10 words"),
    ("tag=Atlantis", "No tag named &#39;Atlantis&#39;."),
])
def test_bad_list_parameters_are_a_400_with_a_message(sign_in, forecaster, query, message):
    response = sign_in(forecaster).get(f"/questions?{query}")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_a_tag_filter_matches_in_any_case_on_the_page_and_the_api(app, sign_in, session,
                                                                   manager, forecaster):
    make_question(session, manager, title="Will the Straße ferry sail?", tags=["Straße"])
    make_question(session, manager, title="Will the grain corridor hold?", tags=["Grain"])
    page = sign_in(forecaster).get("/questions?tag=STRASSE").get_data(as_text=True)
    assert "Will the Straße ferry sail?" in page and "grain corridor" not in page
    assert '<option value="Straße" selected>' in page  # the stored spelling is chosen
    client = ApiClient(app, session, forecaster, can_write=False)
    found = client.get("/questions", query_string={"tag": " strasse "}).json["items"]
    assert [item["title"] for item in found] == ["Will the Straße ferry sail?"]
    unknown = client.get("/questions", query_string={"tag": "Atlantis"})
    assert unknown.status_code == 422 and unknown.json["errors"] == [
        {"field": "tag", "message": "No tag named 'Atlantis'."}]


def test_the_api_lists_through_the_same_search_and_pages(app, session, manager, forecaster):
    for day in range(3):
        make_question(session, manager, title=f"Will pier {day} reopen?",
                      resolution_criteria="YES if the harbour master says so.",
                      closes_at=T0 + timedelta(days=20 + day))
    client = ApiClient(app, session, forecaster, can_write=False)
    first = client.get("/questions", query_string={"q": "HARBOUR master", "limit": 2}).json
    assert [i["title"] for i in first["items"]] == ["Will pier 0 reopen?", "Will pier 1 reopen?"]
    make_question(session, manager, title="Will pier 9 reopen early?",  # added between pages
                  resolution_criteria="YES if the harbour master says so.",
                  closes_at=T0 + timedelta(days=15))
    rest = client.get("/questions", query_string={"q": "harbour master", "limit": 2,
                                                  "cursor": first["next_cursor"]}).json
    assert [i["title"] for i in rest["items"]] == ["Will pier 2 reopen?"]  # no repeats
    assert rest["next_cursor"] is None
    too_many = client.get("/questions", query_string={"q": " ".join(["w"] * 11)})
    assert too_many.status_code == 422 and too_many.json["errors"] == [
        {"field": "q", "message": "q: search with at most 10 words."}]


def test_a_search_that_finds_nothing_says_so_and_offers_the_whole_list(sign_in, forecaster):
    text = sign_in(forecaster).get("/questions?q=zzzqqq").get_data(as_text=True)
    assert "matching “zzzqqq”" in text and "Try other words" in text
    assert "Check back when a manager publishes one" not in text
