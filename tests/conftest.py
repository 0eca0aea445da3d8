"""Shared fixtures: every database test runs on a real SQLite file and a real PostgreSQL server.

PostgreSQL and Chromium are required when REQUIRE_POSTGRES / REQUIRE_BROWSER are set (CI sets
both); elsewhere tests that need them skip with the reason.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings as hypothesis_settings
from sqlalchemy import Engine, create_engine, make_url, text
from sqlmodel import Session

import forecasts.models  # noqa: F401  (the one table registry: registers every table)
from forecasts import schema
from forecasts.clock import FixedClock
from forecasts.config import Settings
from forecasts.models import Role, User
from tests.support import builders, databases
from tests.support.environment import unavailable
from tests.support.live import LiveServer
from tests.support.postgres import Cluster, find_bindir
from tests.support.site import shared_site
from tests.support.unit_of_work import lent_app

# No Hypothesis deadline (200 ms per example by default): it is a timing assertion, and speed is
# measured in benchmarks/, never in unit tests. On a loaded 2-core machine (two test processes,
# servers and Chromium beside them) a first example took 320 ms for reasons of load alone and
# failed the run as "flaky". Examples and properties are unchanged.
hypothesis_settings.register_profile("no-deadline", deadline=None)
hypothesis_settings.load_profile("no-deadline")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A migrated PostgreSQL database for the session: on the server TEST_DATABASE_URL names
    (its database, or one per xdist worker beside it: ``databases.own_database``), or in a
    throwaway cluster."""
    url = os.environ.get("TEST_DATABASE_URL")
    cluster = None
    if url:
        try:
            url = databases.own_database(url, os.environ.get("PYTEST_XDIST_WORKER"))
        except PermissionError as error:
            pytest.fail(str(error), pytrace=False)
    else:
        bindir = find_bindir()
        if bindir is None:
            unavailable("PostgreSQL server binaries (initdb, pg_ctl) not found", "REQUIRE_POSTGRES")
        # Not under pytest's tmp dir: its parents are private to root, and postgres runs as
        # its own user when we are root.
        cluster = Cluster(bindir, Path(tempfile.mkdtemp(prefix="forecasts-pg-")))  # type: ignore[arg-type]
        url = cluster.start()
    schema.upgrade(url)
    yield url
    if cluster is not None:
        cluster.stop()
        shutil.rmtree(cluster.root, ignore_errors=True)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each live server and once for the in-process tests
    (migrating each time is slow)."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    schema.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def sqlite_database(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The process's SQLite test database: one file, emptied before each test that takes it."""
    path = tmp_path_factory.mktemp("sqlite") / "forecasts.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def blank_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no tables at all, on each engine (for migrations and unmigrated
    databases): a new SQLite file, or a new database on the session's PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'blank.db'}"
        return
    server = make_url(request.getfixturevalue("postgres_server"))
    name = f"blank_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session", autouse=True)
def _dispose_shared_engines() -> Iterator[None]:
    yield
    databases.dispose_all()


@pytest.hookimpl(tryfirst=True)  # before the fixture parametrizes both engines
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests marked ``sqlite_only`` take the SQLite database alone.

    Every database test runs on both engines unless it checks only what no engine changes (the
    HTML, permissions, headers or query strings of a page); a test whose SQL can differ by engine
    (ordering, aggregates, dates, limits of types) must keep both.
    """
    if "database_url" in metafunc.fixturenames and metafunc.definition.get_closest_marker(
            "sqlite_only"):
        # as a parametrize mark, which pytest applies in place of the fixture's own params
        metafunc.definition.add_marker(
            pytest.mark.parametrize("database_url", ["sqlite"], indirect=True))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the browser and live-server tests first (stable: each file keeps its own order).

    They are the longest (up to 40 s each) and mostly wait on a server or a browser. xdist hands
    out tests in collection order, so when they came in the middle, one could start last and
    keep one worker busy while the other sat idle; first, the short tests fill in around them.
    """
    def slow(item: pytest.Item) -> bool:
        return (item.get_closest_marker("browser") is not None
                or {"live_server", "site"} & set(getattr(item, "fixturenames", ())))

    items.sort(key=lambda item: not slow(item))


# The tests that drive Chromium against a live gunicorn, by file: one test process runs them
# all, so one process starts Chromium and the shared ``site`` (xdist's loadgroup would, but its
# group names are lost on pytest 9). A file missing here costs CPU only, never a result.
BROWSER_FILES = ("tests/web/test_browser", "tests/web/test_serving.py")


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):  # type: ignore[no-untyped-def]
    """``-n``'s default "load" scheduling, except that the browser tests are one unit of work.

    The unit is the largest, so it goes out first; every other test is a unit of its own.
    """
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class BrowserTestsTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return "browser" if nodeid.startswith(BROWSER_FILES) else nodeid

    return BrowserTestsTogether(config, log)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """An empty, migrated database on each engine."""
    url = request.getfixturevalue("sqlite_database" if request.param == "sqlite"
                                  else "postgres_server")
    databases.empty(databases.shared_engine(url))
    return url


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=database_url, instance_path=tmp_path / "instance",
                    secret_key="test-secret", testing=True,
                    source_allowed_networks=builders.LOCAL)  # test servers are on loopback


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    """The database's shared engine (tests/support/databases.py): its compiled SQL and its
    pooled connections are kept from test to test."""
    engine = databases.shared_engine(settings.database_url)
    yield engine


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as session:
        yield session


