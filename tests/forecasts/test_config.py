"""Settings parse strictly: a bad value stops start-up with one sentence naming the variable."""

from __future__ import annotations

import gc
import runpy
import subprocess
from ipaddress import ip_network

import pytest

from forecasts.config import ConfigError, ServerSettings, Settings
from tests.support.live import BIN, ROOT

BAD_VALUES: dict[str, tuple[dict[str, str], str]] = {
    "a yes/no typo": ({"SESSION_COOKIE_SECURE": "maybe"},
                      "SESSION_COOKIE_SECURE must be true or false, not 'maybe'"),
    "zero staleness": ({"STALE_AFTER_DAYS": "0"}, "STALE_AFTER_DAYS must be at least 1, not '0'"),
    "a negative timeout": ({"SQLITE_BUSY_TIMEOUT_MS": "-5"},
                           "SQLITE_BUSY_TIMEOUT_MS must be a whole number, not '-5'"),
    "Arabic-Indic digits": ({"TRUSTED_PROXIES": "٣"},
                            "TRUSTED_PROXIES must be a whole number, not '٣'"),
    "a decimal port": ({"MAIL_PORT": "25.0"}, "MAIL_PORT must be a whole number"),
    "a port too high": ({"MAIL_PORT": "70000"}, "MAIL_PORT must be at most 65535, not '70000'"),
    "an unknown environment": ({"FORECASTS_ENV": "staging"},
                               "FORECASTS_ENV must be 'production' or 'development'"),
    "an unknown mail backend": ({"MAIL_BACKEND": "pigeon"},
                                "MAIL_BACKEND must be 'console' or 'smtp'"),
    "a sender without @": ({"MAIL_FROM": "nobody"}, "MAIL_FROM must be an email address"),
    "a sender with two @": ({"MAIL_FROM": "desk@@example.org"},
                            "MAIL_FROM must be an email address"),
    "a network with host bits": ({"SOURCE_ALLOWED_NETWORKS": "10.0.0.1/8"},
                                 "SOURCE_ALLOWED_NETWORKS must be a comma-separated list"),
    "a rate in words": ({"API_RATE_LIMIT": "lots"}, "API_RATE_LIMIT must be a rate like"),
    "storage without a scheme": ({"RATELIMIT_STORAGE_URI": "redis"},
                                 "RATELIMIT_STORAGE_URI must be a URI"),
    "an ftp public URL": ({"PUBLIC_URL": "ftp://example.org"},
                          "PUBLIC_URL must start with http:// or https://"),
    "an empty database URL": ({"DATABASE_URL": " "}, "DATABASE_URL is set but empty"),
    "a MySQL database": ({"DATABASE_URL": "mysql://desk:pw@db.internal/forecasts"},
                         "DATABASE_URL must be a sqlite:// or postgresql:// URL, not a mysql one"),
    "a database URL without a scheme": ({"DATABASE_URL": "db.internal/forecasts"},
                                        "DATABASE_URL must be a URL like sqlite:///path"),
    "a port of 5,000 digits": ({"MAIL_PORT": "9" * 5000}, "MAIL_PORT is far too large, not '999"),
}


@pytest.mark.parametrize("case", list(BAD_VALUES))
def test_a_bad_value_is_refused_with_a_sentence_naming_the_variable(case):
    environ, message = BAD_VALUES[case]
    with pytest.raises(ConfigError) as refused:
        Settings.from_env(environ)
    assert message in str(refused.value)
    assert "\n" not in str(refused.value)  # one line, not pydantic's report


def test_every_bad_value_is_named_at_once():
    with pytest.raises(ConfigError) as refused:
        Settings.from_env({"MAIL_PORT": "0", "STALE_AFTER_DAYS": "x"})
    assert "MAIL_PORT" in str(refused.value) and "STALE_AFTER_DAYS" in str(refused.value)


