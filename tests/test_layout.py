"""The house's shape, checked: small modules, and each layer importing only what it may.

- No module in ``forecasts/``, ``web/`` or ``jobs/`` is over 400 lines.
- The domain (``forecasts/``) never imports Flask or the web app.
- Only ``jobs/`` imports APScheduler, so web workers never load the scheduler.
- Every table is registered by the one table registry, ``forecasts.models``.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest
from sqlmodel import SQLModel

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 400


def _modules(*packages: str) -> list[Path]:
    return sorted(p for package in packages for p in (ROOT / package).rglob("*.py")
                  if "migrations" not in p.parts)


@functools.cache  # each check below reads every module: parse each once
def _imports(path: Path) -> frozenset[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return frozenset(names)


def test_no_module_is_over_400_lines():
    long = {str(p.relative_to(ROOT)): n for p in _modules("forecasts", "web", "jobs")
            if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert long == {}


@pytest.mark.parametrize(
    "forbidden", ["flask", "flask_login", "flask_wtf", "web", "jobs", "apscheduler"])
def test_the_domain_never_imports_the_outer_layers(forbidden):
    offenders = [str(p.relative_to(ROOT)) for p in _modules("forecasts")
                 if any(name == forbidden or name.startswith(forbidden + ".")
                        for name in _imports(p))]
    assert offenders == []


def test_only_the_scheduler_process_imports_apscheduler():
    offenders = [str(p.relative_to(ROOT)) for p in _modules("web", "forecasts")
                 if any(name.startswith("apscheduler") for name in _imports(p))]
    assert offenders == []


# The unit-of-work rule: domain functions flush; the request, job or command commits. Only these
# batch steps commit inside, each item on its own (their docstrings say why).
COMMITTING_BATCH_STEPS = {
    "forecasts/db.py",  # unit_of_work itself
    "forecasts/notifications/mail.py",  # an email is claimed before it is sent
    "forecasts/notifications/webhooks.py",  # each delivery attempt is kept
    "forecasts/questions/discussion.py",  # each clarification email is recorded as sent
    "forecasts/resolution/checks.py",  # each source poll, in batches
    "forecasts/resolution/closing.py",  # each close, so a failure loses one close only
    "forecasts/scheduling/lease.py",  # the scheduler's lease
    "forecasts/scheduling/runs.py",  # the record of a job's run, whatever the job does
}


def _calls(path: Path, method: str) -> int:
    return sum(isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
               and node.func.attr == method
               for node in ast.walk(ast.parse(path.read_text(), str(path))))


def test_domain_functions_flush_and_leave_the_commit_to_their_caller():
    committing = {str(p.relative_to(ROOT)) for p in _modules("forecasts")
                  if _calls(p, "commit")}
    assert committing <= COMMITTING_BATCH_STEPS, committing - COMMITTING_BATCH_STEPS


def test_views_never_roll_back_by_hand():
    """web/database.py ends each request's transaction; prg.refuse is the refused form's path."""
    rolling = {str(p.relative_to(ROOT)) for p in _modules("web") if _calls(p, "rollback")}
    assert rolling <= {"web/database.py", "web/prg.py", "web/errors.py"}


def test_every_table_is_in_the_one_registry():
    """A table defined outside forecasts/models/ would be missed by whoever imports only it."""
    import forecasts.models  # noqa: F401  (the registry)

    outside = sorted(
        table.name for table in SQLModel.metadata.sorted_tables
        if not any(cls.__table__ is table and cls.__module__.startswith("forecasts.models.")
                   for cls in _table_classes())
    )
    assert outside == []


def _table_classes() -> list[type]:
    found, queue = [], list(SQLModel.__subclasses__())
    while queue:
        cls = queue.pop()
        queue.extend(cls.__subclasses__())
        if hasattr(cls, "__table__"):
            found.append(cls)
    return found
