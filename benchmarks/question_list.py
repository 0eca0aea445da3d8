"""Benchmark of the question list (forecasts/questions/listing.py) at 1,000,000 forecasts.

Run: .venv/bin/python benchmarks/question_list.py [--forecasts N] [--repeat R]

Fills a SQLite file built by the real migrations with benchmarks/dashboards.py's seeded data
(10,000 questions per million forecasts, 1,000 forecasters), then times one page of 25 for a
forecaster, per sort, on the first page and deep in the list, a search, and the API's keyset
page, each the median of R runs. The baseline, measured in the same run, is what the list did
before it paginated in SQL: load every question the viewer may see, compute each one's status
in Python, and read the tags, forecaster counts and the viewer's latest time for all of them.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlmodel import Session, col, select  # noqa: E402

from forecasts import schema  # noqa: E402
from forecasts.config import Settings  # noqa: E402
from forecasts.db import make_engine  # noqa: E402
from forecasts.models import Forecast, Question, User  # noqa: E402
from forecasts.names import text_key  # noqa: E402
from forecasts.questions.catalog import Status, status, tags_by_question  # noqa: E402
from forecasts.questions.crowd import crowd_member  # noqa: E402
from forecasts.questions.listing import ListQuery, Sort, list_questions  # noqa: E402


def _dashboards():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("dashboards_benchmark",
                                                  ROOT / "benchmarks" / "dashboards.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _search_keys(engine: sa.Engine) -> None:
    """The bulk fill writes rows directly: give them the key the listener would have."""
    with engine.begin() as connection:
        rows = connection.execute(sa.text(
            "SELECT id, title, resolution_criteria, description FROM question")).all()
        connection.execute(sa.text("UPDATE question SET search_key = :key WHERE id = :id"),
                           [{"id": r.id, "key": text_key(r.title, r.resolution_criteria,
                                                         r.description)} for r in rows])


def _median_ms(work: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--forecasts", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-list-"))
    url = f"sqlite:///{folder / 'bench.db'}"
    schema.upgrade(url)
    started = time.perf_counter()
    n_questions, n_forecasts = _dashboards().fill(url, 7, args.forecasts)
    engine = make_engine(Settings(database_url=url))
    _search_keys(engine)
    print(f"filled {n_questions:,} questions, {n_forecasts:,} forecasts in "
          f"{time.perf_counter() - started:.0f} s (SQLite, {folder})")
    with Session(engine) as session:
        viewer = session.exec(select(User).where(col(User.id) == 2)).one()
        now = session.exec(select(sa.func.max(Question.closes_at))).one()
        now = now.replace(tzinfo=UTC) if now.tzinfo is None else now
        now = min(now, datetime(2026, 1, 1, tzinfo=UTC))

        def baseline() -> object:
            """The list before: every question, status in Python, statistics for all of them."""
            shown = [q for q in session.exec(select(Question).where(
                col(Question.published_at).is_not(None))) if status(q, now) is Status.resolved]
            ids = [q.id for q in shown]
            tags_by_question(session, ids)
            in_ids = col(Forecast.question_id).in_(ids)
            session.exec(select(Forecast.question_id,
                                sa.func.count(sa.func.distinct(Forecast.forecaster_id)))
                         .join(User, col(User.id) == Forecast.forecaster_id)
                         .where(in_ids, crowd_member()).group_by(Forecast.question_id)).all()
            session.exec(select(Forecast.question_id, sa.func.max(Forecast.created_at))
                         .where(in_ids, Forecast.forecaster_id == viewer.id)
                         .group_by(Forecast.question_id)).all()
            return shown

        def page(**query: object) -> Callable[[], object]:
            return lambda: list_questions(session, viewer=viewer, now=now,
                                          query=ListQuery(**query))  # type: ignore[arg-type]

        base = _median_ms(baseline, args.repeat)
        print(f"baseline: every question and its statistics, filtered in Python: {base:8.1f} ms")
        resolved = frozenset({Status.resolved})
        cases = {
            f"{sort.value:>12}, page 1": page(statuses=resolved, sort=sort) for sort in Sort}
        cases["      closes, page 200"] = page(statuses=resolved, offset=199 * 25)
        cases["  search 'question 77'"] = page(statuses=resolved, words=("question", "77"))
        last = list_questions(session, viewer=viewer, now=now,
                              query=ListQuery(statuses=resolved)).rows[-1].question
        cases["   API keyset, page 2"] = page(statuses=resolved,
                                               after=(last.closes_at, last.id))
        for name, work in cases.items():
            took = _median_ms(work, args.repeat)
            print(f"{name}: {took:8.1f} ms  ({took / base:5.2f} × baseline)")
    engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
