"""Benchmark of importing a 100,000-forecast CSV (this product's forecasts export) on SQLite.

Run: .venv/bin/python benchmarks/import_forecasts.py [--forecasts N] [--database-url URL]

Seeds 1,000 open questions and 200 forecasters into a fresh, migrated SQLite file (or the given
database), writes a CSV of N forecasts with the export's columns, then times
``forecasts.exports.importing.import_file`` (read, check every row, store in one transaction).
The baseline, measured in the same run, is reading the same file with the csv module alone.
Target: 100,000 forecasts in ≤ 30 s on SQLite.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, insert
from sqlmodel import Session, select

from forecasts import schema
from forecasts.config import Settings
from forecasts.db import make_engine
from forecasts.exports.cells import csv_text
from forecasts.exports.datasets import FORECAST_COLUMNS, iso
from forecasts.exports.importing import import_file, read_rows
from forecasts.models import Forecast, Question, Role, User

T0 = datetime(2026, 1, 5, tzinfo=UTC)


def seed(session: Session, questions: int, forecasters: int) -> tuple[User, list[str], list[str]]:
    """A manager, ``forecasters`` people and ``questions`` open questions; their names."""
    manager = User(username="bench-manager", display_name="Manager", password_hash="-",
                   role=Role.manager, created_at=T0)
    session.add(manager)
    session.flush()
    session.execute(insert(User), [
        {"username": f"forecaster{i}", "display_name": f"Forecaster {i}", "password_hash": "-",
         "role": Role.forecaster, "created_at": T0, "active": True, "kind": "person"}
        for i in range(forecasters)])
    session.execute(insert(Question), [
        {"title": f"Benchmark question {i}?", "resolution_criteria": "By the benchmark.",
         "description": "", "opens_at": T0, "closes_at": T0 + timedelta(days=365),
         "resolve_by": T0 + timedelta(days=370), "source_name": "", "source_url": "",
         "source_quote": "", "created_by_id": manager.id, "created_at": T0, "published_at": T0,
         "condition_negated": False} for i in range(questions)])
    session.commit()
    return (manager, [f"Benchmark question {i}?" for i in range(questions)],
            [f"forecaster{i}" for i in range(forecasters)])


def forecasts_csv(titles: list[str], people: list[str], count: int, seed_value: int = 7) -> str:
    rng = random.Random(seed_value)
    rows = ({"id": i, "question_id": "", "question_title": rng.choice(titles),
             "forecaster": rng.choice(people),
             "created_at": iso(T0 + timedelta(minutes=rng.randint(0, 500_000))),
             "probability": rng.randint(1, 99) / 100, "rationale": "Seen in the port data."}
            for i in range(count))
    return csv_text(list(FORECAST_COLUMNS), rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--forecasts", type=int, default=100_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="import-bench-"))
    url = args.database_url or f"sqlite:///{folder / 'bench.db'}"
    schema.upgrade(url)
    engine = make_engine(Settings(database_url=url))
    with Session(engine) as session:
        manager, titles, people = seed(session, 1_000, 200)
        text = forecasts_csv(titles, people, args.forecasts)
        started = time.perf_counter()
        baseline_rows = len(read_rows(text))
        baseline = time.perf_counter() - started
        started = time.perf_counter()
        report = import_file(session, text, kind="forecasts", actor=manager)
        elapsed = time.perf_counter() - started
        stored = session.exec(select(func.count()).select_from(Forecast)).one()
    engine.dispose()
    print(f"engine: {url.split(':')[0]}; {args.forecasts:,} forecasts "
          f"({len(text) / 1e6:.1f} MB CSV) onto 1,000 questions by 200 forecasters")
    print(f"baseline (csv read only): {baseline:.2f} s for {baseline_rows:,} rows")
    print(f"import (read, check, store in one transaction): {elapsed:.2f} s "
          f"({report.forecasts / elapsed:,.0f} forecasts/s; {elapsed / baseline:.1f}× baseline)")
    print(f"stored: {stored:,}; target ≤ 30 s: {'met' if elapsed <= 30 else 'MISSED'}")


if __name__ == "__main__":
    main()
