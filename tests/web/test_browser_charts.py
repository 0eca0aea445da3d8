"""Every chart page in headless Chromium against a real gunicorn: drawn, offline, no JS errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from forecasts import briefings, resolution
from forecasts.config import Settings
from forecasts.db import make_engine, unit_of_work
from forecasts.models import Question, Tag, Team, User
from forecasts.questions import forecasting
from forecasts.scoring import snapshots
from tests.web.test_browser import sign_in

pytestmark = pytest.mark.browser

HARBOUR_DESK = Path(__file__).resolve().parents[1] / "fixtures" / "briefings" / "harbour-desk.txt"


@contextmanager
def live_session(server) -> Iterator[Session]:  # type: ignore[no-untyped-def]
    """A unit of work on the live server's own database (committed at the end); its engine is
    disposed afterwards, so no PostgreSQL connection is left for the garbage collector."""
    engine = make_engine(Settings(database_url=server.database_url))
    try:
        with unit_of_work(engine) as session:
            yield session
    finally:
        engine.dispose()


def publish_and_resolve_a_briefing(server) -> None:  # type: ignore[no-untyped-def]
    """Publish the harbour-desk briefing's "unlikely" draft, forecast it, resolve it NO, and
    take a snapshot."""
    now = datetime.now(UTC)
    with live_session(server) as session:
        manager = session.exec(select(User).where(User.username == "manager")).one()
        briefing = briefings.import_briefing(session, HARBOUR_DESK.read_text("utf-8"),
                                             published=now.date(), importer=manager, now=now)
        draft = next(d for d in briefings.drafts(session, briefing)
                     if d.title.startswith("Will the dock strike"))
        briefings.accept_draft(session, draft, actor=manager)
        [question] = briefings.publish_accepted(session, briefing, actor=manager, now=now)
        # the stated forecast alone is not scored: a question needs someone in the crowd
        amir = session.exec(select(User).where(User.username == "amir")).one()
        forecasting.submit_forecast(session, question, forecaster=amir, probability=0.2,
                                    now=datetime.now(UTC))
        resolution.resolve(session, question, outcome="no", actor=manager,
                           now=datetime.now(UTC))
        assert snapshots.take_snapshot(session, now=datetime.now(UTC)) > 0  # the nightly job


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


def test_every_chart_page_draws_offline_on_the_sample(chromium, live_server, artifacts):
    live_server.cli("sample", "load")
    publish_and_resolve_a_briefing(live_server)
    known = ids(live_server)
    page, watch = sign_in(chromium, live_server, "manager", "manager-demo-pass")
    page.get_by_role("link", name="Dashboards").click()
    assert page.get_by_role("heading", name="Dashboards").is_visible()
    base = f"{live_server.url}/dashboards"
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
        (f"{live_server.url}/questions/{known['resolved']}", "question-crowd", 1),
    ]
    for url, name, charts in pages:
        drawn(page, url, artifacts / f"chart-{name}.png", charts)
    page.goto(f"{live_server.url}/leaderboard?tag=Shipping")
    assert page.locator("table.leaderboard tbody tr").count() > 0
    page.screenshot(path=str(artifacts / "chart-leaderboard.png"), full_page=True)
    assert watch.errors == []
    assert watch.csp == []
    assert watch.foreign == []


def test_tooltips_legend_and_downloads_work(chromium, live_server, artifacts, tmp_path):
    live_server.cli("sample", "load")
    page, watch = sign_in(chromium, live_server, "amir", "amir-demo-pass")
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
    assert page.goto(f"{live_server.url}/dashboards/calibration?of=crowd").status == 403
    assert watch.foreign == []
    assert watch.csp == []
    assert [e for e in watch.errors if "403" not in e] == []
