"""A real gunicorn serving the app, set up through the real CLI: on a temporary SQLite file, or
on a database the caller gives (the PostgreSQL test database, say)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    def __init__(self, instance: Path, workers: int = 2, database_url: str | None = None) -> None:
        self.port = free_port()
        self.database_url = database_url or f"sqlite:///{instance / 'forecasts.db'}"
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = instance / "gunicorn.log"
        self.env = {**os.environ, "INSTANCE_PATH": str(instance), "PORT": str(self.port),
                    "WEB_CONCURRENCY": str(workers), "SECRET_KEY": "live-test-secret"}
        self.env["DATABASE_URL"] = self.database_url
        self.process: subprocess.Popen[bytes] | None = None

    def cli(self, *args: str) -> str:
        """Run the `forecasts` command against this server's database."""
        done = subprocess.run([str(BIN / "forecasts"), *args], env=self.env, cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def start(self, migrate: bool = True) -> None:
        """Serve; first `forecasts db upgrade` through the CLI, unless the database is migrated."""
        if migrate:
            self.cli("db", "upgrade")
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            self._wait_until_healthy()
        except BaseException:
            self.stop()
            raise

    def _wait_until_healthy(self, limit: float = 30.0) -> None:
        # Waiting for a server to come up, bounded; not a sleep standing in for logic.
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            assert self.process is not None and self.process.poll() is None, self.log.read_text()
            try:
                if requests.get(f"{self.url}/healthz", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise AssertionError(f"gunicorn did not become healthy:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)
