"""What users read: times in their own zone, messages as sentences, the managers' Drafts menu."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from pathlib import Path

import pytest

from forecasts import resolution
from forecasts.accounts import profile
from forecasts.notifications.links import Links
from tests.support.builders import LOCAL, T0, make_briefing, make_proposal, make_question, make_user

TEMPLATES = Path(__file__).parents[2] / "web" / "templates"
FLASH = re.compile(r'<p class="flash flash-(?:error|success|info)"[^>]*>(.*?)</p>', re.S)
SCRIPTS = re.compile(r"<script\b.*?</script>", re.S)
RAW_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}")


def flashes(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [html.unescape(m) for m in FLASH.findall(response.get_data(as_text=True))]


def visible_text(response) -> str:  # type: ignore[no-untyped-def]
    """The page without its script blocks (charts carry ISO times as data, not as text)."""
    return SCRIPTS.sub("", response.get_data(as_text=True))


# --- Time zones ------------------------------------------------------------------------------


def test_a_page_shows_times_in_the_viewers_zone_iso_8601_24_hour(sign_in, session, manager,
                                                                  forecaster):
    question = make_question(session, manager)  # closes 2026-02-04 09:00 UTC
    page = sign_in(forecaster)
    assert "2026-02-04 09:00 UTC" in visible_text(page.get(f"/questions/{question.id}"))

    saved = page.post("/profile", {"email": "", "interval_days": "14",
                                   "time_zone": "Asia/Kolkata"})
    assert saved.status_code == 302
    text = visible_text(page.get(f"/questions/{question.id}"))
    assert "2026-02-04 14:30 +05:30" in text and "2026-02-04 09:00 UTC" not in text
    assert "Times are in Asia/Kolkata" in text
    # someone else still reads UTC
    assert "2026-02-04 09:00 UTC" in visible_text(sign_in(manager).get(
        f"/questions/{question.id}"))


@pytest.mark.sqlite_only
def test_an_unknown_time_zone_is_refused_and_nothing_is_saved(sign_in, session, forecaster):
    page = sign_in(forecaster)
    refused = page.post_refused("/profile", {"email": "finn@example.org", "interval_days": "14",
                                             "time_zone": "Mars/Olympus_Mons"}, page="/profile")
    assert "Choose a time zone from the list" in refused.get_data(as_text=True)
    session.refresh(forecaster)
    assert forecaster.email is None and profile.time_zone_of(session, forecaster) == "UTC"


def test_evidence_times_are_formatted_not_raw(sign_in, session, manager):
    question = make_question(session, manager)
    make_proposal(session, question, manager, facts={
        "title": "Strike called off", "link": "https://example.org/a",
        "published": "2026-01-06T07:45:12.345678+00:00",
        "fetched_at": "2026-01-07T08:15:45.782570+00:00"})
    text = visible_text(sign_in(manager).get(f"/questions/{question.id}"))
    assert "2026-01-06 07:45 UTC" in text and "2026-01-07 08:15 UTC" in text
    assert RAW_TIME.findall(text) == []


def test_templates_write_moments_only_through_the_when_filter():
    offenders = []
    for template in TEMPLATES.rglob("*.html"):
        source = template.read_text()
        for pattern in ("|utc", ".strftime(", ".isoformat()"):
            if pattern in source:
                offenders.append(f"{template.relative_to(TEMPLATES)}: {pattern}")
    assert offenders == []


@pytest.mark.sqlite_only
def test_email_links_point_at_real_pages(app):
    links = Links("https://forecasts.example.org")
    adapter = app.url_map.bind("forecasts.example.org")
    assert adapter.match(links.profile().removeprefix("https://forecasts.example.org"))[0] \
        == "account.profile_page"
    assert adapter.match(links.question(7).removeprefix("https://forecasts.example.org")) \
        == ("questions.detail", {"question_id": 7})


# --- Messages as sentences -------------------------------------------------------------------


@pytest.mark.sqlite_only
def test_a_correction_without_a_note_is_refused_in_a_sentence(sign_in, session, manager,
                                                              forecaster):
    question = make_question(session, manager)
    resolution.resolve(session, question, outcome="yes", actor=manager,
                       now=T0 + timedelta(days=31))
    refused = sign_in(manager).post(f"/questions/{question.id}/resolve",
                                    {"outcome": "no", "note": ""}, follow_redirects=True)
    text = refused.get_data(as_text=True)
    # beside the note field (Post/Redirect/Get), as the sentence it is, never "note: …"
    assert '<p class="error" id="resolve-note-error">Say why the resolution is being ' \
           'corrected.</p>' in text
    assert "note: Say why" not in text


@pytest.mark.sqlite_only
def test_a_bad_source_is_refused_in_sentences_without_field_names(sign_in, session, manager):
    question = make_question(session, manager)
    refused = sign_in(manager).post(f"/questions/{question.id}/source", {
        "kind": "http_json", "url": "ftp://example.org/feed", "pointer": "no-slash",
        "comparison": "==", "value": "1"}, follow_redirects=True)
    assert [m for m in flashes(refused) if m.startswith("Source not saved")]
    text = refused.get_data(as_text=True)  # each message beside its field, as a sentence
    assert re.search(r'<p class="error" id="url-error">Only http:// and https:// addresses are '
                     r'fetched\.[^<]*</p>', text)
    assert 'value="ftp://example.org/feed"' in text and 'value="no-slash"' in text  # kept
    assert not re.search(r"\b(url|pointer|URL|Pointer):", text)


@pytest.mark.sqlite_only
def test_a_forecaster_on_a_managers_page_is_told_who_may(sign_in, forecaster):
    refused = sign_in(forecaster).get("/jobs")
    assert refused.status_code == 403
    text = refused.get_data(as_text=True)
    assert "Only managers and admins can do this." in text and "Only a " not in text


@pytest.mark.sqlite_only
def test_an_admins_bad_email_for_a_user_reads_as_a_sentence(sign_in, session, admin):
    zoe = make_user(session, "zoe")
    refused = sign_in(admin).post(f"/admin/users/{zoe.id}", {
        "role": "forecaster", "team_id": "0", "active": "y", "email": "nope"},
        follow_redirects=True)
    (message,) = [m for m in flashes(refused) if m.startswith("User zoe not updated.")]
    assert message.endswith("Give an email address like name@example.org.")
    assert "email:" not in message


def test_a_failing_source_is_one_sentence_with_its_status_once(sign_in, session, manager):
    from forecasts.resolution import sources

    question = make_question(session, manager)
    source = sources.set_source(session, question, sources.SourceInput(
        kind="feed", url="http://127.0.0.1:9/feed", pattern="strike"), actor=manager,
        now=T0, allowed=LOCAL)
    source.failures, source.last_status, source.last_error = 1, 404, "HTTP 404"
    session.add(source)
    session.commit()
    text = visible_text(sign_in(manager).get(f"/questions/{question.id}"))
    assert "1 failed check in a row: HTTP 404." in text
    assert "(HTTP 404): HTTP 404" not in text and "1 failed checks" not in text


# --- The Drafts menu -------------------------------------------------------------------------


def test_the_drafts_menu_counts_drafts_waiting_in_briefings(sign_in, session, manager,
                                                            forecaster):
    make_question(session, manager, published=False)
    briefing = make_briefing(session, manager)
    from forecasts import briefings

    waiting = len(briefings.drafts(session, briefing))
    assert waiting >= 1
    page = sign_in(manager).get("/questions").get_data(as_text=True)
    menu = page.split('data-testid="drafts-menu"')[1].split("</details>")[0]
    assert f'<span class="count">{waiting + 1}</span>' in menu
    assert "Question drafts (1)" in menu
    assert f'href="/briefings/{briefing.id}"' in menu
    assert f"({waiting} waiting)" in menu

    forecasting_page = sign_in(forecaster).get("/questions").get_data(as_text=True)
    assert 'data-testid="drafts-menu"' not in forecasting_page


def test_published_drafts_leave_the_menu(sign_in, session, manager):
    question = make_question(session, manager, published=False)
    menu = sign_in(manager).get("/questions").get_data(as_text=True)
    assert "Question drafts (1)" in menu
    from forecasts.questions import catalog as questions

    questions.publish_question(session, question, actor=manager, now=T0)
    menu = sign_in(manager).get("/questions").get_data(as_text=True)
    assert "Question drafts (0)" in menu and '<span class="count">' not in menu


@pytest.mark.sqlite_only
def test_the_profile_offers_each_kind_of_email_the_role_receives(sign_in, forecaster, manager):
    mine = sign_in(forecaster).get("/profile").get_data(as_text=True)
    assert 'name="email_resolution"' in mine and 'name="email_clarification"' in mine
    assert 'name="email_reminder"' in mine and 'name="email_managers_digest"' not in mine
    assert 'name="email_managers_digest"' in sign_in(manager).get("/profile").get_data(
        as_text=True)
    assert '<option selected value="UTC">UTC</option>' in mine
