"""Test apps whose requests follow the test's own unit of work.

Domain functions flush and leave the commit to their caller (a request, a job, a command).
What a test sets up through the domain, in its own session, stands for earlier requests, each
of which would have committed: so that session is committed before the app sees the next
request or command.
"""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import Engine
from sqlmodel import Session

from forecasts.clock import Clock
from forecasts.config import Settings
from tests.support.templates import TEMPLATES
from web import create_app


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