@pytest.fixture
def clock() -> FixedClock:
    """Ten days after the builders' questions open."""
    return FixedClock(builders.T0 + timedelta(days=10))


@pytest.fixture
def app(settings: Settings, clock: FixedClock, engine: Engine, session: Session,
        tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The app on ``settings`` and ``clock``, committing ``session`` before each request; one app
    per test process is lent to each test in turn, as new (tests/support/unit_of_work.py)."""
    with lent_app(settings, clock, session, engine,
                  tmp_path_factory.getbasetemp() / "app-instance") as app:
        yield app


@pytest.fixture
def runner(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_cli_runner()


@pytest.fixture
def manager(session: Session) -> User:
    return builders.make_user(session, "maria", Role.manager)


@pytest.fixture
def forecaster(session: Session) -> User:
    return builders.make_user(session, "finn")


@pytest.fixture
def admin(session: Session) -> User:
    return builders.make_user(session, "ada", Role.admin)


CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                  r'type="hidden" name="csrf_token" value="([^"]+)"|'
                  r'name="csrf_token" value="([^"]+)"')


def csrf_token(client: FlaskClient, page: str) -> str:
    """The CSRF token from a page's form, as a browser would send it back."""
    response = client.get(page)
    match = CSRF.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {page} ({response.status_code})"
    return next(group for group in match.groups() if group)


class SignedIn:
    """A test client signed in through the real login form, carrying its CSRF token."""

    def __init__(self, client: FlaskClient, user: User) -> None:
        self.client, self.user = client, user
        token = csrf_token(client, "/login")
        response = client.post("/login", data={"username": user.username,
                                               "password": builders.PASSWORD,
                                               "csrf_token": token})
        assert response.status_code == 302, response.get_data(as_text=True)
        # Signing in keeps the session's CSRF secret, so the sign-in form's token stays good
        # (were it not, every post below would be refused with 400).
        self.token = token

    def get(self, url: str, **kwargs):  # type: ignore[no-untyped-def]
        return self.client.get(url, **kwargs)

    def post(self, url: str, data: dict[str, str] | None = None, **kwargs):  # type: ignore[no-untyped-def]
        return self.client.post(url, data={"csrf_token": self.token, **(data or {})}, **kwargs)

    def post_refused(self, url: str, data: dict[str, str] | None, page: str):  # type: ignore[no-untyped-def]
        """POST a form that fails; it must redirect (303) to ``page``, the form's own page.

        Returns that page as the browser then shows it: the errors and what was typed, once.
        """
        response = self.post(url, data)
        assert response.status_code == 303, (response.status_code,
                                              response.get_data(as_text=True)[:500])
        assert urlsplit(response.headers["Location"]).path == page, response.headers["Location"]
        return self.get(page)


@pytest.fixture
def sign_in(app: Flask):  # type: ignore[no-untyped-def]
    """sign_in(user) → a SignedIn client for that user (each call a fresh browser)."""
    return lambda user: SignedIn(app.test_client(), user)


@pytest.fixture
def client_for_anonymous(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def live_server(tmp_path: Path, sqlite_template: Path) -> Iterator[LiveServer]:
    """gunicorn on a fresh SQLite file in a temp instance folder, for a test that needs an
    empty database or runs the scheduler over it (the rest share the ``site``).

    One worker: serving with several is tested on the shared site (tests/web/test_serving.py)
    and by the load harness (tests/web/test_http_load.py); each worker costs 1.5 s to start.
    The file is a copy of the migrated template: `forecasts db upgrade` through the CLI is
    tested on its own (tests/test_wheel.py, tests/web/test_secrets.py).
    """
    instance = tmp_path / "instance"
    instance.mkdir()
    server = LiveServer(instance, workers=1)
    shutil.copyfile(sqlite_template, instance / "forecasts.db")
    server.start(migrate=False)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[LiveServer]:
    """The live site the browser tests share (tests/support/site.py): the sample, a published
    and resolved briefing, a snapshot; started by the one test process that runs the browser
    tests (see ``pytest_xdist_make_scheduler``). A test adds rows only under names of its own."""
    with shared_site(tmp_path_factory.mktemp("site"), sqlite_template) as server:
        yield server


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]


@pytest.fixture(scope="session")
def chromium():  # type: ignore[no-untyped-def]
    """Debian's headless Chromium driven by Playwright (no browser download)."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        unavailable("Chromium not found (apt-get install chromium)", "REQUIRE_BROWSER")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, headless=True,
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where browser tests leave screenshots (CI keeps the folder)."""
    path = Path(__file__).resolve().parent.parent / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path
