"""Sessions end when they should: sign-out, password change and deactivation end every session
of that user, and only active people can hold one."""

from __future__ import annotations

import pytest

from forecasts.accounts import people as accounts
from tests.support import builders
from tests.web.test_secrets import forged_cookie

# Checks sign-out and session ids: the same on every engine, so SQLite alone.
pytestmark = pytest.mark.sqlite_only


def saved_cookie(client) -> str:  # type: ignore[no-untyped-def]
    cookie = client.client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def replayed(app, cookie: str):  # type: ignore[no-untyped-def]
    """A fresh browser that presents a copied session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief


def test_a_cookie_saved_before_sign_out_no_longer_opens_anything(app, sign_in, forecaster):
    browser = sign_in(forecaster)
    cookie = saved_cookie(browser)
    assert replayed(app, cookie).get("/questions").status_code == 200  # the copy works ...
    assert browser.post("/logout").status_code == 302
    after = replayed(app, cookie).get("/questions")
    assert after.status_code == 302 and "/login" in after.location  # ... until sign-out


def test_signing_out_ends_the_users_other_sessions_too(sign_in, forecaster):
    laptop, phone = sign_in(forecaster), sign_in(forecaster)
    laptop.post("/logout")
    assert phone.get("/questions").status_code == 302


def test_deactivation_ends_every_session(sign_in, session, admin, forecaster):
    browser = sign_in(forecaster)
    assert browser.get("/questions").status_code == 200
    boss = sign_in(admin)
    response = boss.post(f"/admin/users/{forecaster.id}",
                         data={"role": "forecaster", "team_id": "0", "active": ""})
    assert response.status_code == 302
    assert browser.get("/questions").status_code == 302
    session.refresh(forecaster)
    assert not forecaster.active


def test_a_publications_pseudo_user_cannot_hold_a_session(app, session):
    publication = builders.make_publication(session, "harbour-desk")
    client = replayed(app, forged_cookie(app.secret_key, {"_user_id": publication.get_id(),
                                                          "_fresh": True}))
    assert client.get("/questions").status_code == 302
    # nor sign in through the form, even with a password that would match
    assert accounts.authenticate(session, "harbour-desk", builders.PASSWORD) is None


def test_malformed_session_ids_are_refused(app, forecaster):
    for session_id in ("1", f"{forecaster.id}", f"{forecaster.id}:x", "x:0", "9" * 40 + ":0",
                       f"{forecaster.id}:1", ""):
        client = replayed(app, forged_cookie(app.secret_key, {"_user_id": session_id}))
        assert client.get("/questions").status_code == 302, session_id
