"""Account self-service: your own password and name, an admin's temporary password, a reset
link by email (through a real SMTP server), and `forecasts users set-password`."""

from __future__ import annotations

import re

import pytest

from forecasts.accounts import people as accounts
from forecasts.accounts import profile, tokens
from tests.conftest import csrf_token
from tests.jobs.conftest import smtp_server  # noqa: F401  (a real SMTP server on loopback)
from tests.support.builders import PASSWORD
from tests.support.unit_of_work import app_for_tests
from web import create_app

# Checks account forms, reset links and sessions: the same on every engine, so SQLite alone.
pytestmark = pytest.mark.sqlite_only

NEW_PASSWORD = "harbour-lights-at-dawn"


def signs_in(app, username: str, password: str) -> bool:  # type: ignore[no-untyped-def]
    client = app.test_client()
    token = csrf_token(client, "/login")
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": token}).status_code == 302


def test_changing_your_password_ends_your_other_sessions(app, sign_in, session, forecaster):
    here, elsewhere = sign_in(forecaster), sign_in(forecaster)
    wrong = here.post("/profile/password", data={"current": "not-my-password",
                                                 "password": NEW_PASSWORD,
                                                 "confirm": NEW_PASSWORD})
    assert wrong.status_code == 303 and wrong.location.endswith("/profile/password")
    assert "not your current password" in here.get("/profile/password").get_data(as_text=True)
    weak = here.post_refused("/profile/password", {"current": PASSWORD, "password": "1234567890",
                                                   "confirm": "1234567890"},
                             page="/profile/password")
    assert "commonly used" in weak.get_data(as_text=True)
    done = here.post("/profile/password", data={"current": PASSWORD, "password": NEW_PASSWORD,
                                                "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    assert here.get("/questions").status_code == 200  # this browser stays signed in
    assert elsewhere.get("/questions").status_code == 302  # the other one is signed out
    assert signs_in(app, forecaster.username, NEW_PASSWORD)
    assert not signs_in(app, forecaster.username, PASSWORD)


def test_changing_your_display_name(sign_in, session, forecaster):
    client = sign_in(forecaster)
    assert "Display name" in client.get("/profile").get_data(as_text=True)
    client.post("/profile/name", data={"display_name": "  Finn   Berg "})
    session.refresh(forecaster)
    assert forecaster.display_name == "Finn Berg"
    refused = client.post("/profile/name", data={"display_name": "x" * 81})
    assert refused.status_code == 303
    session.refresh(forecaster)
    assert forecaster.display_name == "Finn Berg"


def test_an_admins_temporary_password_must_be_replaced(app, sign_in, session, admin,
                                                        forecaster, clock):
    before = sign_in(forecaster)
    issued = tokens.create_token(session, forecaster, name="laptop script", can_write=True,
                                 now=clock.now())
    boss = sign_in(admin)
    assert boss.post(f"/admin/users/{forecaster.id}/password",
                     data={"password": "password"}).status_code == 303  # too common
    assert boss.post(f"/admin/users/{forecaster.id}/password",
                     data={"password": "temporary-pass-77"}).status_code == 302
    assert before.get("/questions").status_code == 302  # old sessions end
    # and so do API tokens: a reset answers a compromise, and a token would outlive it
    api = app.test_client().get("/api/v1/me",
                                headers={"Authorization": f"Bearer {issued.secret}"})
    assert api.status_code == 401
    client = app.test_client()
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"username": forecaster.username,
                                           "password": "temporary-pass-77", "csrf_token": token})
    assert response.location == "/profile/password"
    assert client.get("/questions").location == "/profile/password"  # nothing else until then
    token = csrf_token(client, "/profile/password")
    client.post("/profile/password", data={"current": "temporary-pass-77",
                                           "password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
                                           "csrf_token": token})
    assert client.get("/questions").status_code == 200
    session.refresh(forecaster)
    assert not forecaster.must_change_password


@pytest.fixture
def mailing_app(settings, clock, session, smtp_server):  # type: ignore[no-untyped-def]  # noqa: F811
    controller, inbox = smtp_server
    app = app_for_tests(settings.with_overrides(
        mail_backend="smtp", mail_server=controller.hostname, mail_port=controller.port,
        mail_from="desk@forecasts.test", public_url="https://forecasts.example"), clock, session)
    yield app, inbox
    app.extensions["engine"].dispose()


def ask_for_a_link(app, identifier: str) -> str:  # type: ignore[no-untyped-def]
    client = app.test_client()
    token = csrf_token(client, "/password/forgot")
    response = client.post("/password/forgot", data={"identifier": identifier,
                                                     "csrf_token": token})
    assert response.status_code == 302
    return client.get("/login").get_data(as_text=True)


