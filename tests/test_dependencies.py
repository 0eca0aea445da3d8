"""Dependencies: pyproject.toml declares every package the code imports, and the lock files pin
each one inside its range, so a fresh machine installing from them (make run, make test, CI)
has everything the code needs."""

from __future__ import annotations

import ast
import functools
import importlib.metadata
import sys
import tomllib
from collections.abc import Mapping
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
HINT = "change pyproject.toml, then run `make lock` (README: Dependencies, lock files and types)"


def pins(name: str) -> dict[str, Version]:
    """name → pinned version of one lock file (lines `package==version  # via ...`)."""
    pinned = {}
    for line in (ROOT / name).read_text().splitlines():
        requirement = line.split("#", 1)[0].strip()
        if requirement:
            package, version = requirement.split("==")
            pinned[canonicalize_name(package)] = Version(version.strip())
    return pinned


def declared(extra: str | None = None) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    listed = project["optional-dependencies"][extra] if extra else project["dependencies"]
    return [Requirement(text) for text in listed]


def unpinned(requirements: list[Requirement], pinned: dict[str, Version]) -> list[str]:
    return [f"{r} (locked: {pinned.get(canonicalize_name(r.name), 'missing')})"
            for r in requirements
            if canonicalize_name(r.name) not in pinned
            or not r.specifier.contains(pinned[canonicalize_name(r.name)], prereleases=True)]


def test_the_test_lock_pins_every_run_and_test_dependency_in_range() -> None:
    missing = unpinned(declared() + declared("test"), pins("requirements-test.lock"))
    assert not missing, f"requirements-test.lock is stale: {missing}; {HINT}"


def test_the_run_lock_pins_the_run_dependencies_at_the_test_locks_versions() -> None:
    run, test = pins("requirements.lock"), pins("requirements-test.lock")
    assert not unpinned(declared(), run), f"requirements.lock is stale; {HINT}"
    differ = {name: (version, test.get(name)) for name, version in run.items()
              if test.get(name) != version}
    assert not differ, f"the two locks disagree: {differ}; {HINT}"


LOCAL = {"forecasts", "web", "jobs", "tests", "benchmarks", "wsgi", "migrations", "conftest"}


def imported(*folders: str) -> set[str]:
    """Top-level names of the third-party modules imported anywhere under ``folders``."""
    names: set[str] = set()
    for folder in folders:
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Import):
                    names.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    names.add(node.module.split(".")[0])
    return {name for name in names
            if name not in sys.stdlib_module_names and name not in LOCAL
            and not name.startswith("_")}


@functools.cache
def _providers() -> Mapping[str, list[str]]:
    """module → the installed distributions that provide it (reads every RECORD: once)."""
    return importlib.metadata.packages_distributions()


def undeclared(modules: set[str], requirements: list[Requirement]) -> list[str]:
    """The modules that no declared distribution provides."""
    declared_names = {canonicalize_name(r.name) for r in requirements}
    providers = _providers()
    return sorted(module for module in modules
                  if not {canonicalize_name(d) for d in providers.get(module, [])} & declared_names)


def test_the_service_imports_only_run_dependencies() -> None:
    missing = undeclared(imported("forecasts", "web", "jobs"), declared())
    assert not missing, f"imported but not in [project] dependencies: {missing}; {HINT}"


def test_tests_and_benchmarks_import_only_declared_dependencies() -> None:
    missing = undeclared(imported("tests", "benchmarks"), declared() + declared("test"))
    assert not missing, f"imported but not declared (run or test extra): {missing}; {HINT}"
