"""Benchmark of the review page of a long briefing: its "Other sentences" a page at a time.

Run: .venv/bin/python benchmarks/briefing_review_page.py [--sentences N]

A synthetic briefing of N short statements of fact (40,000 by default, about 1.3 MB, under the
2 MB bound) with one judgment is imported into a fresh, migrated SQLite file; the review page
is fetched through the app as a signed-in manager. Baseline, same run: the same page with every
other sentence on it (what the page did before it was paginated). Figures: response bytes and
the best of 3 wall-clock times.
"""

from __future__ import annotations

import argparse
import functools
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlmodel import Session
from werkzeug.security import generate_password_hash

from benchmarks.signed_in import signed_in_client
from forecasts import briefings, schema
from forecasts.briefings import review
from forecasts.config import Settings
from forecasts.db import make_engine
from forecasts.models import Role, User

PASSWORD = "bench-pass-1"


def _briefing(sentences: int) -> str:
    facts = [f"Berth {n % 97} logged {n % 53} ships on day {n}." for n in range(sentences)]
    facts[sentences // 2] = "The dock strike is likely to spread to the ferry terminal."
    paragraphs = [" ".join(facts[i: i + 10]) for i in range(0, sentences, 10)]
    return "Port Log\n\n" + "\n\n".join(paragraphs) + "\n"


def _best(client, path: str) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    best, size = float("inf"), 0
    for _ in range(3):
        started = time.perf_counter()
        response = client.get(path)
        best = min(best, time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
        size = len(response.get_data())
    return best, size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sentences", type=int, default=40_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        schema.upgrade(url)
        engine = make_engine(Settings(database_url=url))
        now = datetime(2026, 11, 30, 9, tzinfo=UTC)
        with Session(engine) as session:
            manager = User(username="manager", display_name="Bench Manager", role=Role.manager,
                           password_hash=generate_password_hash(PASSWORD), created_at=now)
            session.add(manager)
            session.flush()
            text = _briefing(args.sentences)
            briefing = briefings.import_briefing(session, text, published=date(2026, 11, 27),
                                                 importer=manager, now=now)
            session.commit()
            path = f"/briefings/{briefing.id}"
        _, client = signed_in_client(url, folder, "manager", PASSWORD)
        paged, paged_size = _best(client, path)
        last, last_size = _best(client, f"{path}?sentences="
                                f"{review.context_pages(list(range(args.sentences - 1)))}")
        # Baseline: every other sentence on one page, as before.
        import web.briefings as view
        view.context_page = functools.partial(review.context_page, size=10**9)  # type: ignore[assignment]
        view.context_pages = functools.partial(review.context_pages, size=10**9)  # type: ignore[assignment]
        whole, whole_size = _best(client, path)
    print(f"briefing: {args.sentences:,} sentences, {len(text):,} characters; SQLite; best of 3")
    print(f"baseline, every other sentence on one page: {whole_size / 1e6:6.2f} MB {whole:6.2f} s")
    print(f"paginated, first page:                      {paged_size / 1e6:6.2f} MB {paged:6.2f} s"
          f"   ({paged_size / whole_size:.2f}x the bytes)")
    print(f"paginated, last page:                       {last_size / 1e6:6.2f} MB {last:6.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
