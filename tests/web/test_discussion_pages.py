"""Discussion, reaffirm, close/reopen and name filters as pages and forms."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup

from forecasts import resolution
from forecasts.accounts import people as accounts
from forecasts.models import Action
from forecasts.questions import discussion, forecasting
from tests.support.builders import T0, make_question, make_user
from tests.support.pages import table_rows


def _soup(response) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _comments(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [li.select_one(".comment-body").get_text()
            for li in _soup(response).select("[data-testid=comment]")]


def test_a_forecaster_sees_comments_only_after_forecasting_then_comments(sign_in, session,
                                                                         manager, forecaster):
    question = make_question(session, manager)
    gus = make_user(session, "gus")
    forecasting.submit_forecast(session, question, forecaster=gus, probability=0.6,
                                now=T0 + timedelta(days=1))
    discussion.post_comment(session, question, author=gus, body="The union is split.",
                            now=T0 + timedelta(days=1))
    analyst = sign_in(forecaster)
    page = analyst.get(f"/questions/{question.id}")
    assert _comments(page) == []
    assert _soup(page).select_one("[data-testid=discussion-hidden]") is not None
    refused = analyst.post_refused(f"/questions/{question.id}/comments", {"comment-body": "Hi"},
                                   f"/questions/{question.id}")
    assert _soup(refused).select_one(".flash-error") is not None
    assert _comments(refused) == []

    analyst.post(f"/questions/{question.id}/forecasts", {"probability": "40"})
    posted = analyst.post(f"/questions/{question.id}/comments",
                          {"comment-body": "Agreed; see the vote."})
    assert posted.status_code == 303
    assert _comments(analyst.get(f"/questions/{question.id}")) == [
        "The union is split.", "Agreed; see the vote."]


@pytest.mark.sqlite_only
def test_comments_are_escaped_and_only_http_links_are_links(sign_in, session, manager):
    question = make_question(session, manager)
    boss = sign_in(manager)
    body = ("<script>alert(1)</script> see https://example.org/a?b=1&c=2 and "
            "javascript:alert(2) or ftp://example.org/x\nsecond line")
    assert boss.post(f"/questions/{question.id}/comments", {"comment-body": body}
                     ).status_code == 303
    page = boss.get(f"/questions/{question.id}")
    post = _soup(page).select_one("[data-testid=comment] .comment-body")
    assert post.select("script") == []
    assert [a["href"] for a in post.select("a")] == ["https://example.org/a?b=1&c=2"]
    assert post.get_text() == body
    assert "&lt;script&gt;" in page.get_data(as_text=True)


@pytest.mark.sqlite_only
def test_an_over_long_comment_is_refused_and_the_text_kept(sign_in, session, manager):
    question = make_question(session, manager)
    text = "ж" * 4001
    response = sign_in(manager).post_refused(f"/questions/{question.id}/comments",
                                             {"comment-body": text}, f"/questions/{question.id}")
    form = _soup(response).select_one("form.comment-form")
    assert "Use at most 4,000 characters (this has 4,001)." in form.get_text()
    assert form.select_one("textarea").get_text().strip() == text
    assert "Up to 4,000 characters" in form.get_text()
    assert discussion.thread(session, question, manager, T0).posts == []


def test_requests_are_highlighted_for_managers_and_clarifications_pinned(sign_in, session,
                                                                         manager, forecaster):
    question = make_question(session, manager)
    analyst = sign_in(forecaster)
    asked = analyst.post(f"/questions/{question.id}/comments",
                         {"comment-body": "Does a one-day strike count?", "comment-request": "y"})
    assert asked.status_code == 303
    boss = sign_in(manager)
    page = _soup(boss.get(f"/questions/{question.id}"))
    assert page.select_one("[data-testid=requests-waiting]").get_text().startswith("1 request")
    assert page.select_one(".comment-request .comment-body").get_text() == \
        "Does a one-day strike count?"
    assert boss.post(f"/questions/{question.id}/clarifications",
                     {"clarify-body": "A one-day strike counts."}).status_code == 303
    seen = _soup(analyst.get(f"/questions/{question.id}"))  # before forecasting, still pinned
    assert [c.select_one(".comment-body").get_text()
            for c in seen.select("[data-testid=clarification]")] == ["A one-day strike counts."]
    assert analyst.post(f"/questions/{question.id}/clarifications",
                        {"clarify-body": "Me too"}).status_code == 403


def test_a_forecaster_shares_a_rationale(sign_in, session, manager, forecaster):
    question = make_question(session, manager)
    analyst = sign_in(forecaster)
    analyst.post(f"/questions/{question.id}/forecasts",
                 {"probability": "30", "rationale": "Strikes here end within a week."})
    [mine] = forecasting.history(session, question, forecaster)
    assert analyst.post(f"/questions/{question.id}/rationales",
                        {"share-forecast_id": str(mine.id)}).status_code == 303
    page = _soup(sign_in(manager).get(f"/questions/{question.id}"))
    post = page.select_one(".comment-rationale")
    assert "forecast of 30 %" in post.get_text()
    assert post.select_one(".comment-body").get_text() == "Strikes here end within a week."


def test_reaffirm_from_the_page(sign_in, session, manager, forecaster, clock):
    question = make_question(session, manager)
    analyst = sign_in(forecaster)
    none_yet = analyst.post_refused(f"/questions/{question.id}/reaffirm", {},
                                    f"/questions/{question.id}")
    assert "no forecast of yours" in none_yet.get_data(as_text=True)
    analyst.post(f"/questions/{question.id}/forecasts", {"probability": "30"})
    clock.advance(days=3)
    page = analyst.get(f"/questions/{question.id}")
    assert _soup(page).find("button", string="Reaffirm 30 %") is not None
    assert analyst.post(f"/questions/{question.id}/reaffirm").status_code == 302
    rows = table_rows(analyst.get(f"/questions/{question.id}").get_data(as_text=True),
                      "table.history")
    assert [row[1:] for row in rows] == [["30 %", "Reaffirmed"], ["30 %", ""]]


def test_closing_early_needs_reason_and_confirmation_and_reopen_undoes_it(sign_in, session,
                                                                          manager):
    question = make_question(session, manager)
    boss = sign_in(manager)
    page = f"/questions/{question.id}"
    unconfirmed = boss.post_refused(f"{page}/close", {"note": "Strike over."}, page)
    assert "Tick the box to confirm" in unconfirmed.get_data(as_text=True)
    boss.post_refused(f"{page}/close", {"confirm": "y"}, page)
    assert resolution.trail(session, question) == []

    assert boss.post(f"/questions/{question.id}/close",
                     {"note": "Strike over.", "confirm": "y"}).status_code == 302
    assert boss.post(f"/questions/{question.id}/reopen",
                     {"reopen-note": "It resumed."}).status_code == 302
    page = boss.get(f"/questions/{question.id}").get_data(as_text=True)
    assert [row[2:] for row in table_rows(page, "table.trail")] == [
        ["close", "", "Strike over."], ["reopen", "", "It resumed."]]
    assert 'data-testid="status">open' in page
    session.expire_all()
    assert [e.action for e in resolution.trail(session, question)] == [Action.close,
                                                                      Action.reopen]
    again = boss.post_refused(f"/questions/{question.id}/reopen", {"reopen-note": "Twice?"},
                              f"/questions/{question.id}")
    assert "Only a question closed early can be reopened." in again.get_data(as_text=True)


def test_tag_filter_finds_non_ascii_tags_and_hides_draft_tags(sign_in, session, manager,
                                                              forecaster):
    russia = make_question(session, manager, title="Will Russia hold a snap election?",
                           tags=["Россия"])
    doctors = make_question(session, manager, title="Will German doctors strike?",
                            tags=["Ärzte"])
    make_question(session, manager, published=False, title="Draft", tags=["ECOWAS"])
    analyst = sign_in(forecaster)
    for asked, expected in (("Россия", russia), ("россия", russia), ("Ärzte", doctors),
                            ("ÄRZTE", doctors)):
        page = _soup(analyst.get("/questions", query_string={"tag": asked}))
        assert [a.get_text() for a in page.select(".q-title")] == [expected.title]
    options = [o["value"] for o in _soup(analyst.get("/questions")).select("select[name=tag] "
                                                                          "option")]
    assert options == ["", "Ärzte", "Россия"]
    manager_options = _soup(sign_in(manager).get("/questions")).select("select[name=tag] option")
    assert "ECOWAS" in [o["value"] for o in manager_options]


def test_a_team_name_differing_only_in_case_is_refused_with_a_message(sign_in, session, admin):
    client = sign_in(admin)
    assert client.post("/admin/teams", {"name": "Eastern Flank cell"}).status_code == 302
    refused = client.post_refused("/admin/teams", {"name": "eastern flank cell"}, "/admin/teams")
    assert "exists already" in refused.get_data(as_text=True)
    assert [t.name for t in accounts.list_teams(session)] == ["Eastern Flank cell"]


def test_leaderboard_filters_match_tag_and_team_names_ignoring_case(sign_in, session, manager):
    make_question(session, manager, tags=["Россия"])
    accounts.create_team(session, "Eastern Flank cell", now=T0)
    boss = sign_in(manager)
    for query in ({"tag": "РОССИЯ"}, {"team": "eastern flank CELL"}):
        response = boss.get("/leaderboard", query_string=query)
        assert response.status_code == 200, response.get_data(as_text=True)
    assert boss.get("/leaderboard", query_string={"tag": "Russia"}).status_code == 400


@pytest.mark.sqlite_only
def test_before_forecasting_the_form_asks_the_managers(sign_in, session, manager, forecaster):
    question = make_question(session, manager)
    form = _soup(sign_in(forecaster).get(f"/questions/{question.id}")).select_one(
        "form.comment-form")
    label = form.select_one("label[for=comment-body]")
    assert label.get_text() == "Your question for the managers"
    assert form.select_one("input[name=comment-request]")["value"] == "y"
    assert form.find("button").get_text() == "Ask for a clarification"


@pytest.mark.sqlite_only
def test_sharing_someone_elses_forecast_is_refused_with_a_message(sign_in, session, manager,
                                                                   forecaster):
    question = make_question(session, manager)
    gus = make_user(session, "gus")
    theirs = forecasting.submit_forecast(session, question, forecaster=gus, probability=0.6,
                                         rationale="Private.", now=T0 + timedelta(days=1))
    response = sign_in(forecaster).post_refused(f"/questions/{question.id}/rationales",
                                                {"share-forecast_id": str(theirs.id)},
                                                f"/questions/{question.id}")
    flashed = _soup(response).select_one(".flash-error").get_text()
    assert "Choose one of your own forecasts" in flashed
    assert discussion.thread(session, question, manager, T0).posts == []
