"""The live site the browser tests share: one real gunicorn on a SQLite file holding the sample,
a published and resolved briefing and a nightly snapshot, seeded once per test process.

Under ``-n`` the browser tests all go to one test process (tests/conftest.py), which alone
starts Chromium and this site.

Starting gunicorn and loading the sample through the `forecasts` command cost about 8 s of CPU
per test; the tests that only read the site, or add rows of their own (a user, a question, a
forecast) under names no other test uses, share this one. A test that needs an empty database,
or runs the scheduler over it, takes a fresh ``live_server`` instead. `forecasts sample load`
and `forecasts users create` through the real entry point are tested on their own
(tests/test_wheel.py, tests/web/test_health_and_cli.py, tests/web/test_browser_discussion.py).

Its users sign in with a one-round PBKDF2 hash, as the builders' users do (tests/support/
builders.py): a real scrypt check costs about 0.4 s in the server. tests/web/test_auth.py and
the discussion test (on a fresh server, for its manager) keep real scrypt sign-ins.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import Session, select

from forecasts import briefings, resolution, sample
from forecasts.accounts import people as accounts
from forecasts.accounts import profile
from forecasts.config import Settings
from forecasts.db import make_engine, unit_of_work
from forecasts.models import Role, User
from forecasts.questions import forecasting
from forecasts.scoring import snapshots
from tests.support.builders import cheap_hashes
from tests.support.live import LiveServer

HARBOUR_DESK = Path(__file__).resolve().parents[1] / "fixtures" / "briefings" / "harbour-desk.txt"


@contextmanager
def live_session(server: LiveServer) -> Iterator[Session]:
    """A unit of work on the live server's own database (committed at the end); its engine is
    disposed afterwards, so no PostgreSQL connection is left for the garbage collector."""
    engine = make_engine(Settings(database_url=server.database_url))
    try:
        with unit_of_work(engine) as session:
            yield session
    finally:
        engine.dispose()


def add_user(server: LiveServer, username: str, password: str, role: Role = Role.forecaster,
             *, email: str | None = None, scrypt: bool = False) -> None:
    """A user of a live server, made through the domain as `forecasts users create` does (in
    this process: the command itself costs 2 s of CPU to start). ``scrypt`` keeps the product's
    own slow hash, for a test that signs in as production does."""
    with (nullcontext() if scrypt else cheap_hashes()), live_session(server) as session:
        user = accounts.create_user(session, username=username, password=password, role=role,
                                    now=datetime.now(UTC))
        if email is not None:
            profile.set_email(session, user, email)


def load_sample(server: LiveServer) -> None:
    """`forecasts sample load`, in this process (the sample's demo passwords still work)."""
    with cheap_hashes(), live_session(server) as session:
        assert sample.load(session, now=datetime.now(UTC))


def publish_and_resolve_a_briefing(server: LiveServer) -> None:
    """Publish the harbour-desk briefing's "unlikely" draft, forecast it, resolve it NO, and
    take a snapshot."""
    now = datetime.now(UTC)
    with live_session(server) as session:
        manager = session.exec(select(User).where(User.username == "manager")).one()
        briefing = briefings.import_briefing(session, HARBOUR_DESK.read_text("utf-8"),
                                             published=now.date(), importer=manager, now=now)
        draft = next(d for d in briefings.drafts(session, briefing)
                     if d.title.startswith("Will the dock strike"))
        briefings.accept_draft(session, draft, actor=manager)
        [question] = briefings.publish_accepted(session, briefing, actor=manager, now=now)
        # the stated forecast alone is not scored: a question needs someone in the crowd
        amir = session.exec(select(User).where(User.username == "amir")).one()
        forecasting.submit_forecast(session, question, forecaster=amir, probability=0.2,
                                    now=datetime.now(UTC))
        resolution.resolve(session, question, outcome="no", actor=manager,
                           now=datetime.now(UTC))
        assert snapshots.take_snapshot(session, now=datetime.now(UTC)) > 0  # the nightly job


@contextmanager
def shared_site(folder: Path, template: Path) -> Iterator[LiveServer]:
    """gunicorn with two workers on a copy of the migrated ``template``, seeded before it starts."""
    instance = folder / "instance"
    instance.mkdir()
    server = LiveServer(instance, workers=2)
    shutil.copyfile(template, instance / "forecasts.db")
    load_sample(server)
    publish_and_resolve_a_briefing(server)
    server.start(migrate=False)
    try:
        yield server
    finally:
        server.stop()
