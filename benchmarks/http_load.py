"""Load and faults: the real service under gunicorn on SQLite and PostgreSQL, 32 clients.

Run: .venv/bin/python benchmarks/http_load.py [--engine sqlite|postgresql|both]
     [--duration 60] [--clients 32] [--workers 4] [--questions 10000] [--forecasters 200]
     [--no-faults] [--health-seconds 10] [--list-share 0.1] [--env NAME=VALUE ...]

For each engine: a fresh database (a throwaway PostgreSQL cluster with durable settings on a
free port), migrated and seeded with bulk INSERTs; gunicorn with gunicorn.conf.py on a free port
of 127.0.0.1. Each client signs in once through the real form, then:
1. `/healthz` alone for --health-seconds from every client: the ceiling of the stack;
2. --duration seconds of mixed load (70 % page views, 25 % forecast submissions, 5 %
   leaderboard), each client sending its next request when the last one is answered;
   with faults, a gunicorn worker gets SIGKILL at 30 % of the run and (PostgreSQL)
   `pg_ctl restart -m fast` runs at 60 %.
It prints per route: requests, throughput, p50/p95/p99 latency, 5xx and unanswered requests;
then forecasts acknowledged (a redirect to the question, sent only after the commit), **lost**
(acknowledged, yet missing from the database, found by each one's unique rationale marker)
and **duplicated** (a marker stored twice). Each fault has a time window, from the action until
the service is whole again (worker replaced, PostgreSQL accepting); a 5xx or unanswered
request counts against the fault only if it was in flight during that window, otherwise it is
"unexplained". The run fails (exit 1) on any lost, duplicated or unexplained request, or
a fault the service did not recover from by itself. --env passes settings to the service,
e.g. to raise sign-in rate limits.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.load_clients import FORECAST, HEALTH, MIX, Client, Sample, mix, run_clients
from benchmarks.load_service import PASSWORD, Database, Service, forecasts_by_marker, seed


@dataclass(frozen=True)
class RouteStats:
    """Latency in milliseconds; throughput in requests per second over the phase."""

    route: str
    requests: int
    per_second: float
    p50: float
    p95: float
    p99: float
    server_errors: int
    unanswered: int


@dataclass
class Fault:
    """A fault's window (seconds from the start of the mixed load) and what it cost."""

    name: str
    start: float
    end: float
    answers_5xx: bool  # a worker killed mid-request gives no answer; a dead database, 500
    failed_in_flight: int = 0
    recovered_after: float | None = None  # seconds from the window's end to the next success


@dataclass
class EngineResult:
    engine: str
    health: RouteStats
    routes: list[RouteStats]
    acknowledged: int
    lost: int
    duplicated: int
    stored_unacknowledged: int
    faults: list[Fault] = field(default_factory=list)
    unexplained: list[str] = field(default_factory=list)
    errors_logged: int = 0
    log_excerpt: list[str] = field(default_factory=list)

    @property
    def server_errors(self) -> int:
        return sum(route.server_errors for route in self.routes)

    @property
    def ok(self) -> bool:
        recovered = all(fault.recovered_after is not None for fault in self.faults)
        return not (self.lost or self.duplicated or self.unexplained) and recovered


def stats(route: str, samples: list[Sample], seconds: float) -> RouteStats:
    answered = [s.end - s.start for s in samples if s.status]
    p50, p95, p99 = (np.percentile(answered, [50, 95, 99]) * 1000 if answered
                     else (float("nan"),) * 3)
    return RouteStats(route, len(samples), len(samples) / seconds, float(p50), float(p95),
                      float(p99), sum(s.status >= 500 for s in samples),
                      sum(s.status == 0 for s in samples))


def failed(sample: Sample) -> bool:
    return sample.status == 0 or sample.status >= 500


def classify(samples: list[Sample], faults: list[Fault], origin: float) -> list[str]:
    """Count each failure against the fault it overlapped; return the unexplained ones."""
    unexplained = []
    for sample in filter(failed, samples):
        start, end = sample.start - origin, sample.end - origin
        fault = next((f for f in faults if start <= f.end and end >= f.start
                      and (f.answers_5xx or sample.status == 0)), None)
        if fault is None:
            unexplained.append(f"{sample.route} at {start:.2f}–{end:.2f} s: "
                               f"{sample.status or sample.error}")
        else:
            fault.failed_in_flight += 1
    for fault in faults:
        after = [s.end - origin for s in samples
                 if s.start - origin >= fault.end and not failed(s)]
        fault.recovered_after = min(after) - fault.end if after else None
    return unexplained


async def _faults(service: Service, database: Database, duration: float,
                  origin: float) -> list[Fault]:
    """SIGKILL a worker at 30 % of the run; restart PostgreSQL at 60 %."""
    plan = [(0.3, "kill -9 of a gunicorn worker", service.kill_worker, False)]
    if database.cluster is not None:
        plan.append((0.6, "pg_ctl restart -m fast", _timed_restart(database), True))
    done = []
    for share, name, act, answers_5xx in plan:
        await asyncio.sleep(max(0.0, origin + share * duration - time.monotonic()))
        start = time.monotonic()
        end = await asyncio.to_thread(act)
        done.append(Fault(name, start - origin, end - origin, answers_5xx))
    return done


def _timed_restart(database: Database):  # type: ignore[no-untyped-def]
    def restart() -> float:
        database.restart()
        return time.monotonic()

    return restart


