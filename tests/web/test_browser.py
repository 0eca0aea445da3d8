"""The whole loop in a real browser against a real gunicorn: draft, publish, forecast, resolve."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from forecasts.models import Role
from tests.support.site import add_user

pytestmark = pytest.mark.browser


class PageWatch:
    """Collects console errors and any request that leaves 127.0.0.1."""

    def __init__(self, page) -> None:  # type: ignore[no-untyped-def]
        self.errors: list[str] = []
        self.foreign: list[str] = []
        self.csp: list[str] = []  # Chromium reports each CSP violation on the console
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("console", lambda m: self.csp.append(m.text)
                if "Content Security Policy" in m.text else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", self._request)

    def _request(self, request) -> None:  # type: ignore[no-untyped-def]
        host = urlsplit(request.url).hostname
        if host not in ("127.0.0.1", None) and not request.url.startswith("data:"):
            self.foreign.append(request.url)


def sign_in(browser, server, username: str, password: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    watch = PageWatch(page)
    page.goto(f"{server.url}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{server.url}/questions")
    return page, watch


def test_manager_and_forecaster_play_the_whole_loop(chromium, site, artifacts):
    add_user(site, "maria", "manager-pass-1", Role.manager)
    add_user(site, "finn", "forecaster-pass-1")
    boss, boss_watch = sign_in(chromium, site, "maria", "manager-pass-1")

    boss.get_by_role("link", name="New question").first.click()
    boss.get_by_label("Question").fill("Will the Aegean ferry strike last into March?")
    boss.get_by_label("Resolution criteria").fill(
        "YES if the ferry union says the strike is still on at 1 March, per its statements.")
    closes = (datetime.now(UTC) + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")
    boss.get_by_label("Closes (UTC)").fill(closes)
    boss.get_by_label("Tags").fill("Greece, Shipping")
    boss.get_by_role("button", name="Save draft").click()
    boss.get_by_role("button", name="Publish").click()
    assert boss.get_by_test_id("status").text_content() == "open"
    question_url = boss.url

    analyst, analyst_watch = sign_in(chromium, site, "finn", "forecaster-pass-1")
    analyst.get_by_role("link", name="Will the Aegean ferry strike last into March?").click()
    expect(analyst.get_by_text("Hidden until you forecast.")).to_be_visible()
    analyst.get_by_label("Your probability of YES (%)").fill("30")
    analyst.get_by_label("Rationale").fill("Past strikes lasted under two weeks.")
    analyst.get_by_role("button", name="Submit forecast").click()
    assert analyst.get_by_test_id("crowd-median").inner_text() == "30 %"
    analyst.get_by_label("Your probability of YES (%)").fill("20")
    analyst.get_by_role("button", name="Update forecast").click()
    assert analyst.get_by_test_id("crowd-median").inner_text() == "20 %"
    analyst.screenshot(path=str(artifacts / "loop-forecast.png"), full_page=True)

    boss.goto(question_url)
    boss.get_by_label("Why close early?").fill("The union called the strike off.")
    boss.get_by_label("I confirm").check()
    boss.get_by_role("button", name="Close early").click()
    assert boss.get_by_test_id("status").text_content() == "closed"
    boss.get_by_role("radio", name="NO", exact=True).check()
    boss.get_by_label("Note (evidence").fill("Union statement of the day.")
    boss.get_by_role("button", name="Resolve").click()
    assert boss.get_by_test_id("outcome").text_content() == "NO"
    assert boss.get_by_text("unresolved → NO").is_visible()
    boss.screenshot(path=str(artifacts / "loop-resolved.png"), full_page=True)

    analyst.get_by_role("link", name="My record").click()
    assert analyst.get_by_test_id("brier").inner_text() == "0.040"
    assert analyst.get_by_test_id("mean-brier").inner_text() == "0.040"
    analyst.screenshot(path=str(artifacts / "loop-record.png"), full_page=True)

    for watch in (boss_watch, analyst_watch):
        assert watch.errors == []
        assert watch.foreign == []


def test_bad_probability_shows_a_form_error_in_the_browser(chromium, site):
    page, watch = sign_in(chromium, site, "amir", "amir-demo-pass")
    page.get_by_role("link", name="Will NATO extend its Baltic Sentry").click()
    page.get_by_label("Your probability of YES (%)").fill("100")
    page.get_by_role("button", name="forecast").click()
    # waits for the page the refused form comes back to (is_visible alone would not wait)
    expect(page.get_by_text("Enter a probability from 1 % to 99 %")).to_be_visible()
    assert watch.foreign == []

