"""Sign-in resists guessing: failed attempts are limited per account and per address, unknown
usernames cost the same work as known ones, and weak passwords are refused everywhere."""

from __future__ import annotations

import pytest

from forecasts import sample
from forecasts.accounts import passwords
from forecasts.accounts import people as accounts
from forecasts.config import ConfigError, Settings
from forecasts.errors import ValidationFailed
from tests.conftest import csrf_token
from tests.support.builders import PASSWORD, T0, make_user
from web import create_app

# Checks rate limits and password rules: the same on every engine, so SQLite alone.
pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def limited(settings, clock):  # type: ignore[no-untyped-def]
    """The app with small limits: 3 failures per account, 5 per address, per hour."""
    app = create_app(settings.with_overrides(login_limit_per_account="3 per hour",
                                             login_limit_per_address="5 per hour"), clock=clock)
    yield app
    app.extensions["engine"].dispose()


def attempt(client, username: str, password: str):  # type: ignore[no-untyped-def]
    token = csrf_token(client, "/login")
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": token})


def test_guessing_one_accounts_password_is_stopped(limited, session, forecaster):
    client = limited.test_client()
    for guess in ("guess-one-1", "guess-two-2", "guess-three-3"):
        assert attempt(client, forecaster.username, guess).status_code == 303  # refused (PRG)
    # the right password no longer helps: the account is limited, with a clear message
    response = attempt(client, forecaster.username, PASSWORD)
    assert response.status_code == 429
    assert "Too many failed sign-ins for this account" in response.get_data(as_text=True)
    assert int(response.headers["Retry-After"]) > 0
    assert client.get("/questions").status_code == 302  # not signed in
    # another account from the same address still signs in
    other = make_user(session, "gina")
    assert attempt(client, other.username, PASSWORD).status_code == 302


def test_guessing_across_accounts_from_one_address_is_stopped(limited, forecaster):
    client = limited.test_client()
    for n in range(5):
        assert attempt(client, f"nobody{n}", "guess-password-1").status_code == 303
    response = attempt(client, forecaster.username, PASSWORD)
    assert response.status_code == 429
    assert "from your network" in response.get_data(as_text=True)
    assert "Retry-After" in response.headers


def test_successful_sign_ins_do_not_count(limited, forecaster):
    for _ in range(4):
        client = limited.test_client()
        assert attempt(client, forecaster.username, PASSWORD).status_code == 302


def test_limit_settings_parse_strictly():
    settings = Settings.from_env({"LOGIN_LIMIT_PER_ACCOUNT": "5 per 10 minutes",
                                  "RATELIMIT_STORAGE_URI": "redis://cache:6379/0"})
    assert settings.login_limit_per_account == "5 per 10 minutes"
    assert settings.ratelimit_storage_uri == "redis://cache:6379/0"
    for bad in ({"LOGIN_LIMIT_PER_ADDRESS": "lots"}, {"RATELIMIT_STORAGE_URI": "redis"},
                {"PUBLIC_URL": "forecasts.example"}):
        with pytest.raises(ConfigError):
            Settings.from_env(bad)


def test_unknown_users_cost_the_same_work(session, forecaster, monkeypatch):
    checked: list[str] = []
    real = passwords.check_password_hash

    def spy(password_hash: str, password: str) -> bool:
        checked.append(password_hash)
        return real(password_hash, password)

    monkeypatch.setattr(passwords, "check_password_hash", spy)
    publication = make_user(session, "harbour-desk")
    publication.kind = "publication"  # type: ignore[assignment]
    session.add(publication)
    session.commit()
    for username in ("nobody-here", forecaster.username, "harbour-desk"):
        assert accounts.authenticate(session, username, "wrong-password-1") is None
    assert accounts.authenticate(session, forecaster.username, PASSWORD) is not None
    assert len(checked) == 4  # one verification per attempt, known user or not
    # unknown users and publications cost a check of a hash made exactly as the product makes
    # them (test users carry a cheap hash, so compare with the product's own)
    product = passwords.hash_password("a-real-long-passphrase").rsplit("$", 2)[0]
    assert checked[0] == checked[2] != forecaster.password_hash
    assert checked[0].rsplit("$", 2)[0] == product


@pytest.mark.parametrize("weak", ["password", "12345678", "1234567890", "qwertyuiop",
                                  "Password123", "short-9", "manchester"])
def test_weak_passwords_are_refused(session, weak):
    with pytest.raises(ValidationFailed) as refused:
        accounts.create_user(session, username="newbie", password=weak, now=T0)
    assert "password" in refused.value.fields
    assert accounts.find_user(session, "newbie") is None


def test_username_as_password_is_refused():
    with pytest.raises(ValidationFailed):
        passwords.check_password("ivan.petrov", username="ivan.petrov")


def test_the_demo_and_test_passwords_meet_the_rules():
    for demo in sample.DEMO_USERS:
        passwords.check_password(demo.password, username=demo.username)
    passwords.check_password(PASSWORD)


def test_the_admin_page_refuses_a_weak_password(sign_in, session, admin):
    client = sign_in(admin)
    shown = client.post_refused("/admin/users", {"username": "newbie", "password": "12345678",
                                                 "role": "forecaster", "team_id": "0"},
                                page="/admin/users")
    page = shown.get_data(as_text=True)
    assert "at least 10 characters" in page.lower() and "12345678" not in page  # never kept
    assert accounts.find_user(session, "newbie") is None


def test_behind_a_trusted_proxy_each_client_has_its_own_limit(settings, clock, forecaster):
    app = create_app(settings.with_overrides(login_limit_per_address="2 per hour",
                                             trusted_proxies=1), clock=clock)
    client = app.test_client()

    def from_address(address: str) -> int:
        token = csrf_token(client, "/login")
        return client.post("/login", data={"username": "nobody", "password": "guess-pass-1",
                                           "csrf_token": token},
                           headers={"X-Forwarded-For": address}).status_code

    assert [from_address("203.0.113.7") for _ in range(3)] == [303, 303, 429]
    assert from_address("198.51.100.9") == 303  # another client behind the same proxy
    app.extensions["engine"].dispose()
