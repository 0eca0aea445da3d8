"""The forecast form in a real browser against a real gunicorn: the slider, the fraction hint,
the focus on the first error, and an error page at the question's own address that a reload
does not submit again."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.site import add_user
from tests.web.test_browser import sign_in

pytestmark = pytest.mark.browser


def test_slider_fraction_hint_and_focus_on_the_first_error(chromium, site, artifacts):
    add_user(site, "zoe", "zoe-forecasts-1")
    page, watch = sign_in(chromium, site, "zoe", "zoe-forecasts-1")
    page.locator("li.question-row a.q-title").first.click()
    question_url = page.url
    number = page.locator("#probability")
    slider = page.locator("#probability-slider")
    hint = page.locator("#probability-fraction")

    assert slider.is_visible()  # drawn by static/forms.js; hidden without it
    slider.fill("42")
    assert number.input_value() == "42"
    number.fill("17")
    assert slider.input_value() == "17"

    number.fill("0.3")
    assert hint.is_visible() and "Did you mean 30 %?" in hint.text_content()
    page.get_by_role("button", name="Use 30 %").click()
    assert number.input_value() == "30" and slider.input_value() == "30"
    assert hint.is_hidden()

    number.fill("0.3")
    page.get_by_label("Rationale", exact=True).fill("Strikes of this kind fade.")
    page.get_by_role("button", name="Submit forecast").click()
    expect(page.locator("#probability-error")).to_contain_text("Did you mean 30 %?")
    assert page.url.split("#")[0] == question_url  # the question's own address, not /forecasts
    # the focus is on the first error (document.activeElement: a headless page never has the
    # window's focus, which Playwright's to_be_focused also asks for)
    page.wait_for_function("() => document.activeElement?.id === 'probability'", timeout=5000)
    assert page.get_by_label("Rationale", exact=True).input_value() == (
        "Strikes of this kind fade.")
    page.screenshot(path=str(artifacts / "forecast-form-error.png"), full_page=True)

    resubmitted: list[str] = []
    page.on("request", lambda r: resubmitted.append(r.url) if r.method == "POST" else None)
    page.reload()
    assert resubmitted == []  # a reload is a GET: nothing is submitted again
    assert page.locator("#probability-error").count() == 0
    assert page.locator("table.history").count() == 0  # and nothing was stored

    page.locator("#probability").fill("30")
    page.get_by_role("button", name="Submit forecast").click()
    expect(page.locator("table.history td.num").first).to_have_text("30 %")
    assert page.locator("#probability").input_value() == "30"  # prefilled with your forecast
    assert watch.errors == [] and watch.csp == [] and watch.foreign == []