def test_good_values_are_parsed_and_defaults_hold():
    assert Settings.from_env({}) == Settings()
    settings = Settings.from_env({
        "FORECASTS_ENV": " Development ", "SESSION_COOKIE_SECURE": "YES", "MAIL_PORT": " 587 ",
        "MAIL_BACKEND": "SMTP", "MAIL_FROM": "desk@forecasts.test", "DATABASE_URL": "postgres://u@h/d",
        "SOURCE_ALLOWED_NETWORKS": "10.0.0.0/8, fd00::/8", "PUBLIC_URL": "https://f.example.org/",
        "LOGIN_LIMIT_PER_ACCOUNT": " 5 per 10 minutes "})
    assert settings.environment == "development" and settings.session_cookie_secure is True
    assert settings.mail_port == 587 and settings.mail_backend == "smtp"
    assert settings.database_url == "postgresql+psycopg://u@h/d"
    assert settings.source_allowed_networks == (ip_network("10.0.0.0/8"), ip_network("fd00::/8"))
    assert settings.public_url == "https://f.example.org"
    assert settings.login_limit_per_account == "5 per 10 minutes"


def test_each_setting_has_one_variable():
    assert Settings.from_env({"ENVIRONMENT": "development"}).environment == "production"
    assert Settings.from_env({"FORECASTS_ENV": "development"}).environment == "development"


def test_the_environment_cannot_switch_on_test_mode():
    settings = Settings.from_env({"TESTING": "true", "CSRF_ENABLED": "false"})
    assert settings.testing is False and settings.csrf_enabled is True
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        settings.check_secret()


def test_secrets_are_never_shown():
    settings = Settings(secret_key="hunter2-but-longer", mail_password="smtp-secret")
    assert "hunter2" not in repr(settings) and "smtp-secret" not in repr(settings)


def test_a_refused_database_url_never_repeats_its_password():
    for url in ("mysql://desk:pw-never-shown@db.internal/forecasts",
                "oracle+cx_oracle://desk:pw-never-shown@db.internal/forecasts"):
        with pytest.raises(ConfigError) as refused:
            Settings.from_env({"DATABASE_URL": url})
        assert str(refused.value).startswith("DATABASE_URL must be a sqlite:// or postgresql://")
        assert "pw-never-shown" not in str(refused.value)


def test_an_override_is_parsed_like_the_environment():
    settings = Settings.from_env({"MAIL_PORT": "2525"})
    assert settings.with_overrides(stale_after_days=3).mail_port == 2525
    with pytest.raises(ConfigError, match="MAIL_PORT must be at least 1"):
        settings.with_overrides(mail_port=0)


def test_a_relative_instance_path_is_made_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = Settings.from_env({"INSTANCE_PATH": "instance"})
    assert settings.instance_path == tmp_path.resolve() / "instance"
    assert settings.database_url == f"sqlite:///{tmp_path.resolve() / 'instance' / 'forecasts.db'}"


def test_the_cli_and_the_scheduler_stop_with_status_2_on_a_bad_setting(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "INSTANCE_PATH": str(tmp_path), "FORECASTS_ENV": "development",
           "MAIL_PORT": "seventy"}
    for command in ([str(BIN / "forecasts"), "db", "upgrade"], [str(BIN / "python"), "-m", "jobs"]):
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 2, done.stderr
        assert "MAIL_PORT must be a whole number, not 'seventy'" in done.stderr
        assert "Traceback" not in done.stderr


def test_gunicorn_settings_parse_strictly():
    server = ServerSettings.from_env({"HOST": "::1", "PORT": "8443", "WEB_CONCURRENCY": "4"})
    assert server.bind == "[::1]:8443" and server.web_concurrency == 4
    assert ServerSettings.from_env({}).bind == "127.0.0.1:8000"
    with pytest.raises(ConfigError, match="WEB_CONCURRENCY must be at most 64, not '500'"):
        ServerSettings.from_env({"WEB_CONCURRENCY": "500"})


def test_gunicorn_stops_with_status_2_on_a_bad_port(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "INSTANCE_PATH": str(tmp_path), "FORECASTS_ENV": "development",
           "PORT": "http", "GUNICORN_TIMEOUT": "0"}
    done = subprocess.run([str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert "Not starting: PORT must be a whole number, not 'http'" in done.stderr
    assert "GUNICORN_TIMEOUT must be at least 1, not '0'" in done.stderr


def test_a_gunicorn_worker_freezes_the_loaded_app_out_of_full_collections(monkeypatch):
    monkeypatch.delenv("PORT", raising=False)
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    before = gc.get_freeze_count()
    try:
        config["post_worker_init"](None)
        assert gc.get_freeze_count() > before
    finally:
        gc.unfreeze()
