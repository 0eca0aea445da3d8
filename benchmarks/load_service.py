"""The service under load: a seeded database on SQLite or PostgreSQL, gunicorn, and its faults.

Used by benchmarks/http_load.py. The database is migrated with the real Alembic scripts and
seeded with bulk INSERTs (10,000 questions take about a second); gunicorn is started with the
repository's gunicorn.conf.py, as in production. Faults: SIGKILL of one gunicorn worker, and
``pg_ctl restart -m fast`` of the PostgreSQL cluster.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import func, insert, select, text
from sqlmodel import col
from werkzeug.security import generate_password_hash

from forecasts import schema
from forecasts.config import Settings
from forecasts.db import make_engine
from forecasts.models import Action, Forecast, Outcome, Question, ResolutionEvent, Role, User
from tests.support.postgres import Cluster, find_bindir, free_port

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PASSWORD = "bench-password-9"  # every seeded forecaster's; sign-in is through the real form
RESOLVED_SHARE = 0.1  # questions already resolved, so the leaderboard has work to do
FORECASTS_PER_RESOLVED = 10


@dataclass
class Seed:
    """What the clients need to know about the seeded rows."""

    usernames: list[str]
    forecaster_ids: list[int]
    open_question_ids: list[int]


@dataclass
class Database:
    """A migrated, empty database on one engine, and how to throw it away."""

    engine_name: str
    url: str
    root: Path
    cluster: Cluster | None = None

    @classmethod
    def create(cls, engine_name: str) -> Database:
        """A fresh SQLite file, or a throwaway PostgreSQL cluster with durable settings."""
        root = Path(tempfile.mkdtemp(prefix=f"http-load-{engine_name}-"))
        if engine_name == "sqlite":
            database = cls(engine_name, f"sqlite:///{root / 'forecasts.db'}", root)
        else:
            bindir = find_bindir()
            if bindir is None:
                raise SystemExit("PostgreSQL server binaries (initdb, pg_ctl) not found")
            # its own temp folder: mkdtemp's are private to us, and postgres runs as its own
            # user when we are root
            cluster = Cluster(bindir, Path(tempfile.mkdtemp(prefix="http-load-pg-")))
            database = cls(engine_name, cluster.start(durable=True), root, cluster)
        schema.upgrade(database.url)
        return database

    def restart(self) -> None:
        """The PostgreSQL fault: a fast restart, cutting every open connection."""
        assert self.cluster is not None, "only PostgreSQL can be restarted"
        self.cluster.restart()

    def drop(self) -> None:
        if self.cluster is not None:
            self.cluster.stop()
            shutil.rmtree(self.cluster.root, ignore_errors=True)
        shutil.rmtree(self.root, ignore_errors=True)


def seed(url: str, *, questions: int, forecasters: int, seed_value: int = 9) -> Seed:
    """Bulk-insert forecasters, a manager, open and resolved questions, forecasts and trails."""
    rng = random.Random(seed_value)
    now = datetime.now(UTC).replace(microsecond=0)
    engine = make_engine(Settings(database_url=url))
    password_hash = generate_password_hash(PASSWORD)  # one hash: hashing is slow by design
    usernames = [f"bench{n:03d}" for n in range(forecasters)]
    people: list[dict[str, object]] = [
        {"username": name, "display_name": f"Bench Forecaster {n}", "password_hash": password_hash,
         "role": Role.forecaster, "created_at": now} for n, name in enumerate(usernames)]
    people.append({"username": "bench-manager", "display_name": "Bench Manager",
                   "password_hash": password_hash, "role": Role.manager, "created_at": now})
    resolved = int(questions * RESOLVED_SHARE)
    with engine.begin() as connection:
        connection.execute(insert(User), people)
        ids: dict[str, int] = {name: int(user_id) for name, user_id in connection.execute(
            select(col(User.username), col(User.id))).all()}
        manager = ids["bench-manager"]
        rows = [_question(n, n < resolved, manager, now, rng) for n in range(questions)]
        connection.execute(insert(Question), rows)
        question_ids = [(int(q), outcome) for q, outcome in connection.execute(
            select(col(Question.id), col(Question.outcome))).all()]
        forecaster_ids = [ids[name] for name in usernames]
        closed = [q for q, outcome in question_ids if outcome is not None]
        connection.execute(insert(Forecast), [
            {"question_id": q, "forecaster_id": who, "probability": round(rng.uniform(.02, .98), 2),
             "rationale": "seeded", "created_at": now - timedelta(days=300)}
            for q in closed
            for who in rng.sample(forecaster_ids, min(FORECASTS_PER_RESOLVED, forecasters))])
        connection.execute(insert(ResolutionEvent), [
            {"question_id": q, "actor_id": manager, "at": now - timedelta(days=190),
             "action": Action.resolve, "to_outcome": outcome, "note": "seeded"}
            for q, outcome in question_ids if outcome is not None])
    engine.dispose()
    return Seed(usernames, forecaster_ids,
                [q for q, outcome in question_ids if outcome is None])


def _question(n: int, resolved: bool, author: int, now: datetime,
              rng: random.Random) -> dict[str, object]:
    opens = now - timedelta(days=400 if resolved else 30)
    closes = now - timedelta(days=200) if resolved else now + timedelta(days=rng.randint(30, 300))
    return {
        "title": f"Will benchmark event {n} happen before its close?",
        "description": "", "resolution_criteria": f"YES if event {n} is reported.",
        "opens_at": opens, "closes_at": closes, "resolve_by": closes + timedelta(days=10),
        "source_name": "", "source_url": "", "source_quote": "", "created_by_id": author,
        "created_at": opens, "published_at": opens,
        "outcome": rng.choice((Outcome.yes, Outcome.no)) if resolved else None,
        "resolved_at": now - timedelta(days=190) if resolved else None,
    }


def forecasts_by_marker(url: str, prefix: str) -> dict[str, int]:
    """How many stored forecasts carry each rationale that starts with ``prefix``."""
    engine = make_engine(Settings(database_url=url))
    with engine.connect() as connection:
        rows = connection.execute(
            select(col(Forecast.rationale), func.count())
            .where(col(Forecast.rationale).startswith(prefix))
            .group_by(col(Forecast.rationale))).all()
    engine.dispose()
    return {rationale: count for rationale, count in rows}


@dataclass
class Service:
    """gunicorn serving the app on a free port of 127.0.0.1, configured by the environment."""

    database: Database
    workers: int
    extra_env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = {**os.environ, "DATABASE_URL": self.database.url, "PORT": str(self.port),
               "HOST": "127.0.0.1", "INSTANCE_PATH": str(self.database.root / "instance"),
               "WEB_CONCURRENCY": str(self.workers), "SECRET_KEY": os.urandom(24).hex(),
               **self.extra_env}
        with (self.database.root / "gunicorn.log").open("wb") as log:
            self.process = subprocess.Popen(
                [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--access-logfile",
                 str(self.database.root / "access.log"), "wsgi:app"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self._wait_until_ready()

    def _wait_until_ready(self, limit: float = 60.0) -> None:
        # Bounded wait for start-up; every worker must answer before the load begins.
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited:\n{self.log_tail()}")
            try:
                if httpx.get(f"{self.url}/login", timeout=5).status_code == 200 \
                        and len(self.worker_pids()) == self.workers:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise SystemExit(f"gunicorn did not start:\n{self.log_tail()}")

    def worker_pids(self) -> list[int]:
        """The master's children: gunicorn's workers."""
        assert self.process is not None
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def kill_worker(self) -> float:
        """SIGKILL one worker; returns once the master has a full set of workers again."""
        victim = self.worker_pids()[0]
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            pids = self.worker_pids()
            if victim not in pids and len(pids) == self.workers:
                return time.monotonic()
            time.sleep(0.02)
        raise RuntimeError("gunicorn did not replace the killed worker within 30 s")

    def log_tail(self, lines: int = 40) -> str:
        path = self.database.root / "gunicorn.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def errors_logged(self) -> int:
        """Unexpected errors the app logged (web/errors.py logs each one once)."""
        return (self.database.root / "gunicorn.log").read_text(errors="replace").count(
            "Unhandled error on")

    def log_errors(self, limit: int = 12) -> list[str]:
        """The log's error lines (gunicorn's [ERROR]s, the app's own and exception lines)."""
        lines = (self.database.root / "gunicorn.log").read_text(errors="replace").splitlines()
        wanted = [line.strip() for line in lines
                  if "[ERROR]" in line or "Unhandled error" in line or "[CRITICAL]" in line
                  or (line[:1].isalpha() and ("Error:" in line or "Exception:" in line))]
        return wanted[:limit]

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


def ping(url: str) -> None:
    """Fail early when the database cannot be reached."""
    engine = make_engine(Settings(database_url=url))
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    engine.dispose()
