"""Test apps whose requests follow the test's own unit of work.

Domain functions flush and leave the commit to their caller (a request, a job, a command).
What a test sets up through the domain, in its own session, stands for earlier requests, each
of which would have committed: so that session is committed before the app sees the next
request or command.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import Engine
from sqlmodel import Session

from forecasts.clock import Clock
from forecasts.config import Settings
from forecasts.scoring.history import CrowdHistories
from forecasts.scoring.reader import ScoreCache
from tests.support.templates import TEMPLATES
from web import create_app
from web.extensions import limiter


class UnitOfWorkClient(FlaskClient):
    """A test client that first commits the test's own session."""

    def open(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.application.extensions["test_session"].commit()
        return super().open(*args, **kwargs)


class UnitOfWorkRunner(FlaskCliRunner):
    """A CLI runner that first commits the test's own session."""

    def invoke(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.app.extensions["test_session"].commit()
        return super().invoke(*args, **kwargs)


def app_for_tests(settings: Settings, clock: Clock, session: Session,
                  engine: Engine | None = None) -> Flask:
    """The app for ``settings`` on ``clock``, committing ``session`` before each request.

    With ``engine`` (the test's shared engine for the same database, tests/support/databases.py)
    the app uses it, so SQL compiled once is kept across tests. Templates compile once per process.
    """
    app = create_app(settings, clock=clock)
    if engine is not None:
        app.extensions["engine"].dispose()  # built by the same make_engine; never connected
        app.extensions["engine"] = engine
    app.jinja_env.bytecode_cache = TEMPLATES
    app.extensions["test_session"] = session
    app.test_client_class = UnitOfWorkClient
    app.test_cli_runner_class = UnitOfWorkRunner
    return app


# One app per test process and settings (the instance folder aside), lent to one test at a time.
_apps: dict[str, tuple[Flask, dict[str, object]]] = {}


def _shape(app: Flask) -> tuple[int, ...]:
    """What a test could add to an app: routes, hooks, handlers, commands."""
    hooks = (app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs,
             app.url_value_preprocessors, app.url_default_functions,
             app.template_context_processors)
    # (looking a handler up fills in empty entries of the error handlers' defaultdicts)
    handlers = sum(len(by_class) for by_code in app.error_handler_spec.values()
                   for by_class in by_code.values())
    return (len(app.url_map._rules), len(app.view_functions), len(app.blueprints),
            len(app.teardown_appcontext_funcs), len(app.cli.commands), handlers,
            *(sum(len(v) for v in hook.values()) for hook in hooks))


@contextmanager
def lent_app(settings: Settings, clock: Clock, session: Session, engine: Engine,
             folder: Path) -> Iterator[Flask]:
    """``app_for_tests(settings, clock, session, engine)``, reusing this process's app.

    Building an app costs about 30 ms, most of it compiling the URL map's rules, for each of
    some thousand tests. Everything a request reads that a test can set or a request can leave
    behind is set afresh for each test, as a new app has it: the settings and config, the
    instance folder, the clock, the test's session, the per-process score and crowd caches, and
    the rate limiter's counts. A test may still add a route or a hook before its first request,
    as to a new app; an app a test changed that way is thrown away afterwards, not lent again.
    ``folder`` is where the app keeps its own instance files (tests get their own).
    """
    key = settings.model_dump_json(exclude={"instance_path"})
    if key not in _apps:
        app = app_for_tests(settings.with_overrides(instance_path=folder), clock, session, engine)
        _apps[key] = (app, dict(app.config))
    app, config = _apps[key]
    app.config.clear()
    app.config.update(config, SETTINGS=settings)
    app.instance_path = str(settings.instance_path)
    app.extensions.update(clock=clock, test_session=session, engine=engine,
                          scores=ScoreCache(), crowd_histories=CrowdHistories())
    limiter.reset()
    app._got_first_request = False  # as new: it takes routes and hooks until its first request
    shape = _shape(app)
    try:
        yield app
    finally:
        if _shape(app) != shape:
            del _apps[key]
