"""Stored and reflected XSS in a real browser: hostile text in every free-text field, every page.

tests/support/hostile.py puts script, onerror and javascript: payloads into every field a
user or an outside source can fill. Chromium opens every page that shows them, charts included
(hovering their points, since plotly renders HTML in hover text and legend names), as an admin
and as a forecaster, and asserts that no payload ran, no dialog opened, no event-handler
attribute or javascript: URL reached the DOM and the page reported no CSP violation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest

from tests.support import builders, hostile
from tests.support.site import live_session
from tests.web.test_browser import sign_in

# What a page does with stored text is the same whichever engine stored it: SQLite alone.
pytestmark = pytest.mark.browser

# Runs in every document before the page's own scripts (Playwright injects it, outside any CSP).
WATCH = r"""
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI} at ${e.sourceFile}:` +
                    `${e.lineNumber}`);
});
window.__scan = (root) => {
  const found = [];
  for (const el of (root || document).querySelectorAll("*")) {
    for (const at of el.attributes) {
      const name = at.name.toLowerCase();
      if (name.startsWith("on")) found.push(`<${el.tagName} ${name}="${at.value}">`);
      if (/(^|:)(href|src|action|formaction|data)$/.test(name)) {
        const url = at.value.replace(/[\t\n\r]/g, "").replace(/^[\u0000-\u0020]+/, "");
        if (url.toLowerCase().startsWith("javascript:")) {
          found.push(`<${el.tagName} ${name}="${at.value}">`);
        }
      }
    }
    const data = (el.getAttribute("type") || "").includes("json");
    if (el.tagName === "SCRIPT" && !data && el.textContent.includes("__xss")) {
      found.push("a <script> element carrying the payload");
    }
  }
  return found;
};
"""

# Shows each chart's hover label for the first points of every trace (plotly throttles hover
# events to one per 50 ms, hence the pause) and scans the labels; returns problems and texts.
HOVER_ALL = r"""
async () => {
  const found = [], texts = [];
  for (const gd of document.querySelectorAll("[data-chart]")) {
    for (let i = 0; i < (gd.data || []).length; i++) {
      const trace = gd.data[i];
      const subplot = (trace.xaxis || "x") + (trace.yaxis || "y");
      const points = Math.min((trace.x || []).length, 2);
      for (let j = 0; j < points; j++) {
        window.Plotly.Fx.hover(gd, [{curveNumber: i, pointNumber: j}], subplot);
        await new Promise((done) => setTimeout(done, 80));
        found.push(...window.__scan(gd));
        texts.push(gd.querySelector(".hoverlayer").textContent);
      }
    }
    texts.push(gd.querySelector(".legend") ? gd.querySelector(".legend").textContent : "");
    for (const link of gd.querySelectorAll("a")) found.push(`a link: ${link.outerHTML}`);
    window.Plotly.Fx.unhover(gd);
  }
  return {found, texts};
}
"""

PAYLOAD_TEXT = "window.__xss=1"  # what a payload shows as when it is rendered as text


@dataclass
class Report:
    """What went wrong on which page, and which pages showed the payload as plain text."""

    problems: list[str] = field(default_factory=list)
    shown_as_text: set[str] = field(default_factory=set)
    chart_texts: list[str] = field(default_factory=list)


def visit(page, url: str, report: Report) -> None:  # type: ignore[no-untyped-def]
    """Open a page, draw and hover its charts, and record anything that ran or could run."""
    response = page.goto(url)
    if response.status >= 500:
        report.problems.append(f"{url}: answered {response.status}")
        return
    charts = page.locator("[data-chart]").count()
    if charts:
        # a function, not an expression: Playwright evals expressions, which a strict CSP forbids
        page.wait_for_function(f"() => document.querySelectorAll(\"[data-drawn='true']\")"
                               f".length === {charts}", timeout=15_000)
        point = page.locator("[data-chart] .scatterlayer .points path")
        if point.count():
            point.first.hover(force=True)  # one real pointer hover per page, as a user would
        hovered = page.evaluate(HOVER_ALL)
        report.problems += [f"{url} (chart): {p}" for p in hovered["found"]]
        report.chart_texts += hovered["texts"]
    state = page.evaluate("() => ({xss: window.__xss, csp: window.__csp, found: __scan(),"
                          " text: document.body.innerText})")
    if state["xss"] is not None:
        report.problems.append(f"{url}: a payload ran (window.__xss = {state['xss']})")
    report.problems += [f"{url}: CSP violation {v}" for v in state["csp"]]
    report.problems += [f"{url}: {found}" for found in state["found"]]
    if PAYLOAD_TEXT in state["text"]:
        report.shown_as_text.add(url)


def watched(page, report: Report):  # type: ignore[no-untyped-def]
    """Install the watch in every document the page opens; dismiss and record any dialog."""
    def dialog_opened(dialog) -> None:  # type: ignore[no-untyped-def]
        report.problems.append(f"{page.url}: a dialog opened ({dialog.message})")
        dialog.dismiss()

    page.context.add_init_script(WATCH)
    page.on("dialog", dialog_opened)
    return page


def admin_pages(base: str, ids: hostile.Seeded) -> list[str]:
    """Every page an admin can open that shows the seeded text."""
    calibration = f"{base}/dashboards/calibration"
    over_time = f"{base}/dashboards/scores-over-time"
    question_ids = [*ids.resolved, ids.open, ids.pending_proposal, ids.overdue, ids.draft]
    return [
        f"{base}/questions", f"{base}/questions?status=all", f"{base}/questions?status=drafts",
        f"{base}/questions?" + urlencode({"tag": ids.tag_names[0], "status": "all"}),
        *(f"{base}/questions/{q}" for q in question_ids),
        f"{base}/questions/{ids.open}/edit", f"{base}/questions/{ids.draft}/edit",
        f"{base}/leaderboard", f"{base}/leaderboard?by=team", f"{base}/leaderboard?by=tag",
        f"{base}/leaderboard?" + urlencode({"tag": ids.tag_names[0]}),
        f"{base}/forecasters/{ids.forecaster}", f"{base}/forecasters/{ids.other}",
        f"{base}/dashboards",
        f"{calibration}?of=crowd", f"{calibration}?of=horizon&id=long",
        *(f"{calibration}?of=forecaster&id={u}" for u in (ids.forecaster, ids.other)),
        *(f"{calibration}?of=team&id={t}" for t in ids.teams),
        *(f"{calibration}?of=tag&id={t}" for t in ids.tags),
        f"{calibration}?of=publication&id={ids.publication}",
        f"{base}/dashboards/estimative",
        f"{base}/dashboards/estimative?" + urlencode({"publication": ids.publication_name}),
        *(f"{over_time}?of=forecaster&id={u}" for u in (ids.forecaster, ids.other)),
        *(f"{over_time}?of=team&id={t}" for t in ids.teams),
        f"{base}/briefings", f"{base}/briefings/{ids.briefing}", f"{base}/briefings/terms",
        f"{base}/briefings/publications",
        f"{base}/briefings/terms?" + urlencode({"publication": ids.publication_name}),
        f"{base}/jobs", f"{base}/admin/users", f"{base}/admin/teams", f"{base}/profile",
    ]


def reflected_pages(base: str) -> list[str]:
    """Query strings echoed back in messages and forms."""
    return [
        f"{base}/leaderboard?" + urlencode({"tag": hostile.SCRIPT}),
        f"{base}/leaderboard?" + urlencode({"team": hostile.ONERROR, "from": hostile.SCRIPT}),
        f"{base}/dashboards/estimative?" + urlencode({"publication": hostile.ONERROR}),
        f"{base}/dashboards/calibration?" + urlencode({"of": "tag", "id": hostile.SCRIPT}),
        f"{base}/questions?" + urlencode({"tag": hostile.ONERROR, "status": hostile.SCRIPT}),
        f"{base}/briefings/terms?" + urlencode({"publication": hostile.SCRIPT}),
        f"{base}/login?" + urlencode({"next": hostile.JS_URL}),
    ]


def forecaster_pages(base: str, ids: hostile.Seeded) -> list[str]:
    return [
        f"{base}/questions", f"{base}/questions/{ids.resolved[0]}",
        f"{base}/questions/{ids.open}", f"{base}/me", f"{base}/leaderboard",
        f"{base}/dashboards/calibration", f"{base}/profile",
    ]


def test_no_payload_runs_on_any_page(chromium, live_server, artifacts) -> None:
    with live_session(live_server) as session:
        ids = hostile.seed(session, datetime.now(UTC))
    base, report = live_server.url, Report()

    admin, _ = sign_in(chromium, live_server, "ada", builders.PASSWORD)
    watched(admin, report)
    for url in [*admin_pages(base, ids), *reflected_pages(base)]:
        visit(admin, url, report)
    admin.goto(f"{base}/questions/{ids.resolved[0]}")
    admin.screenshot(path=str(artifacts / "xss-question.png"), full_page=True)

    analyst, _ = sign_in(chromium, live_server, "finn", builders.PASSWORD)
    watched(analyst, report)
    for url in forecaster_pages(base, ids):
        visit(analyst, url, report)

    assert report.problems == [], "\n".join(report.problems)
    # The payloads did reach the pages, as text: the test looked at the right places.
    for must_show in (f"{base}/questions/{ids.resolved[0]}", f"{base}/briefings/{ids.briefing}",
                      f"{base}/jobs", f"{base}/admin/users", f"{base}/leaderboard"):
        assert must_show in report.shown_as_text, must_show
    # Charts show names as typed, markup and all, like the tables beside them.
    assert any(hostile.SCRIPT in text for text in report.chart_texts), "no chart showed a name"
