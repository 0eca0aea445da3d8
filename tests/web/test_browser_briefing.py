"""A manager imports a briefing in a real browser, accepts two drafts and publishes them."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from forecasts.models import Role
from tests.support.site import add_user
from tests.web.test_browser import sign_in

pytestmark = pytest.mark.browser

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "briefings" / "harbour-desk.txt"


def test_manager_imports_reviews_and_publishes_a_briefing(chromium, site, artifacts):
    add_user(site, "mira", "manager-pass-1", Role.manager)
    page, watch = sign_in(chromium, site, "mira", "manager-pass-1")

    page.get_by_role("link", name="Briefings").click()
    page.get_by_label("Paste the briefing").fill(FIXTURE.read_text("utf-8"))
    page.get_by_label("Publication").fill("Harbour Desk")
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("Imported: 4 drafts to review.")).to_be_visible()
    marked = page.locator("mark")
    assert marked.count() == 3  # the condition and its conditional share one sentence
    assert page.locator("mark", has_text="The dock strike is unlikely").is_visible()

    strike = page.get_by_test_id("draft").filter(has_text="Will the dock strike spread")
    assert strike.get_by_test_id("term").inner_text() == "unlikely · 20–45 %"
    strike.get_by_label("Probability (%)").fill("30")
    strike.get_by_role("button", name="Accept").click()
    page.get_by_test_id("draft").filter(has_text="dredging budget").get_by_role(
        "button", name="Accept").click()
    expect(page.get_by_text("2 drafts accepted.")).to_be_visible()
    page.screenshot(path=str(artifacts / "briefing-review.png"), full_page=True)

    page.get_by_role("button", name="Publish accepted drafts").click()
    expect(page.get_by_text("Published 2 questions.")).to_be_visible()
    strike = page.get_by_test_id("draft").filter(has_text="The dock strike is unlikely")
    strike.get_by_role("link", name="Will the dock strike spread").click()

    assert page.get_by_test_id("status").text_content() == "open"
    origin = page.get_by_test_id("briefing-source")
    assert "Source: Coastal Monitor" in origin.inner_text()
    origin.get_by_role("link", name="Harbour Desk Weekly").click()
    assert page.locator("h1").inner_text() == "Review: Harbour Desk Weekly"
    page.go_back()
    page.screenshot(path=str(artifacts / "briefing-question.png"), full_page=True)
    assert watch.errors == []
    assert watch.foreign == []
