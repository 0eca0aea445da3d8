"""Benchmark of the score store and the score pages at 1,000,000 forecasts, SQLite or PostgreSQL.

Run: .venv/bin/python benchmarks/dashboards.py [--engine sqlite|postgresql] [--forecasts N]

Fills a database built by the real migrations with benchmarks/scoring.py's seeded data (10,000
questions per million forecasts, ~5 % annulled, 1,000 forecasters in 10 teams), then prints each
figure of issue 10's table beside a baseline measured in the same run:

- `forecasts scores rebuild` (wall time, CPU time and peak RSS of a fresh process): the old
  per-change cost (every score recomputed), and the baseline of the resolution row;
- resolving one question with 1,000 forecasts, scores stored, against the rebuild;
- the first leaderboard and calibration pages in fresh processes (their first request), and
  the next leaderboard after a resolution, against computing the leaderboard from raw forecasts;
- a question page with 20,000 forecasts (time, bytes), as a worker that has shown it before
  serves it, its first view in a worker (after a quiet question's page, which compiles the
  page's template), and its exact (?crowd_table=all) form.

Every row gives wall time and the CPU time of the process doing the work: the machine is shared,
so wall time carries the other jobs' load (printed at the start and end); CPU time does not.
PostgreSQL runs in a throwaway cluster on a free port (tests/support/postgres.py).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from werkzeug.security import generate_password_hash  # noqa: E402

from benchmarks.signed_in import signed_in_client  # noqa: E402
from forecasts import schema  # noqa: E402
from forecasts.config import Settings  # noqa: E402
from forecasts.db import make_engine  # noqa: E402
from forecasts.names import name_key  # noqa: E402

N_TEAMS, N_TAGS, PASSWORD = 10, 20, "bench-pass-1"
BUSY_FORECASTERS, BUSY_UPDATES = 1_000, 20  # the 20,000-forecast question
FRESH_PAGES = [
    ("leaderboard", "/leaderboard"),
    ("calibration, crowd", "/dashboards/calibration?of=crowd"),
    ("calibration, forecaster", "/dashboards/calibration?of=forecaster&id=2"),
    ("calibration, horizon", "/dashboards/calibration?of=horizon&id=medium"),
]


def _generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("scoring_benchmark",
                                                  ROOT / "benchmarks" / "scoring.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.generate


def fill(url: str, seed: int, n_forecasts: int) -> tuple[int, int]:
    """Users, teams, tags, questions (resolved with trail entries) and forecasts, in bulk."""
    forecasts, questions = _generator()(seed, n_forecasts, n_forecasts // 100)
    n_forecasters = int(forecasts["forecaster_id"].max())
    created = pd.Timestamp("2021-12-01", tz="UTC").to_pydatetime()
    digest = generate_password_hash(PASSWORD)
    resolved = questions["resolved_at"].fillna(questions["closes_at"])
    outcome = questions["outcome"].map({1.0: "yes", 0.0: "no"}).fillna("annulled")
    engine = make_engine(Settings(database_url=url))
    tables = sa.MetaData()
    tables.reflect(engine)
    with engine.begin() as connection:
        insert = lambda name, rows: connection.execute(sa.insert(tables.tables[name]), rows)  # noqa: E731
        insert("team", [{"id": t, "name": f"Desk {t}", "key": name_key(f"Desk {t}"),
                         "created_at": created}
                        for t in range(1, N_TEAMS + 1)])
        insert("user", [{"id": 1, "username": "manager", "display_name": "Bench Manager",
                         "password_hash": digest, "role": "manager", "team_id": None,
                         "active": True, "kind": "person", "created_at": created}]
               + [{"id": i + 1, "username": f"f{i}", "display_name": f"Forecaster {i:04d}",
                   "password_hash": "!", "role": "forecaster", "team_id": i % N_TEAMS + 1,
                   "active": True, "kind": "person", "created_at": created}
                  for i in range(1, n_forecasters + 1)])
        insert("tag", [{"id": t, "name": f"Region {t}", "key": name_key(f"Region {t}")}
                       for t in range(1, N_TAGS + 1)])
        early = resolved < questions["closes_at"]
        insert("question", [{
            "id": int(q), "title": f"Benchmark question {q}", "description": "",
            "resolution_criteria": "Criteria.", "opens_at": o, "closes_at": c,
            "resolve_by": c + timedelta(days=14), "source_name": "", "source_url": "",
            "source_quote": "", "created_by_id": 1, "created_at": o, "published_at": o,
            "closed_early_at": r if e else None, "outcome": out, "resolved_at": r,
            "condition_negated": False,
        } for q, o, c, r, e, out in zip(
            questions["question_id"], questions["opens_at"].dt.to_pydatetime(),
            questions["closes_at"].dt.to_pydatetime(), resolved.dt.to_pydatetime(), early,
            outcome, strict=True)])
        rng = np.random.default_rng(seed + 1)
        tags = rng.integers(1, N_TAGS + 1, (len(questions), 2))
        insert("question_tag", [{"question_id": int(q), "tag_id": int(t)} for q, t in sorted(
            {(q, t) for q, row in zip(questions["question_id"], tags, strict=True) for t in row})])
        insert("resolution_event", [{"question_id": int(q), "actor_id": 1, "at": r,
                                     "action": "resolve", "to_outcome": out, "note": ""}
                                    for q, r, out in zip(questions["question_id"],
                                                         resolved.dt.to_pydatetime(), outcome,
                                                         strict=True)])
    _forecasts(engine, forecasts.assign(forecaster_id=forecasts["forecaster_id"] + 1))
    if engine.dialect.name == "postgresql":  # ids were given, so move the sequences past them
        with engine.begin() as connection:
            for name in ("team", "user", "tag", "question", "resolution_event"):
                connection.execute(sa.text(
                    f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
                    f"(SELECT max(id) FROM \"{name}\"))"))
    engine.dispose()
    return len(questions), len(forecasts)


def _forecasts(engine: sa.Engine, forecasts: pd.DataFrame) -> None:
    """Bulk-load forecasts: COPY on PostgreSQL, executemany on SQLite."""
    rows = zip(forecasts["question_id"].astype(int).tolist(),
               forecasts["forecaster_id"].astype(int).tolist(),
               forecasts["probability"].astype(float).tolist(),
               forecasts["created_at"].dt.to_pydatetime().tolist(), strict=True)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "postgresql":
            with cursor.copy("COPY forecast (question_id, forecaster_id, probability, rationale, "  # type: ignore[attr-defined]
                             "created_at) FROM STDIN") as copy:
                for q, f, p, at in rows:
                    copy.write_row((q, f, p, "", at))
        else:
            cursor.executemany(
                "INSERT INTO forecast (question_id, forecaster_id, probability, rationale, "
                "created_at) VALUES (?, ?, ?, '', ?)",
                ((q, f, p, at.strftime("%Y-%m-%d %H:%M:%S.%f")) for q, f, p, at in rows))
        raw.commit()
    finally:
        raw.close()


def run_child(*args: str) -> dict[str, float]:
    """Run this script's --child mode in a fresh interpreter; its JSON answer and peak RSS."""
    done = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True,
                          text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def peak_rss_mb() -> float:
    """This process's own peak RSS (VmHWM), in MB.

    Not getrusage's ru_maxrss: on Linux a child's ru_maxrss starts from its parent's peak
    (execve records the forked address space's high-water mark), so it would report the
    benchmark's 5M-forecast fill, not the rebuild.
    """
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux


