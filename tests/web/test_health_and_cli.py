import pytest
from sqlalchemy import text

from forecasts.accounts import people as accounts
from forecasts.models import Role
from tests.support.builders import cheap_hashes


def test_healthz_checks_the_database(app):
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}  # anonymous callers learn no more


def test_healthz_reports_a_pending_migration(app, engine):
    with engine.begin() as connection:
        current = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        connection.execute(text("DELETE FROM alembic_version"))
    try:
        response = app.test_client().get("/healthz")
    finally:
        with engine.begin() as connection:  # the PostgreSQL database is shared by the session
            connection.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": current})
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
