"""Benchmark of the resolution-check job: 10,000 due questions with sources on a local server.

Run: .venv/bin/python benchmarks/jobs.py [--questions N] [--slow S] [--workers W]
     [--database-url URL]

An HTTP/1.1 server runs in a child process on 127.0.0.1 (all traffic stays local, reached
through SOURCE_ALLOWED_NETWORKS=127.0.0.0/8 and the guarded outbound client); half the sources
answer a value that holds (a YES proposal each), half one that does not, and ``--slow`` of them
(default 1) are slow-drip sources that send their 55-byte answer one byte every 3 s (165 s in
all), which the 20 s total deadline per fetch cuts off. Two runs on fresh databases: a baseline
without the slow sources, then the same with them; the ratio shows what the drip costs. Each
database is a fresh migrated SQLite file unless --database-url names an empty migrated one
(then only the run with slow sources is made). Wall time is time.perf_counter around one
`poll_due` call. Memory is the process's resident set size, sampled every 100 ms while the
job runs: flat means the peak stays near the start.
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
from forecasts.models import (
    Proposal,
    Question,
    ResolutionSource,
    Role,
    SourceCheck,
    SourceKind,
    User,
)
from forecasts.outbound import parse_networks
from forecasts.resolution.checks import poll_due
from forecasts.resolution.fetching import Fetcher
from forecasts.resolution.sources import Comparison

TARGET_SECONDS = 60
DRIP_SECONDS = 3.0
DRIP = b'HTTP/1.1 200 OK\r\nContent-Length: 18\r\n\r\n{"status":"ended"}'  # 55 bytes


class Answer(BaseHTTPRequestHandler):
    """/s/<n>: {"status": "ended"} for even n, "ongoing" for odd n."""

    protocol_version = "HTTP/1.1"  # keep-alive, so the pooled client reuses connections
    # Headers and body go out in separate writes; with Nagle's algorithm on, each answer would
    # wait ~40 ms for the client's delayed ACK, which no production web server does.
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        if self.path.startswith("/drip"):
            self._drip()
            return
        number = int(self.path.rsplit("/", 1)[-1])
        body = json.dumps({"status": "ended" if number % 2 == 0 else "ongoing"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _drip(self) -> None:
        """One byte every DRIP_SECONDS: every read succeeds in time, the whole never does."""
        self.close_connection = True
        for byte in DRIP:
            try:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
            except OSError:  # the client gave up
                return
            time.sleep(DRIP_SECONDS)

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


def seed(engine, count: int, slow: int, port: int, now: datetime) -> None:  # type: ignore[no-untyped-def]
    """One manager, ``count`` open questions, each with a due http_json source; ``slow`` of
    them, spread evenly, drip."""
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
        dripping = {count * (k + 1) // (slow + 1) for k in range(slow)}
        session.add_all(
            ResolutionSource(question_id=question_id, kind=SourceKind.http_json,
                             url=f"http://127.0.0.1:{port}/{'drip' if n in dripping else 's'}/{n}",
                             pointer="/status",
                             comparison=Comparison.equal, value="ended",
                             created_by_id=manager.id, created_at=now, next_check_at=now)  # type: ignore[arg-type]
            for n, question_id in enumerate(ids)
        )
        session.commit()


def run(url: str, *, questions: int, slow: int, workers: int, port: int) -> dict[str, object]:
    """Seed one database, run one check job over it, and measure it."""
    engine = make_engine(Settings(database_url=url))
    now = datetime.now(UTC)
    seed(engine, questions, slow, port, now)
    samples: list[float] = []
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.1):
            samples.append(rss_mb())

    fetcher = Fetcher(allowed=parse_networks("127.0.0.0/8"))
    before = rss_mb()
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    with Session(engine) as session:
        counts = poll_due(session, now=now, clock=lambda: datetime.now(UTC), fetcher=fetcher,
                           workers=workers)
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    after = rss_mb()
    with Session(engine) as session:
        checks = session.exec(select(func.count()).select_from(SourceCheck)).one()
        proposals = session.exec(select(func.count()).select_from(Proposal)).one()
        timed_out = session.exec(select(func.count()).select_from(SourceCheck).where(
            SourceCheck.error.contains("No complete answer"))).one()  # type: ignore[attr-defined]
    name = engine.dialect.name
    engine.dispose()
    return {"database": name, "counts": counts, "checks": checks, "proposals": proposals,
            "timed_out": timed_out, "elapsed": elapsed, "before": before, "after": after,
            "tenth": samples[len(samples) // 10] if samples else before,
            "peak": max(samples, default=after)}


def report(title: str, figures: dict[str, object], questions: int, slow: int) -> None:
    """Print one run's figures."""
    elapsed = float(figures["elapsed"])  # type: ignore[arg-type]
    print(f"-- {title}: {questions:,} due sources, {slow} of them slow-drip")
    print(f"   outcome counts        {figures['counts']}")
    print(f"   checks recorded       {figures['checks']:,}   proposals {figures['proposals']:,}"
          f"   cut at the deadline {figures['timed_out']}")
    print(f"   wall time             {elapsed:.1f} s   ({questions / elapsed:,.0f} checks/s)")
    print(f"   RSS before / at 10 % / peak / after   {figures['before']:.0f} / "
          f"{figures['tenth']:.0f} / {figures['peak']:.0f} / {figures['after']:.0f} MB")


def main() -> None:
    """Seed, run the baseline and the slow-drip check jobs, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--slow", type=int, default=1)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    ready: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    server = multiprocessing.Process(target=serve, args=(ready,), daemon=True)
    server.start()
    port = ready.get(timeout=30)
    runs: list[tuple[str, int]] = [("with slow-drip sources", args.slow)]
    if not args.database_url:
        runs.insert(0, ("baseline", 0))
    results = []
    for title, slow in runs:
        url = args.database_url
        if not url:
            url = f"sqlite:///{tempfile.mkdtemp(prefix='bench-jobs-')}/bench.db"
            schema.upgrade(url)
        figures = run(url, questions=args.questions, slow=slow, workers=args.workers, port=port)
        report(title, figures, args.questions, slow)
        results.append(figures)
    server.terminate()
    server.join()

    slowed = results[-1]
    elapsed = float(slowed["elapsed"])  # type: ignore[arg-type]
    print(f"database                {slowed['database']}, {args.workers} worker threads")
    if len(results) == 2:
        ratio = elapsed / float(results[0]["elapsed"])  # type: ignore[arg-type]
        print(f"slow-drip run / baseline   {ratio:.2f}x wall time")
    flat = float(slowed["peak"]) - float(slowed["tenth"])  # type: ignore[arg-type]
    print(f"memory growth after 10 %   {flat:+.0f} MB")
    print("PASS" if elapsed < TARGET_SECONDS else "FAIL",
          f"(slow-drip run {elapsed:.1f} s, target < {TARGET_SECONDS} s)")


if __name__ == "__main__":
    main()
