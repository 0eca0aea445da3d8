"""Chart pages in a real browser: bytes over the wire and time to the first drawn chart.

Starts a real gunicorn (two workers, SQLite, the sample plus a published briefing and a nightly
snapshot), signs in as the demo manager, and opens each chart page in Debian's Chromium
(Playwright, ``executable_path=/usr/bin/chromium``) with a fresh browser profile every time: a
new context has an empty HTTP cache, and the sign-in goes through the API request client,
which shares the cookies but not the cache, so the page itself loads every asset.

Per page (median of ``--runs``):
- wire: bytes received, headers included (Chrome's encodedDataLength over every request);
- drawn: milliseconds from navigation start to the first chart drawn (charts.js marks it);
- load: milliseconds to the load event.
Baselines measured in the same run: the same page with compression refused
(``Accept-Encoding: identity``), a page without charts (the question list), and the chart page
opened again in the same profile (what the year-long cache saves on every later visit).

Targets (issue 13): at most 1.5 MB over the wire and at most 1 s to the first drawn chart.

    .venv/bin/python benchmarks/browser.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bs4 import BeautifulSoup
from playwright.sync_api import Browser, BrowserContext, sync_playwright

from tests.support.live import LiveServer
from tests.web.test_browser_charts import ids, publish_and_resolve_a_briefing

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]
WIRE_TARGET, DRAWN_TARGET = 1.5e6, 1000.0


@dataclass
class Visit:
    """What one page load cost."""

    wire: int
    requests: int
    drawn_ms: float | None
    load_ms: float


def signed_in_context(browser: Browser, server: LiveServer, *, identity: bool = False
                      ) -> BrowserContext:
    """A fresh profile whose cookies say "signed in as the manager", its cache still empty."""
    headers = {"Accept-Encoding": "identity"} if identity else None
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  extra_http_headers=headers)
    login = context.request.get(f"{server.url}/login").text()
    token = BeautifulSoup(login, "html.parser").select_one("input[name=csrf_token]")
    assert token is not None, "no CSRF token on the sign-in page"
    answer = context.request.post(f"{server.url}/login", form={
        "username": "manager", "password": "manager-demo-pass", "csrf_token": token["value"]})
    assert answer.ok, answer.status
    return context


def visit(context: BrowserContext, url: str, charts: bool) -> Visit:
    """Open ``url`` in a new tab and measure it."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    received: list[int] = []
    cdp.on("Network.loadingFinished", lambda event: received.append(event["encodedDataLength"]))
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    if charts:
        page.wait_for_function("() => performance.getEntriesByName('first-chart-drawn')"
                               ".length > 0", timeout=30_000)
    page.wait_for_load_state("load")
    timing = page.evaluate("""() => ({
        drawn: (performance.getEntriesByName('first-chart-drawn')[0] || {}).startTime,
        load: performance.getEntriesByType('navigation')[0].loadEventEnd})""")
    page.wait_for_timeout(200)  # let the last loadingFinished events arrive
    page.close()
    return Visit(sum(received), len(received), timing.get("drawn"), timing["load"])


def median(visits: list[Visit]) -> Visit:
    drawn = [v.drawn_ms for v in visits if v.drawn_ms is not None]
    return Visit(int(statistics.median(v.wire for v in visits)),
                 int(statistics.median(v.requests for v in visits)),
                 statistics.median(drawn) if drawn else None,
                 statistics.median(v.load_ms for v in visits))


def measure(browser: Browser, server: LiveServer, url: str, runs: int, *, charts: bool = True,
            identity: bool = False) -> tuple[Visit, Visit]:
    """Median of ``runs`` fresh profiles, and the same page again in the last profile."""
    fresh, again = [], []
    for _ in range(runs):
        context = signed_in_context(browser, server, identity=identity)
        fresh.append(visit(context, url, charts))
        again.append(visit(context, url, charts))
        context.close()
    return median(fresh), median(again)


def row(name: str, result: Visit) -> str:
    drawn = f"{result.drawn_ms:7.0f}" if result.drawn_ms is not None else "      —"
    return (f"| {name:<38} | {result.wire / 1e6:8.3f} | {result.requests:4d} | {drawn} | "
            f"{result.load_ms:7.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh profiles per page")
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        server = LiveServer(Path(folder), workers=2)
        server.start()
        try:
            server.cli("sample", "load")
            publish_and_resolve_a_briefing(server)
            known = ids(server)
            pages = {
                "question page (crowd chart)": f"/questions/{known['resolved']}",
                "calibration (crowd)": "/dashboards/calibration?of=crowd",
                "scores over time (2 charts)": f"/dashboards/scores-over-time?id={known['amir']}",
                "estimative language": "/dashboards/estimative",
            }
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            # one throwaway load, so every gunicorn worker has compressed its assets once
            for _ in range(2):
                measure(browser, server, server.url + pages["calibration (crowd)"], 1)
            print(f"Fresh profile each time, median of {runs}; MB over the wire (headers "
                  "included), requests, ms to the first drawn chart, ms to the load event.\n")
            print("| page | MB | req | drawn ms | load ms |\n| --- | ---: | ---: | ---: | ---: |")
            worst_wire, worst_drawn = 0, 0.0
            for name, path in pages.items():
                fresh, again = measure(browser, server, server.url + path, runs)
                plain, _ = measure(browser, server, server.url + path, runs, identity=True)
                print(row(name, fresh))
                print(row("  same, uncompressed (baseline)", plain))
                print(row("  same, second visit (cached)", again))
                print(f"|   ratio compressed / uncompressed | {fresh.wire / plain.wire:8.2f} |"
                      "  |  |  |")
                worst_wire = max(worst_wire, fresh.wire)
                worst_drawn = max(worst_drawn, fresh.drawn_ms or 0.0)
            floor, _ = measure(browser, server, server.url + "/questions", runs, charts=False)
            print(row("question list (no chart: the floor)", floor))
            browser.close()
        finally:
            server.stop()
    print(f"\nWorst chart page: {worst_wire / 1e6:.3f} MB (target ≤ {WIRE_TARGET / 1e6} MB: "
          f"{'PASS' if worst_wire <= WIRE_TARGET else 'FAIL'}), first chart drawn at "
          f"{worst_drawn:.0f} ms (target ≤ {DRAWN_TARGET:.0f} ms: "
          f"{'PASS' if worst_drawn <= DRAWN_TARGET else 'FAIL'}).")


if __name__ == "__main__":
    main()
