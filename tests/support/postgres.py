"""A throwaway PostgreSQL cluster for the test session, started with initdb and pg_ctl."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
from pathlib import Path


def find_bindir() -> Path | None:
    """The directory holding initdb and pg_ctl, newest version first."""
    on_path = shutil.which("initdb")
    if on_path:
        return Path(os.path.realpath(on_path)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    return Path(candidates[0]).parent if candidates else None


def free_port() -> int:
    """A TCP port nobody is listening on now, so parallel test runs never share a cluster port.

    The cluster listens only on its own socket directory, but the port still names the socket
    file and PostgreSQL's lock file, so two runs with one fixed port could refuse each other.
    """
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Cluster:
    """initdb refuses to run as root, so as root every command runs as the postgres user."""

    def __init__(self, bindir: Path, root: Path) -> None:
        self.bindir = bindir
        self.root = root
        self.data = root / "data"
        self.socket_dir = root / "socket"
        self.log = root / "postgres.log"
        self.port = free_port()
        self.options = ""  # the server options of the last start, reused by restart
        root.mkdir(parents=True, exist_ok=True)
        self.socket_dir.mkdir(exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(root, "postgres")
            shutil.chown(self.socket_dir, "postgres")

    def _run(self, *args: str) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)

    def start(self, durable: bool = False) -> str:
        """Create and start the cluster; return its SQLAlchemy URL.

        Tests trade durability for speed; ``durable`` keeps PostgreSQL's defaults (benchmarks
        that count lost writes across a restart want them).
        """
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "--encoding=UTF8", "--no-locale", "--no-sync")
        options = (f"-p {self.port} -k {self.socket_dir} -c listen_addresses='' "
                   "-c max_connections=200")
        if not durable:
            options += " -c fsync=off -c full_page_writes=off -c synchronous_commit=off"
        self.options = options
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w",
                  "start")
        return self.url("postgres")

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@/{database}?host={self.socket_dir}&port={self.port}"

    def restart(self) -> None:
        """pg_ctl restart -m fast: every connection is cut; returns once it accepts again."""
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", self.options,
                  "-m", "fast", "-w", "restart")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop")