def child(mode: str, url: str, folder: str, page: str) -> None:
    """Fresh-process measurements: a rebuild, or one page's first request (wall and CPU)."""
    if mode == "rebuild":
        from forecasts.scoring import store

        engine = make_engine(Settings(database_url=url))
        started, cpu = time.perf_counter(), time.process_time()
        with engine.begin() as connection:
            rows = store.rebuild(connection)
        print(json.dumps({"seconds": time.perf_counter() - started,
                          "cpu": time.process_time() - cpu, "rows": rows,
                          "rss_mb": peak_rss_mb()}))
        return
    _, client = signed_in_client(url, folder, "manager", PASSWORD)
    started, cpu = time.perf_counter(), time.process_time()
    response = client.get(page)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert response.status_code == 200, (page, response.status_code)
    print(json.dumps({"seconds": elapsed, "cpu": cpu, "bytes": len(response.get_data())}))


def _timed(work):  # type: ignore[no-untyped-def]
    """(wall seconds, result); the CPU seconds of the last call are in _timed.cpu."""
    started, cpu = time.perf_counter(), time.process_time()
    result = work()
    _timed.cpu = time.process_time() - cpu  # type: ignore[attr-defined]
    return time.perf_counter() - started, result


def row(name: str, wall: float, cpu: float, target: str, note: str = "") -> None:
    """One line of the table: wall time, this process's CPU time, the target, a note."""
    print(f"{name:46} {wall * 1000:9.0f} ms wall {cpu * 1000:8.0f} ms CPU   {target:18} {note}")