def link_in(message) -> str:  # type: ignore[no-untyped-def]
    body = message.get_payload(decode=True).decode()
    match = re.search(r"https://forecasts\.example(/password/reset/\S+)", body)
    assert match, message.get_payload()
    return match.group(1)


def choose(app, path: str, password: str):  # type: ignore[no-untyped-def]
    client = app.test_client()
    page = client.get(path)
    if page.status_code != 200:
        return page
    token = csrf_token(client, path)
    return client.post(path, data={"password": password, "confirm": password,
                                   "csrf_token": token})


def test_a_reset_link_by_email_works_once(mailing_app, session, forecaster):
    app, inbox = mailing_app
    profile.set_email(session, forecaster, "finn@example.org")
    said = ask_for_a_link(app, "finn@example.org")
    assert "If that account has an email address" in said
    [message] = inbox.to("finn@example.org")
    path = link_in(message)  # built from PUBLIC_URL, not from the request's Host (localhost)
    assert choose(app, path, NEW_PASSWORD).status_code == 302
    assert signs_in(app, forecaster.username, NEW_PASSWORD)
    again = choose(app, path, "another-long-password")
    assert again.status_code == 302 and again.location == "/password/forgot"  # used up
    assert signs_in(app, forecaster.username, NEW_PASSWORD)


def test_a_reset_link_expires_after_an_hour(mailing_app, session, forecaster, clock):
    app, inbox = mailing_app
    profile.set_email(session, forecaster, "finn@example.org")
    ask_for_a_link(app, forecaster.username)
    path = link_in(inbox.to("finn@example.org")[0])
    clock.advance(minutes=61)
    assert choose(app, path, NEW_PASSWORD).location == "/password/forgot"
    assert signs_in(app, forecaster.username, PASSWORD)


def test_a_tampered_or_unknown_reset_asks_nothing_away(mailing_app, session, forecaster):
    app, inbox = mailing_app
    same = ask_for_a_link(app, "nobody@example.org")
    assert "If that account has an email address" in same  # the same answer as for a real one
    assert inbox.messages == []
    profile.set_email(session, forecaster, "finn@example.org")
    ask_for_a_link(app, "finn@example.org")
    path = link_in(inbox.messages[0])
    forged = path[:-3] + ("abc" if not path.endswith("abc") else "xyz")
    assert choose(app, forged, NEW_PASSWORD).location == "/password/forgot"
    assert signs_in(app, forecaster.username, PASSWORD)


def test_cli_sets_a_password(runner, app, session, forecaster):
    weak = runner.invoke(args=["users", "set-password", forecaster.username,
                               "--password", "qwertyuiop"])
    assert weak.exit_code == 2 and "commonly used" in weak.output
    missing = runner.invoke(args=["users", "set-password", "nobody", "--password", NEW_PASSWORD])
    assert missing.exit_code == 2 and "No person" in missing.output
    done = runner.invoke(args=["users", "set-password", forecaster.username],
                         input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n")  # prompted twice
    assert done.exit_code == 0, done.output
    assert signs_in(app, forecaster.username, NEW_PASSWORD)
    temporary = runner.invoke(args=["users", "set-password", forecaster.username, "--temporary",
                                    "--password", "temporary-pass-77"])
    assert temporary.exit_code == 0
    session.refresh(forecaster)
    assert forecaster.must_change_password
    assert accounts.authenticate(session, forecaster.username, "temporary-pass-77") is not None


def test_sign_in_page_links_to_the_reset(client_for_anonymous):
    assert "/password/forgot" in client_for_anonymous.get("/login").get_data(as_text=True)




def test_guessing_the_current_password_is_limited(settings, clock, session, forecaster):
    app = create_app(settings.with_overrides(login_limit_per_account="2 per hour"), clock=clock)
    client = app.test_client()
    token = csrf_token(client, "/login")
    client.post("/login", data={"username": forecaster.username, "password": PASSWORD,
                                "csrf_token": token})
    token = csrf_token(client, "/profile/password")

    def guess(current: str) -> int:
        return client.post("/profile/password", data={
            "current": current, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
            "csrf_token": token}).status_code

    assert [guess("guess-one-1"), guess("guess-two-2"), guess(PASSWORD)] == [303, 303, 429]
    assert signs_in(app, forecaster.username, PASSWORD)  # unchanged
    app.extensions["engine"].dispose()


@pytest.mark.parametrize("typed", ["0", "0.3", "400", "99999999999"])
def test_the_reminder_interval_states_one_rule_whatever_is_typed(sign_in, forecaster, typed):
    shown = sign_in(forecaster).post_refused("/profile", {"interval_days": typed,
                                                         "time_zone": "UTC"}, page="/profile")
    text = shown.get_data(as_text=True)
    assert "Choose between 1 and 365 days" in text and "2147483647" not in text
