"""Benchmark of the dashboard pages with 1,000,000 forecasts in a real SQLite file.

Run: .venv/bin/python benchmarks/dashboards.py [--seed N] [--requests 20]

Builds a temporary SQLite database through the real migrations and fills it with bulk
executemany inserts: 10,000 questions (benchmarks/scoring.py's seeded generator: ~5 % annulled,
~30 % resolved early), 1,000 forecasters in 10 teams, about four forecasts per (question,
forecaster) run. Then, through the Flask test client signed in as a manager, it times each page's
first request (the baseline: it loads the forecasts and computes the scores and the page's
numbers) and the median of further requests, which must answer from the cache in under 300 ms.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from werkzeug.security import generate_password_hash  # noqa: E402

from forecasts import schema  # noqa: E402
from forecasts.config import Settings  # noqa: E402
from forecasts.names import name_key  # noqa: E402
from web import create_app  # noqa: E402

TARGET_MS = 300.0
N_TEAMS, N_TAGS = 10, 20
PASSWORD = "bench-pass-1"
DAY = pd.Timedelta(days=1)


def _generator():  # type: ignore[no-untyped-def]
    """benchmarks/scoring.py's seeded generator (one data set for both benchmarks)."""
    spec = importlib.util.spec_from_file_location("scoring_benchmark",
                                                  ROOT / "benchmarks" / "scoring.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.generate


def _stamp(values: pd.Series) -> list[str]:
    # how SQLAlchemy stores a UTC datetime in SQLite (naive, microseconds)
    return list(values.dt.tz_convert("UTC").dt.strftime("%Y-%m-%d %H:%M:%S.%f"))


def fill(path: Path, seed: int) -> tuple[int, int]:
    """Bulk-insert users, teams, tags, questions, forecasts, resolutions; counts inserted."""
    forecasts, questions = _generator()(seed)
    rng = np.random.default_rng(seed + 1)
    n_forecasters = int(forecasts["forecaster_id"].max())
    created = "2021-12-01 00:00:00.000000"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA synchronous = OFF")
        db.executemany("INSERT INTO team (id, name, key, created_at) VALUES (?, ?, ?, ?)",
                       [(t, f"Desk {t}", name_key(f"Desk {t}"), created)
                        for t in range(1, N_TEAMS + 1)])
        digest = generate_password_hash(PASSWORD)
        users = [(1, "manager", "Bench Manager", digest, "manager", None, 1, created)]
        users += [(i + 1, f"f{i}", f"Forecaster {i:04d}", "!", "forecaster",
                   i % N_TEAMS + 1, 1, created) for i in range(1, n_forecasters + 1)]
        db.executemany("INSERT INTO user (id, username, display_name, password_hash, role, "
                       "team_id, active, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", users)
        db.executemany("INSERT INTO tag (id, name, key) VALUES (?, ?, ?)",
                       [(t, f"Region {t}", name_key(f"Region {t}")) for t in range(1, N_TAGS + 1)])
        _questions(db, questions)
        tags = rng.integers(1, N_TAGS + 1, (len(questions), 2))
        pairs = {(int(q), int(t)) for q, row in zip(questions["question_id"], tags, strict=True)
                 for t in row}
        db.executemany("INSERT INTO question_tag (question_id, tag_id) VALUES (?, ?)",
                       sorted(pairs))
        rows = zip(forecasts["question_id"].astype(int).tolist(),
                   (forecasts["forecaster_id"] + 1).astype(int).tolist(),
                   forecasts["probability"].astype(float).tolist(), _stamp(forecasts["created_at"]),
                   strict=True)
        db.executemany("INSERT INTO forecast (question_id, forecaster_id, probability, rationale, "
                       "created_at) VALUES (?, ?, ?, '', ?)", rows)
    return len(questions), len(forecasts)


def _questions(db: sqlite3.Connection, questions: pd.DataFrame) -> None:
    resolved = questions["resolved_at"].where(questions["resolved_at"].notna(),
                                              questions["closes_at"])
    outcome = questions["outcome"].map({1.0: "yes", 0.0: "no"}).fillna("annulled")
    early = resolved < questions["closes_at"]
    opens, closes = _stamp(questions["opens_at"]), _stamp(questions["closes_at"])
    resolve_by = _stamp(questions["closes_at"] + 14 * DAY)
    at = _stamp(resolved)
    db.executemany(
        "INSERT INTO question (id, title, description, resolution_criteria, opens_at, closes_at, "
        "resolve_by, source_name, source_url, source_quote, created_by_id, created_at, "
        "published_at, closed_early_at, outcome, resolved_at) "
        "VALUES (?, ?, '', 'Criteria.', ?, ?, ?, '', '', '', 1, ?, ?, ?, ?, ?)",
        [(int(q), f"Benchmark question {q}", opens[i], closes[i], resolve_by[i], opens[i],
          opens[i], at[i] if early.iloc[i] else None, outcome.iloc[i], at[i])
         for i, q in enumerate(questions["question_id"])],
    )
    db.executemany(
        "INSERT INTO resolution_event (question_id, actor_id, at, action, to_outcome, note) "
        "VALUES (?, 1, ?, 'resolve', ?, '')",
        [(int(q), at[i], outcome.iloc[i]) for i, q in enumerate(questions["question_id"])],
    )


def signed_in_client(app):  # type: ignore[no-untyped-def]
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    token = token or re.search(r'value="([^"]+)"[^>]*name="csrf_token"', page)
    response = client.post("/login", data={"username": "manager", "password": PASSWORD,
                                           "csrf_token": token.group(1)})  # type: ignore[union-attr]
    assert response.status_code == 302, "benchmark sign-in failed"
    return client


def timed(client, url: str) -> float:  # type: ignore[no-untyped-def]
    """Milliseconds for one GET, which must succeed."""
    start = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dashboards-bench-") as folder:
        path = Path(folder) / "bench.db"
        url = f"sqlite:///{path}"
        schema.upgrade(url)
        start = time.perf_counter()
        n_questions, n_forecasts = fill(path, args.seed)
        print(f"Inserted {n_questions:,} questions and {n_forecasts:,} forecasts "
              f"in {time.perf_counter() - start:.1f} s ({path.stat().st_size / 1e6:.0f} MB)")
        app = create_app(Settings(database_url=url, instance_path=Path(folder),
                                  secret_key="bench", testing=True))
        client = signed_in_client(app)
        pages = [
            ("calibration, crowd", "/dashboards/calibration?of=crowd"),
            ("calibration, forecaster", "/dashboards/calibration?of=forecaster&id=2"),
            ("calibration, team quantile", "/dashboards/calibration?of=team&id=3"
                                           "&strategy=quantile"),
            ("calibration, horizon", "/dashboards/calibration?of=horizon&id=medium"),
            ("leaderboard", "/leaderboard"),
            ("leaderboard, tag + period", "/leaderboard?tag=Region+4&from=2022-06-01"
                                          "&to=2023-12-31"),
            ("scores over time, team", "/dashboards/scores-over-time?of=team&id=3"),
        ]
        print(f"\n{'page':30} {'first (ms)':>11} {'median (ms)':>12} {'max (ms)':>9} "
              f"{'first/median':>13}  target")
        failures = 0
        for name, page in pages:
            first = timed(client, page)
            again = [timed(client, page) for _ in range(args.requests)]
            median = statistics.median(again)
            ok = median < TARGET_MS
            failures += not ok
            print(f"{name:30} {first:11.0f} {median:12.1f} {max(again):9.1f} "
                  f"{first / median:12.0f}x  {'< 300 ms' if ok else 'MISSED 300 ms'}")
        cache = app.extensions["scores"]
        print(f"\nScore book computed {cache.computations} time(s) for "
              f"{len(pages) * (args.requests + 1)} requests. The first request of the first page "
              "includes loading the forecasts and computing the score book; later first requests "
              "compute only that page's numbers.")
        app.extensions["engine"].dispose()
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