def measure(url: str, folder: str, n_forecasts: int) -> None:
    """Every figure of issue 10's table, for one database."""
    from sqlmodel import Session

    from forecasts import resolution
    from forecasts.models import Forecast, User
    from forecasts.scoring import snapshots, store
    from forecasts.scoring.book import book_from_rows, book_leaderboard
    from forecasts.scoring.leaderboard import leaderboard
    from tests.support.builders import make_question

    print(f"load average at start: {os.getloadavg()[0]:.1f} (2 cores, shared)")
    rebuilt = run_child("rebuild", url, folder, "")
    row("forecasts scores rebuild", rebuilt["seconds"], rebuilt["cpu"], "<= 60 s, <= 600 MB",
        f"{rebuilt['rss_mb']:.0f} MB peak RSS, {int(rebuilt['rows']):,} rows")
    engine = make_engine(Settings(database_url=url))
    with engine.connect() as connection:
        raw_s, (forecasts, questions) = _timed(lambda: store.scoring_frames(connection))
        raw_cpu = _timed.cpu  # type: ignore[attr-defined]
        board_s, _ = _timed(lambda: leaderboard(forecasts, questions))
        rows = store.read_rows(connection)
    baseline = raw_s + board_s
    row("baseline: leaderboard from raw forecasts", baseline,
        raw_cpu + _timed.cpu, "(old path)",  # type: ignore[attr-defined]
        f"load {raw_s:.1f} s + engine {board_s:.1f} s")
    book = book_from_rows(rows)
    stored_s, _ = _timed(lambda: book_leaderboard(book, with_crowd=False))
    row("engine's leaderboard over the stored rows", stored_s, _timed.cpu, "<= 300 ms",  # type: ignore[attr-defined]
        f"{baseline / stored_s:.0f}x faster than baseline")
    for name, page in FRESH_PAGES:
        first = run_child("page", url, folder, page)
        row(f"first {name} (fresh process)", first["seconds"], first["cpu"], "<= 300 ms",
            f"{baseline / first['seconds']:.0f}x faster than baseline; "
            f"{first['bytes'] / 1000:.0f} KB")
    # the instance folder now holds the compiled templates (Jinja's bytecode cache), as after
    # any worker of a deployment has served a page: what every later fresh worker pays
    warm = run_child("page", url, folder, "/leaderboard")
    row("  a later fresh worker (templates compiled)", warm["seconds"], warm["cpu"],
        "<= 300 ms", "bytecode cache in the instance folder")
    with Session(make_engine(Settings(database_url=url))) as session:
        snap_s, _ = _timed(lambda: snapshots.scores_now(session))
    row("nightly snapshot's ranking (scores_now)", snap_s, _timed.cpu, "(a job)",  # type: ignore[attr-defined]
        "reads every stored row; ranks in pandas")
    _, client = signed_in_client(url, folder, "manager", PASSWORD)
    client.get("/leaderboard")
    with Session(make_engine(Settings(database_url=url))) as session:
        manager = session.get(User, 1)
        busy = make_question(session, manager, title="Will the busy question resolve YES?")  # type: ignore[arg-type]
        lot = make_question(session, manager, title="Will the 1,000-forecast question resolve?")  # type: ignore[arg-type]
        people = [session.get(User, i) for i in range(2, 2 + BUSY_FORECASTERS)]
        rng = np.random.default_rng(7)
        for question, per in ((busy, BUSY_UPDATES), (lot, 1)):
            start = question.opens_at
            for step in range(per):
                for n, person in enumerate(people):
                    session.add(Forecast(
                        question_id=question.id, forecaster_id=person.id,  # type: ignore[union-attr]
                        probability=float(rng.uniform(0.05, 0.95)),
                        created_at=start + timedelta(minutes=step * len(people) + n)))
        session.commit()
        def resolve_and_commit() -> None:  # the resolution's unit of work, as a request's
            resolution.resolve(session, lot, outcome="yes", actor=manager,  # type: ignore[arg-type]
                               now=lot.opens_at + timedelta(days=3))
            session.commit()

        resolve_s, _ = _timed(resolve_and_commit)
        row("resolve a 1,000-forecast question + store", resolve_s, _timed.cpu, "<= 100 ms",  # type: ignore[attr-defined]
            f"{rebuilt['seconds'] / resolve_s:.0f}x faster than a rebuild")
        busy_id = busy.id
    next_s, _ = _timed(lambda: client.get("/leaderboard"))
    row("next leaderboard after a resolution", next_s, _timed.cpu, "<= 300 ms",  # type: ignore[attr-defined]
        f"{baseline / next_s:.0f}x faster than baseline")
    # a quiet question's page first, as any worker serves one before long: it compiles the
    # question page's template, so the busy page's first view below is its crowd history's
    quiet_s, _ = _timed(lambda: client.get("/questions/1"))
    quiet_cpu = _timed.cpu  # type: ignore[attr-defined]
    cold_s, _ = _timed(lambda: client.get(f"/questions/{busy_id}"))
    cold_cpu = _timed.cpu  # type: ignore[attr-defined]
    page_s, page = _timed(lambda: client.get(f"/questions/{busy_id}"))
    row("question page, 20,000 forecasts", page_s, _timed.cpu, "<= 100 ms, <= 200 KB",  # type: ignore[attr-defined]
        f"{len(page.get_data()) / 1000:.0f} KB; history kept by this worker")
    row("  its first view in this worker", cold_s, cold_cpu, "<= 100 ms",
        "the crowd at up to 500 of its instants, once")
    row("  (before it: a quiet question's page)", quiet_s, quiet_cpu, "",
        "compiles the question page's template")
    exact_s, exact = _timed(lambda: client.get(f"/questions/{busy_id}?crowd_table=all"))
    row("  its exact form (?crowd_table=all)", exact_s, _timed.cpu, "(on demand)",  # type: ignore[attr-defined]
        f"{len(exact.get_data()) / 1000:.0f} KB")
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--forecasts", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--growth-only", action="store_true",
                        help="only fill, rebuild and time the leaderboard (for 5M and 20M)")
    parser.add_argument("--child", nargs=4, metavar=("MODE", "URL", "FOLDER", "PAGE"))
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return 0
    with tempfile.TemporaryDirectory(prefix="scores-bench-") as folder:
        cluster = None
        if args.engine == "postgresql":
            from tests.support.postgres import Cluster, find_bindir

            cluster = Cluster(find_bindir(), Path(tempfile.mkdtemp(prefix="scores-bench-pg-")))  # type: ignore[arg-type]
            url = cluster.start()
        else:
            url = f"sqlite:///{Path(folder) / 'bench.db'}"
        try:
            schema.upgrade(url)
            filled_s, (n_questions, n_forecasts) = _timed(
                lambda: fill(url, args.seed, args.forecasts))
            print(f"{args.engine}: {n_questions:,} questions, {n_forecasts:,} forecasts "
                  f"inserted in {filled_s:.0f} s; 2 cores shared with other work\n")
            if args.growth_only:
                rebuilt = run_child("rebuild", url, folder, "")
                first = run_child("page", url, folder, "/leaderboard")
                print(f"load average {os.getloadavg()[0]:.1f}; rebuild {rebuilt['seconds']:.1f} s "
                      f"wall, {rebuilt['cpu']:.1f} s CPU, {rebuilt['rss_mb']:.0f} MB peak RSS; "
                      f"first leaderboard {first['seconds'] * 1000:.0f} ms wall, "
                      f"{first['cpu'] * 1000:.0f} ms CPU")
            else:
                measure(url, folder, n_forecasts)
        finally:
            if cluster is not None:
                cluster.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
