"""Every page, in real Chromium against one real gunicorn, at 1280 px and at 390 px (a phone).

Each page is opened as the lowest role allowed to open it (and a few as a second role that sees
more), on the sample data plus a published briefing and a nightly snapshot, and must:
- not scroll sideways (the document is no wider than the window);
- have no serious or critical axe-core violation;
- log no console error (a CSP violation is one).
A screenshot of each page found at fault goes to test-artifacts/pages/.

The list of pages is checked against the URL map: a new page that answers GET with HTML fails
``test_every_page_of_the_url_map_is_swept`` until it is added to VISITS (or to NOT_PAGES with a
reason). One browser, the shared live site (tests/support/site.py) and one signed-in context
per role and width keep it quick.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from sqlmodel import col, select

from forecasts.accounts import password_reset
from forecasts.models import Question, User
from tests.support.live import LiveServer
from tests.support.site import live_session
from tests.web.test_browser import PageWatch

WIDTHS = {"desk": 1280, "phone": 390}
ROLES = ("anonymous", "forecaster", "manager", "admin")
SIGN_IN = {"forecaster": "amir", "manager": "manager", "admin": "admin"}
BLOCKING = ("serious", "critical")

# GET endpoints that are not pages a person reads (files, JSON, redirects-only), with why.
NOT_PAGES = {
    "static": "files",
    "plotly_css.stylesheet": "a stylesheet",
    "health.healthz": "JSON for load balancers",
    "exports.dataset": "a CSV or JSON download",
    "exports.archive": "a zip download",
    "api.docs_asset": "Swagger UI's files",
}
JSON_API = "api."  # the JSON API's endpoints (api.docs, its one HTML page, is swept)
# Swagger UI draws the API reference from its own bundle; axe checks our page around it.
AXE_SKIPS = {"/api/v1/docs": ["#swagger-ui"]}


# Legends and axis titles stay inside their chart's box (so off the next card) and the legend
# covers no plot area; returns what is wrong, for every chart on the page.
CHART_LAYOUT = """() => {
  const box = e => e.getBoundingClientRect();
  const meets = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 &&
                          a.top < b.bottom - 1 && b.top < a.bottom - 1;
  const inside = (a, b) => a.left >= b.left - 1 && a.right <= b.right + 1 &&
                           a.top >= b.top - 1 && a.bottom <= b.bottom + 1;
  const wrong = [];
  document.querySelectorAll('[data-chart]').forEach(chart => {
    const frame = box(chart);
    const plots = [...chart.querySelectorAll('.draglayer .nsewdrag')].map(box);
    chart.querySelectorAll('.legend, .g-xtitle, .g-x2title, .g-ytitle, .g-y2title')
      .forEach(part => {
        const area = box(part);
        if (area.width === 0) return;
        if (!inside(area, frame)) wrong.push(`${chart.id}: ${part.getAttribute('class')} ` +
                                             'leaves the chart');
        if (part.classList.contains('legend') && plots.some(p => meets(area, p)))
          wrong.push(`${chart.id}: the legend covers the plot`);
      });
  });
  return wrong;
}"""


@dataclass(frozen=True)
class Visit:
    """One page to open: a short name (for screenshots), who opens it, and its path."""

    name: str
    role: str
    path: str
    status: int = 200


def visits(ids: dict[str, object]) -> list[Visit]:
    """Every page with the ids of real rows; ``{x}`` is filled from ``ids``."""
    table = [
        ("login", "anonymous", "/login"),
        ("forgot", "anonymous", "/password/forgot"),
        ("reset", "anonymous", "/password/reset/{reset}"),
        ("api-docs", "anonymous", "/api/v1/docs"),
        ("home", "forecaster", "/"),
        ("questions", "forecaster", "/questions"),
        ("question-open", "forecaster", "/questions/{open}"),
        ("question-resolved", "forecaster", "/questions/{resolved}"),
        ("record", "forecaster", "/me"),
        ("own-record", "forecaster", "/forecasters/{amir}"),
        ("leaderboard", "forecaster", "/leaderboard"),
        ("own-calibration", "forecaster", "/dashboards/calibration?of=forecaster&id={amir}"),
        ("exports", "forecaster", "/exports"),
        ("profile", "forecaster", "/profile"),
        ("password", "forecaster", "/profile/password"),
        ("tokens", "forecaster", "/profile/tokens"),
        ("drafts", "manager", "/questions?status=drafts"),
        ("new-question", "manager", "/questions/new"),
        ("question-open-manager", "manager", "/questions/{open}"),
        ("question-resolved-manager", "manager", "/questions/{resolved}"),
        ("question-draft", "manager", "/questions/{draft}"),
        ("question-edit", "manager", "/questions/{draft}/edit"),
        ("forecaster-record", "manager", "/forecasters/{amir}"),
        ("briefings", "manager", "/briefings"),
        ("briefing", "manager", "/briefings/{briefing}"),
        ("publications", "manager", "/briefings/publications"),
        ("terms", "manager", "/briefings/terms"),
        ("stated", "manager", "/briefings/stated?publication=Meridian+Risk+Weekly"),
        ("dashboards", "manager", "/dashboards"),
        ("calibration", "manager", "/dashboards/calibration?of=crowd"),
        ("estimative", "manager", "/dashboards/estimative"),
        ("over-time", "manager", "/dashboards/scores-over-time?id={amir}"),
        ("jobs", "manager", "/jobs"),
        ("webhooks", "manager", "/webhooks"),
        ("import", "manager", "/exports/import"),
        ("users", "admin", "/admin/users"),
        ("teams", "admin", "/admin/teams"),
    ]
    found = [Visit(name, role, path.format(**ids)) for name, role, path in table]
    return [*found, Visit("not-found", "forecaster", "/questions/2147483647", 404)]


def test_every_page_of_the_url_map_is_swept(app: Flask) -> None:
    ids = {"reset": "t", "open": 1, "resolved": 2, "draft": 3, "amir": 4, "briefing": 5}
    adapter = app.url_map.bind("localhost")
    swept = {adapter.match(v.path.split("?")[0], method="GET")[0] for v in visits(ids)
             if v.status == 200}
    pages = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in (rule.methods or ())
             and (not rule.endpoint.startswith(JSON_API) or rule.endpoint == "api.docs")}
    assert pages - swept - set(NOT_PAGES) == set(), "add these pages to VISITS"


@pytest.fixture(scope="module")
def sweep(site: LiveServer) -> tuple[LiveServer, list[Visit]]:
    """The shared live site (the sample, a published briefing, a snapshot) and its pages."""
    return site, visits(row_ids(site))


def row_ids(server: LiveServer) -> dict[str, object]:
    """Real rows of each kind a page is about."""
    with live_session(server) as session:
        questions = session.exec(select(Question).order_by(col(Question.id))).all()
        amir = session.exec(select(User).where(User.username == "amir")).one()
        return {
            "open": next(q.id for q in questions if q.published_at and q.outcome is None),
            "resolved": next(q.id for q in questions if q.outcome is not None),
            "draft": next(q.id for q in questions if q.published_at is None),
            "briefing": next(q.briefing_id for q in questions if q.briefing_id),
            "amir": amir.id,
            "reset": password_reset.make_token(amir, secret="live-test-secret",
                                               now=datetime.now(UTC)),
        }


def problems_on(page, watch: PageWatch, visit: Visit, url: str, shot: Path) -> list[str]:  # type: ignore[no-untyped-def]
    """Open one page and list what is wrong with it (empty when nothing is)."""
    from axe_playwright_python.sync_playwright import Axe

    watch.errors.clear()
    response = page.goto(url)
    found = []
    if response is None or response.status != visit.status:
        found.append(f"answered {response and response.status}, not {visit.status}")
    if page.locator("[data-chart]").count():
        page.wait_for_function("() => [...document.querySelectorAll('[data-chart]')]"
                               ".every(e => e.getAttribute('data-drawn') === 'true')",
                               timeout=15_000)
        found += [f"chart: {p}" for p in page.evaluate(CHART_LAYOUT)]
    wide = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    if wide[0] > wide[1]:
        found.append(f"scrolls sideways: {wide[0]} px wide in a {wide[1]} px window")
    skips = AXE_SKIPS.get(visit.path)
    context = {"exclude": [[selector] for selector in skips]} if skips else None
    for violation in Axe().run(page, context=context).response["violations"]:
        if violation["impact"] in BLOCKING:
            where = [node["target"] for node in violation["nodes"][:3]]
            found.append(f"axe {violation['impact']}: {violation['id']} "
                         f"({violation['help']}) at {where}")
    errors = [e for e in watch.errors
              if not (visit.status == 404 and "404 (NOT FOUND)" in e.upper())]
    found += [f"console error: {e}" for e in errors]
    if found:  # a full-page capture costs a page's layout again: only where it shows a fault
        page.screenshot(path=str(shot), full_page=True)
    return found


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("role", ROLES)
def test_every_page_fits_reads_and_runs_clean(chromium, sweep, artifacts, role, width):  # type: ignore[no-untyped-def]
    server, every = sweep
    context = chromium.new_context(viewport={"width": WIDTHS[width], "height": 900},
                                   is_mobile=width == "phone", has_touch=width == "phone")
    page = context.new_page()
    watch = PageWatch(page)
    if role != "anonymous":
        page.goto(f"{server.url}/login")
        page.get_by_label("Username").fill(SIGN_IN[role])
        page.get_by_label("Password").fill(f"{SIGN_IN[role]}-demo-pass")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{server.url}/questions")
    folder = artifacts / "pages"
    folder.mkdir(exist_ok=True)
    started, report = time.monotonic(), {}
    mine = [v for v in every if v.role == role]
    for visit in mine:
        shot = folder / f"{width}-{role}-{visit.name}.png"
        found = problems_on(page, watch, visit, server.url + visit.path, shot)
        if found:
            report[visit.path] = found
    context.close()
    print(f"{len(mine)} pages as {role} at {WIDTHS[width]} px in "
          f"{time.monotonic() - started:.1f} s")
    assert report == {}, "\n".join(f"{path}: {p}" for path, ps in report.items() for p in ps)
    assert watch.foreign == []


@pytest.mark.browser
def test_the_phone_menu_collapses_and_the_skip_link_reaches_the_page(chromium, site):  # type: ignore[no-untyped-def]
    server = site
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                   has_touch=True)
    page = context.new_page()
    watch = PageWatch(page)
    page.goto(f"{server.url}/login")
    page.get_by_label("Username").fill("manager")
    page.get_by_label("Password").fill("manager-demo-pass")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{server.url}/questions")
    menu = page.get_by_role("button", name="Menu")
    leaderboard = page.get_by_role("navigation", name="Main").get_by_role("link",
                                                                          name="Leaderboard")
    assert menu.is_visible() and not leaderboard.is_visible()  # collapsed: one line of header
    menu.click()
    assert menu.get_attribute("aria-expanded") == "true" and leaderboard.is_visible()
    page.keyboard.press("Escape")
    assert not leaderboard.is_visible()
    menu.click()
    leaderboard.click()
    page.wait_for_url(f"{server.url}/leaderboard")
    # the first Tab reaches the skip link, which moves focus past the header to the content
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.evaluate("e => e === document.activeElement") and skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "content"
    # on a desk the menu is simply there, no button
    page.set_viewport_size({"width": 1280, "height": 900})
    assert leaderboard.is_visible() and not menu.is_visible()
    context.close()
    assert watch.errors == []
