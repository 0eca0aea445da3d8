"""`python -m jobs` and `forecasts jobs run` refuse to start with a clear message, exit status 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support import databases
from tests.support.live import free_port

ROOT = Path(__file__).resolve().parents[2]


def test_bad_configuration_stops_the_scheduler_with_a_message(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "MAIL_PORT": "smtp"}
    result = subprocess.run([sys.executable, "-m", "jobs"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "MAIL_PORT must be a whole number" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unreachable_database_stops_the_scheduler_with_one_line(tmp_path):
    password = "pw-never-shown-7f3a"
    env = {**os.environ, "INSTANCE_PATH": str(tmp_path), "FORECASTS_ENV": "development",
           "DATABASE_URL": f"postgresql://desk:{password}@127.0.0.1:{free_port()}/forecasts"}
    result = subprocess.run([sys.executable, "-m", "jobs"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, result.stderr
    errors = [line for line in result.stderr.splitlines() if not line[:1].isdigit()]  # no logs
    assert len(errors) == 1 and errors[0].startswith(
        "Error: Cannot reach the database: connection failed"), result.stderr
    assert "Traceback" not in result.stderr and password not in result.stderr


def test_the_cli_refuses_to_run_on_an_old_schema(runner, engine):
    with databases.stamped(engine, None):
        result = runner.invoke(args=["jobs", "run"])
    assert result.exit_code == 2
    assert "forecasts db upgrade" in result.output


def test_the_scheduler_names_a_database_migrated_by_newer_code(runner, engine):
    with databases.stamped(engine, "0123456789ab"):
        result = runner.invoke(args=["jobs", "run"])
    assert result.exit_code == 2
    assert "revision 0123456789ab, which this code does not know" in result.output
    assert "db upgrade" not in result.output  # not the repair for a newer database
