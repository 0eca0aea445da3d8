
import pytest

from forecasts.accounts import people as accounts
from forecasts.models import Role
from tests.support import databases
from tests.support.builders import cheap_hashes
from tests.support.live import free_port
from web import create_app
from web.cli import cli


def test_healthz_checks_the_database(app):
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}  # anonymous callers learn no more


def test_healthz_reports_a_pending_migration(app, engine):
    with databases.stamped(engine, None):
        response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "reason": "migrations pending"}


def test_cli_creates_users_and_teams(runner, session):
    result = runner.invoke(args=["users", "create", "ivan", "--role", "manager", "--team",
                                 "Balkans desk", "--password", "long-enough-1"])
    assert result.exit_code == 0, result.output
    ivan = accounts.find_user(session, "ivan")
    assert ivan.role is Role.manager
    assert accounts.find_team(session, "Balkans desk").id == ivan.team_id


@pytest.mark.sqlite_only
def test_cli_refuses_bad_input_with_exit_status_2(runner, session):
    result = runner.invoke(args=["users", "create", "x", "--password", "long-enough-1"])
    assert result.exit_code == 2
    assert "Use 2–40 characters" in result.output  # the rule, as a sentence
    runner.invoke(args=["teams", "create", "Desk"])
    again = runner.invoke(args=["teams", "create", "Desk"])
    assert again.exit_code == 2 and "exists already" in again.output


def test_sample_loads_once(runner, session):
    with cheap_hashes():  # the demo users' scrypt hashes cost 2 s; test_wheel.py keeps them
        first = runner.invoke(args=["sample", "load"])
    assert first.exit_code == 0, first.output
    assert "manager-demo-pass" in first.output
    count = len(accounts.list_users(session))
    second = runner.invoke(args=["sample", "load"])
    assert "already present" in second.output
    assert len(accounts.list_users(session)) == count


# --- A database the deployment got wrong: one line, exit status 2, for every command ---------
# These invoke the `forecasts` group itself (web.cli.cli), where the database faults are
# explained; the runner's default, app.cli, holds the same commands without that group.

NOT_MIGRATED = "Error: The database has no schema yet (or is behind): run `forecasts db upgrade`."
PASSWORD = "pw-never-shown-7f3a"


def _one_line_error(result) -> str:  # type: ignore[no-untyped-def]
    """The refusal's one line on stderr, once the command exited with status 2."""
    assert result.exit_code == 2, (result.output, result.exception)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    return lines[0]


def test_commands_on_a_never_migrated_database_say_to_upgrade_it(settings, clock, blank_url):
    app = create_app(settings.with_overrides(database_url=blank_url), clock=clock)
    runner = app.test_cli_runner()
    try:
        for args in (["users", "create", "bob", "--password", "long-enough-1"],
                     ["teams", "create", "Desk"], ["sample", "load"],
                     ["scores", "leaderboard"]):
            assert _one_line_error(runner.invoke(cli, args=args)) == NOT_MIGRATED, args
        assert runner.invoke(cli, args=["db", "upgrade"]).exit_code == 0
        created = runner.invoke(cli, args=["users", "create", "bob", "--password", "long-enough-1"])
        assert created.exit_code == 0, created.output  # the advice was right
    finally:
        app.extensions["engine"].dispose()


@pytest.mark.sqlite_only  # no server is reached on either engine
def test_an_unreachable_database_is_one_line_without_its_password(settings, clock):
    url = f"postgresql://forecaster:{PASSWORD}@127.0.0.1:{free_port()}/forecasts"
    runner = create_app(settings.with_overrides(database_url=url), clock=clock).test_cli_runner()
    for args in (["db", "upgrade"], ["users", "create", "bob", "--password", "long-enough-1"],
                 ["scores", "leaderboard"]):
        result = runner.invoke(cli, args=args)
        line = _one_line_error(result)
        assert line.startswith("Error: Cannot reach the database: connection failed"), line
        assert "127.0.0.1" in line  # the driver's own words say where
        assert PASSWORD not in result.output


def test_a_database_migrated_by_newer_code_is_named_not_traced(app, engine):
    with databases.stamped(engine, "0123456789ab"):
        result = app.test_cli_runner().invoke(cli, args=["db", "upgrade"])
    assert _one_line_error(result) == (
        "Error: The database is at revision 0123456789ab, which this code does not know "
        "(newer code ran on it?): deploy that code, or restore a backup.")
