"""Every chart page in headless Chromium against a real gunicorn: drawn, offline, no JS errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlmodel import col, select

from forecasts.models import Question, Tag, Team, User
from tests.support.site import live_session
from tests.web.test_browser import sign_in

pytestmark = pytest.mark.browser


def ids(server) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with live_session(server) as session:
        return {
            "amir": session.exec(select(User.id).where(User.username == "amir")).one(),
            "team": session.exec(select(Team.id).where(Team.name == "Europe desk")).one(),
            "tag": session.exec(select(Tag.id).where(Tag.name == "Shipping")).one(),
            "resolved": session.exec(select(Question.id).where(
                col(Question.outcome) == "yes").order_by(col(Question.id))).first(),
        }


def drawn(page, url: str, shot: Path, charts: int = 1) -> None:  # type: ignore[no-untyped-def]
    """Open a page and wait until plotly has drawn every chart on it."""
    response = page.goto(url)
    assert response.status == 200, url
    assert "script-src 'self'" in response.headers["content-security-policy"], url
    page.wait_for_function(f"() => document.querySelectorAll(\"[data-drawn='true']\").length"
                           f" === {charts}", timeout=15_000)
    assert page.locator("[data-chart] .main-svg").count() >= charts
    page.screenshot(path=str(shot), full_page=True)


def test_every_chart_page_draws_offline_on_the_sample(chromium, site, artifacts):
    """On the shared site: the sample with a published, resolved briefing and a snapshot."""
    known = ids(site)
    page, watch = sign_in(chromium, site, "manager", "manager-demo-pass")
    page.get_by_role("link", name="Dashboards").click()
    expect(page.get_by_role("heading", name="Dashboards")).to_be_visible()
    base = f"{site.url}/dashboards"
    pages = [
        (f"{base}/calibration?of=crowd", "calibration-crowd", 1),
        (f"{base}/calibration?of=forecaster&id={known['amir']}", "calibration-forecaster", 1),
        (f"{base}/calibration?of=team&id={known['team']}&strategy=quantile",
         "calibration-team", 1),
        (f"{base}/calibration?of=tag&id={known['tag']}&interval=jeffreys", "calibration-tag", 1),
        (f"{base}/calibration?of=publication", "calibration-publication", 1),
        (f"{base}/calibration?of=horizon&id=short", "calibration-horizon", 1),
        (f"{base}/estimative", "estimative", 1),
        (f"{base}/scores-over-time?id={known['amir']}", "scores-over-time", 2),
        (f"{base}/scores-over-time?of=team&id={known['team']}", "scores-over-time-team", 2),
        (f"{site.url}/questions/{known['resolved']}", "question-crowd", 1),
    ]
    for url, name, charts in pages:
        drawn(page, url, artifacts / f"chart-{name}.png", charts)
    page.goto(f"{site.url}/leaderboard?tag=Shipping")
    assert page.locator("table.leaderboard tbody tr").count() > 0
    page.screenshot(path=str(artifacts / "chart-leaderboard.png"), full_page=True)
    assert watch.errors == []
    assert watch.csp == []
    assert watch.foreign == []


def test_tooltips_legend_and_downloads_work(chromium, site, artifacts, tmp_path):
    page, watch = sign_in(chromium, site, "amir", "amir-demo-pass")
    page.get_by_role("link", name="Leaderboard").click()
    page.get_by_role("link", name="Your calibration").click()
    page.wait_for_selector("[data-chart][data-drawn='true'] .main-svg")
    assert page.get_by_role("heading", name="Calibration: Amir Haddad").is_visible()
    # a tooltip gives the bin's numbers
    page.locator(".scatterlayer .trace:nth-child(2) .points path").first.hover(force=True)
    tooltip = page.locator(".hoverlayer .hovertext")
    tooltip.first.wait_for(timeout=5_000)
    assert "forecasts" in tooltip.first.text_content()
    # clicking a legend entry hides its trace
    legend = page.locator(".legend .traces").nth(1)
    legend.click()
    # a function, not an expression: Playwright evals expressions, which the CSP forbids
    page.wait_for_function("() => document.getElementById('calibration-chart').data[1].visible"
                           " === 'legendonly'")
    for fmt in ("png", "svg"):
        with page.expect_download() as info:
            page.get_by_role("button", name=f"Download {fmt.upper()}").click()
        target = tmp_path / f"calibration.{fmt}"
        info.value.save_as(target)
        head = target.read_bytes()[:200]
        assert head.startswith(b"\x89PNG") if fmt == "png" else b"<svg" in head
    page.screenshot(path=str(artifacts / "chart-own-calibration.png"), full_page=True)
    # a forecaster may not open the managers' dashboards
    assert page.goto(f"{site.url}/dashboards/calibration?of=crowd").status == 403
    assert watch.foreign == []
    assert watch.csp == []
    assert [e for e in watch.errors if "403" not in e] == []
