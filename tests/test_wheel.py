"""The built wheel is a whole service: installed away from the checkout, it migrates its own
database and loads the sample, with its templates, data files and migration scripts inside it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run([str(part) for part in command], cwd=cwd, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_an_installed_wheel_migrates_and_loads_the_sample(tmp_path: Path) -> None:
    # Built from a copy: setuptools leaves build/ and *.egg-info beside the sources it builds.
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, symlinks=True, ignore=shutil.ignore_patterns(
        ".git", ".venv", "instance", "test-artifacts", "build", "*.egg-info", "__pycache__"))
    # Built by the setuptools of this environment (the test extra pins the build backend's): an
    # isolated build would install it again from the index, 2 s of every run.
    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
        "-w", tmp_path / "dist", source, cwd=tmp_path)
    wheel = next((tmp_path / "dist").glob("forecast_tracker-*.whl"))
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    # The dependencies are this environment's (installing them again would only test PyPI); the
    # link adds its site-packages as a plain path, so its editable checkout is not on it.
    target = Path(sysconfig.get_path("purelib", vars={"base": str(venv),
                                                      "platbase": str(venv)}))
    (target / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    run(sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install", "--quiet",
        "--no-deps", wheel, cwd=tmp_path)

    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {key: value for key, value in os.environ.items()
           if key not in {"PYTHONPATH", "DATABASE_URL", "INSTANCE_PATH"}}
    env["DATABASE_URL"] = f"sqlite:///{work / 'service.db'}"
    env["SECRET_KEY"] = "wheel-test-secret"  # outside development the app refuses to start without
    where = run(venv / "bin" / "python", "-c", "import forecasts; print(forecasts.__file__)",
                cwd=work, env=env)
    assert str(ROOT) not in where, "the test must import the installed wheel, not the checkout"
    run(venv / "bin" / "forecasts", "db", "upgrade", cwd=work, env=env)
    sample = run(venv / "bin" / "forecasts", "sample", "load", cwd=work, env=env)
    assert "manager" in sample.lower()
