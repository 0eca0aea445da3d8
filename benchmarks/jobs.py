"""Benchmark of the resolution-check job: 10,000 due questions with sources on a local server.

Run: .venv/bin/python benchmarks/jobs.py [--questions N] [--workers W] [--database-url URL]

A keep-alive HTTP/1.1 server runs in a child process on 127.0.0.1 (all traffic stays local);
half the sources answer a value that holds (a YES proposal each), half one that does not. The
database is a fresh migrated SQLite file unless --database-url names an empty migrated one.
Wall time is time.perf_counter around one `check_due` call. Memory is the process's resident
set size, sampled every 100 ms while the job runs: flat means the peak stays near the start.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlmodel import Session, func, select

from forecasts import schema
from forecasts.config import Settings
from forecasts.db import make_engine
from forecasts.models import Question, Role, User
from forecasts.resolution.checks import SourceCheck, check_due
from forecasts.resolution.fetching import Fetcher
from forecasts.resolution.proposals import Proposal
from forecasts.resolution.sources import Comparison, ResolutionSource, SourceKind

TARGET_SECONDS = 60


class Answer(BaseHTTPRequestHandler):
    """/s/<n>: {"status": "ended"} for even n, "ongoing" for odd n."""

    protocol_version = "HTTP/1.1"  # keep-alive, so the pooled client reuses connections
    # Headers and body go out in separate writes; with Nagle's algorithm on, each answer would
    # wait ~40 ms for the client's delayed ACK, which no production web server does.
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        number = int(self.path.rsplit("/", 1)[-1])
        body = json.dumps({"status": "ended" if number % 2 == 0 else "ongoing"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def serve(ready: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    """Run the answering server (in a child process), reporting its port on ``ready``."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    server.daemon_threads = True
    ready.put(server.server_address[1])
    server.serve_forever()


def rss_mb() -> float:
    """Resident set size of this process, in MB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def seed(engine, count: int, port: int, now: datetime) -> None:  # type: ignore[no-untyped-def]
    """One manager, ``count`` open questions, each with a due http_json source."""
    with Session(engine) as session:
        manager = User(username="bench", display_name="Bench", password_hash="x",
                       role=Role.manager, created_at=now)
        session.add(manager)
        session.commit()
        questions = [
            Question(title=f"Benchmark question {n}", resolution_criteria="Per the source.",
                     opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=30),
                     resolve_by=now + timedelta(days=40), created_by_id=manager.id,
                     created_at=now, published_at=now)
            for n in range(count)
        ]
        session.add_all(questions)
        session.commit()
        ids = session.exec(select(Question.id).order_by(Question.id)).all()  # type: ignore[arg-type]
        session.add_all(
            ResolutionSource(question_id=question_id, kind=SourceKind.http_json,
                             url=f"http://127.0.0.1:{port}/s/{n}", pointer="/status",
                             comparison=Comparison.equal, value="ended",
                             created_by_id=manager.id, created_at=now, next_check_at=now)  # type: ignore[arg-type]
            for n, question_id in enumerate(ids)
        )
        session.commit()


def main() -> None:
    """Seed, run one check job, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="bench-jobs-")
    url = args.database_url or f"sqlite:///{workdir}/bench.db"
    if not args.database_url:
        schema.upgrade(url)
    engine = make_engine(Settings(database_url=url))
    ready: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    server = multiprocessing.Process(target=serve, args=(ready,), daemon=True)
    server.start()
    port = ready.get(timeout=30)
    now = datetime.now(UTC)
    seed(engine, args.questions, port, now)

    samples: list[float] = []
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.1):
            samples.append(rss_mb())

    fetcher = Fetcher()
    before = rss_mb()
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    with Session(engine) as session:
        counts = check_due(session, now=now, fetcher=fetcher, workers=args.workers)
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    fetcher.close()
    after = rss_mb()
    server.terminate()
    server.join()

    with Session(engine) as session:
        checks = session.exec(select(func.count()).select_from(SourceCheck)).one()
        proposals = session.exec(select(func.count()).select_from(Proposal)).one()
    engine.dispose()
    tenth = samples[len(samples) // 10] if samples else before
    print(f"database                {engine.dialect.name}")
    print(f"due questions           {args.questions:,}")
    print(f"worker threads          {args.workers}")
    print(f"outcome counts          {counts}")
    print(f"checks recorded         {checks:,}   proposals {proposals:,}")
    print(f"wall time               {elapsed:.1f} s   (target < {TARGET_SECONDS} s)")
    print(f"throughput              {args.questions / elapsed:,.0f} checks/s")
    print(f"RSS before / at 10 % / peak / after   {before:.0f} / {tenth:.0f} / "
          f"{max(samples, default=after):.0f} / {after:.0f} MB")
    print("PASS" if elapsed < TARGET_SECONDS else "FAIL")


if __name__ == "__main__":
    main()