async def _load(clients: list[Client], service: Service, database: Database, *,
                duration: float, health_seconds: float, faults: bool
                ) -> tuple[float, float, list[Fault]]:
    await run_clients(clients, Client.sign_in)
    for client in clients:
        client.samples.clear()  # sign-in is set-up, not load
    if health_seconds > 0:
        until = time.monotonic() + health_seconds
        await run_clients(clients, lambda c: c.health(until))
    origin = time.monotonic()
    until = origin + duration
    chaos = asyncio.create_task(_faults(service, database, duration, origin)) if faults else None
    await run_clients(clients, lambda c: c.work(until))
    windows = await chaos if chaos is not None else []
    for client in clients:
        await client.close()
    return origin, time.monotonic() - origin, windows


def run_engine(engine: str, *, duration: float = 60, clients: int = 32, workers: int = 4,
               questions: int = 10_000, forecasters: int = 200, faults: bool = True,
               health_seconds: float = 10, env: dict[str, str] | None = None,
               list_share: float = 0.10) -> EngineResult:
    """Seed, serve, load, break, check; everything is thrown away afterwards."""
    database = Database.create(engine)
    service = Service(database, workers, env or {})
    try:
        seeded = seed(database.url, questions=questions, forecasters=forecasters)
        service.start()
        prefix = f"bench-{uuid.uuid4().hex[:8]}-"
        users = [Client(service.url, n, seeded.usernames[n % forecasters], PASSWORD,
                        seeded.forecaster_ids[n % forecasters], seeded.open_question_ids,
                        prefix, mix(list_share)) for n in range(clients)]
        load = _load(users, service, database, duration=duration,
                     health_seconds=health_seconds, faults=faults)
        # in a thread of its own: the caller may be running an event loop already (a pytest
        # process that drives Chromium through Playwright's sync API does)
        with ThreadPoolExecutor(1) as pool:
            origin, seconds, windows = pool.submit(asyncio.run, load).result()
        samples = [s for client in users for s in client.samples]
        stored = forecasts_by_marker(database.url, prefix)
        result = _result(engine, samples, stored, origin, seconds, health_seconds, windows,
                         service.errors_logged())
        result.log_excerpt = service.log_errors()
        return result
    finally:
        service.stop()
        database.drop()


def _result(engine: str, samples: list[Sample], stored: dict[str, int], origin: float,
            seconds: float, health_seconds: float, faults: list[Fault],
            errors_logged: int) -> EngineResult:
    health = [s for s in samples if s.route == HEALTH]
    mixed = [s for s in samples if s.route != HEALTH]
    acknowledged = {s.marker for s in mixed if s.route == FORECAST and s.acknowledged}
    unexplained = classify(mixed, faults, origin)
    return EngineResult(
        engine=engine,
        health=stats(HEALTH, health, max(health_seconds, 1e-9)),
        routes=[stats(route, [s for s in mixed if s.route == route], seconds)
                for route, _ in MIX],
        acknowledged=len(acknowledged),
        lost=len(acknowledged - stored.keys()),
        duplicated=sum(count > 1 for count in stored.values()),
        stored_unacknowledged=len(stored.keys() - acknowledged),
        faults=faults, unexplained=unexplained, errors_logged=errors_logged,
    )


def report(result: EngineResult) -> str:
    """The figures as a Markdown table and lines, as benchmarks/README.md quotes them."""
    lines = [f"### {result.engine}", "",
             "| route | requests | req/s | p50 ms | p95 ms | p99 ms | 5xx | unanswered |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for row in [*result.routes, result.health]:
        lines.append(f"| {row.route}{' (ceiling, alone)' if row.route == HEALTH else ''} "
                     f"| {row.requests} | {row.per_second:.1f} | {row.p50:.0f} | {row.p95:.0f} "
                     f"| {row.p99:.0f} | {row.server_errors} | {row.unanswered} |")
    lines += ["", f"forecasts acknowledged {result.acknowledged}, **lost {result.lost}**, "
                  f"**duplicated {result.duplicated}**, stored but unacknowledged (answer lost "
                  f"in a fault) {result.stored_unacknowledged}; unexpected errors logged "
                  f"{result.errors_logged}"]
    for fault in result.faults:
        recovered = (f"next success {fault.recovered_after:.2f} s after"
                     if fault.recovered_after is not None else "NOT RECOVERED")
        lines.append(f"- fault `{fault.name}` at {fault.start:.1f} s, service whole again "
                     f"after {fault.end - fault.start:.2f} s; {fault.failed_in_flight} requests "
                     f"in flight failed; {recovered}")
    lines.append(f"- unexplained failures: {len(result.unexplained)}")
    lines += [f"  - {line}" for line in result.unexplained[:20]]
    if result.log_excerpt:
        lines += ["- errors in gunicorn's log:", *(f"  - `{line}`" for line in result.log_excerpt)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--forecasters", type=int, default=200)
    parser.add_argument("--health-seconds", type=float, default=10)
    parser.add_argument("--no-faults", dest="faults", action="store_false")
    parser.add_argument("--list-share", type=float, default=0.10,
                        help="share of requests for the question list (the rest of its 10 %% "
                             "goes to question pages)")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE")
    args = parser.parse_args(argv)
    env = dict(item.split("=", 1) for item in args.env)
    engines = ("sqlite", "postgresql") if args.engine == "both" else (args.engine,)
    results = []
    for engine in engines:
        result = run_engine(engine, duration=args.duration, clients=args.clients,
                            workers=args.workers, questions=args.questions,
                            forecasters=args.forecasters, faults=args.faults,
                            health_seconds=args.health_seconds, env=env,
                            list_share=args.list_share)
        print(report(result), "\n", flush=True)
        results.append(result)
    return 0 if all(result.ok for result in results) else 1


if __name__ == "__main__":
    sys.exit(main())
