"""/healthz: cheap to poll, and telling anonymous callers only the status and a short reason."""

from __future__ import annotations

from alembic.script import ScriptDirectory

from forecasts import schema
from forecasts.config import Settings
from tests.support import databases
from tests.support.live import free_port
from web import create_app


def test_the_migration_scripts_are_read_once_not_per_request(app, monkeypatch):
    read = ScriptDirectory.from_config
    reads = []

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        reads.append(args)
        return read(*args, **kwargs)

    monkeypatch.setattr(ScriptDirectory, "from_config", counted)
    schema.expected_heads.cache_clear()  # as in a new worker: no check has run yet
    client = app.test_client()
    for _ in range(20):
        assert client.get("/healthz").status_code == 200
    assert len(reads) == 1


def test_an_unreachable_database_is_reported_without_its_address(tmp_path):
    port = free_port()
    app = create_app(Settings(
        database_url=f"postgresql+psycopg://reader:hunter2@127.0.0.1:{port}/forecasts",
        instance_path=tmp_path, secret_key="test-secret", testing=True))
    try:
        response = app.test_client().get("/healthz")
    finally:
        app.extensions["engine"].dispose()
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "reason": "database unreachable"}
    text = response.get_data(as_text=True)
    assert str(port) not in text and "127.0.0.1" not in text and "hunter2" not in text


def test_admins_get_the_detail(sign_in, admin, forecaster):
    detail = sign_in(admin).get("/healthz").get_json()
    assert detail["status"] == "ok" and detail["migrations"] == "current"
    assert detail["backend"] in ("sqlite", "postgresql")
    assert sign_in(forecaster).get("/healthz").get_json() == {"status": "ok"}


def test_a_database_newer_than_the_code_is_told_apart_from_a_pending_migration(
        app, engine, sign_in, admin):
    """After newer code migrated the database and this older code was put back, "run `forecasts
    db upgrade`" would be the wrong repair."""
    with databases.stamped(engine, "0123456789ab"):
        anonymous = app.test_client().get("/healthz")
        detail = sign_in(admin).get("/healthz").get_json()
    assert anonymous.status_code == 503
    assert anonymous.get_json() == {"status": "error", "reason": "database newer than this code"}
    assert detail["detail"].startswith("The database is at revision 0123456789ab, which this "
                                       "code does not know")
