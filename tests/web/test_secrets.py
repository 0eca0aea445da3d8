"""The development secret signs nothing outside development: start-up refuses it, and a session
cookie forged with it opens nothing."""

from __future__ import annotations

import os
import subprocess

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from forecasts.config import DEV_SECRET_KEY, ConfigError, Settings
from tests.support.live import BIN, ROOT, free_port
from web import create_app

# Checks which secret signs sessions: the same on every engine, so SQLite alone.
pytestmark = pytest.mark.sqlite_only


def forged_cookie(secret: str, payload: dict[str, object]) -> str:
    """A session cookie as Flask would sign it with ``secret``."""
    signer = Flask("forger")
    signer.secret_key = secret
    serializer = SecureCookieSessionInterface().get_signing_serializer(signer)
    assert serializer is not None
    return serializer.dumps(payload)


def test_the_development_secret_is_refused_outside_development(tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        Settings.from_env({}).check_secret()
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        Settings.from_env({"SECRET_KEY": "  "}).check_secret()
    with pytest.raises(ConfigError, match="FORECASTS_ENV"):
        Settings.from_env({"FORECASTS_ENV": "staging"})
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        create_app(Settings(instance_path=tmp_path))
    Settings.from_env({"FORECASTS_ENV": "development"}).check_secret()
    Settings.from_env({"SECRET_KEY": "a-long-random-value-from-the-vault"}).check_secret()


def _environment_without_secret(tmp_path) -> dict[str, str]:  # type: ignore[no-untyped-def]
    env = {k: v for k, v in os.environ.items()
           if k not in ("SECRET_KEY", "FORECASTS_ENV", "DATABASE_URL")}
    return {**env, "INSTANCE_PATH": str(tmp_path), "PORT": str(free_port())}


def test_the_cli_refuses_to_start_without_a_secret(tmp_path):
    done = subprocess.run([str(BIN / "forecasts"), "db", "upgrade"], cwd=ROOT,
                          env=_environment_without_secret(tmp_path), capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert "SECRET_KEY is not set" in done.stderr
    assert "Traceback" not in done.stderr
    helped = subprocess.run([str(BIN / "forecasts"), "--help"], cwd=ROOT,
                            env=_environment_without_secret(tmp_path), capture_output=True,
                            text=True, timeout=120)
    assert helped.returncode == 0 and "Usage: forecasts" in helped.stdout
    assert "SECRET_KEY is not set" in helped.stderr and "Traceback" not in helped.stderr


def test_gunicorn_refuses_to_start_without_a_secret(tmp_path):
    done = subprocess.run([str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
                          cwd=ROOT, env=_environment_without_secret(tmp_path),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert "Not starting: SECRET_KEY is not set" in done.stderr


def test_development_mode_starts_without_a_secret(tmp_path):
    env = {**_environment_without_secret(tmp_path), "FORECASTS_ENV": "development"}
    done = subprocess.run([str(BIN / "forecasts"), "db", "upgrade"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_a_cookie_forged_with_the_development_key_opens_nothing(app, admin):
    client = app.test_client()
    client.set_cookie("session", forged_cookie(DEV_SECRET_KEY,
                                               {"_user_id": str(admin.id), "_fresh": True}))
    response = client.get("/admin/users")
    assert response.status_code == 302 and "/login" in response.location
    # the same cookie signed with the app's own key does open it: the forgery is the only fault
    honest = app.test_client()
    honest.set_cookie("session", forged_cookie(app.secret_key, {"_user_id": admin.get_id(),
                                                                "_fresh": True}))
    assert honest.get("/admin/users").status_code == 200
