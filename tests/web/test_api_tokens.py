"""Personal API tokens: shown once, stored hashed, read-only and revoked refused, use recorded."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from sqlmodel import select

from forecasts.accounts import tokens
from forecasts.errors import ValidationFailed
from forecasts.models import ApiToken, Question
from tests.support.api import ApiClient
from tests.support.builders import T0, make_user

SECRET = re.compile(r"fct_[A-Za-z0-9_-]{40,}")


def test_a_token_is_shown_once_and_stored_only_as_its_hash(sign_in, session, forecaster):
    browser = sign_in(forecaster)
    created = browser.post("/profile/tokens", {"name": "Spreadsheet sync"})
    assert created.status_code == 201 and created.headers["Cache-Control"] == "no-store"
    secret = SECRET.search(created.get_data(as_text=True)).group(0)
    stored = session.exec(select(ApiToken)).one()
    assert stored.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {stored.name, stored.prefix, stored.token_hash}
    again = browser.get("/profile/tokens").get_data(as_text=True)
    assert "Spreadsheet sync" in again and secret not in again and SECRET.search(again) is None
    me = browser.client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200 and me.json["token_can_write"] is False  # read-only by default


@pytest.mark.sqlite_only
def test_the_profile_links_to_the_tokens_page(sign_in, forecaster):
    assert "/profile/tokens" in sign_in(forecaster).get("/profile").get_data(as_text=True)


@pytest.mark.sqlite_only
def test_a_browser_session_alone_never_authorises_the_api(sign_in, forecaster):
    browser = sign_in(forecaster)
    assert browser.get("/questions").status_code == 200  # the session works for pages
    answer = browser.get("/api/v1/me")
    assert answer.status_code == 401 and answer.content_type == "application/problem+json"
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    posted = browser.client.post("/api/v1/questions", json={})
    assert posted.status_code == 401


@pytest.mark.sqlite_only
def test_a_read_only_token_is_refused_on_writes(app, session, manager):
    client = ApiClient(app, session, manager, can_write=False)
    answer = client.post("/questions", {"title": "x"})
    assert answer.status_code == 403 and "read-only" in answer.json["detail"]
    assert client.get("/questions").status_code == 200
    assert session.exec(select(Question)).all() == []


def test_revoked_and_unknown_tokens_are_refused(app, session, forecaster, sign_in):
    client = ApiClient(app, session, forecaster)
    assert client.get("/me").status_code == 200
    browser = sign_in(forecaster)
    assert browser.post(f"/profile/tokens/{client.token.id}/revoke").status_code == 302
    assert client.get("/me").status_code == 401
    client.secret = "fct_" + "A" * 43
    assert client.get("/me").status_code == 401


def test_a_manager_revokes_anyones_token_but_a_forecaster_only_their_own(
        app, session, manager, forecaster, sign_in):
    other = make_user(session, "rowena")
    theirs = ApiClient(app, session, other)
    refused = sign_in(forecaster).post(f"/profile/tokens/{theirs.token.id}/revoke")
    assert refused.status_code == 404 and theirs.get("/me").status_code == 200
    huge = sign_in(forecaster).post("/profile/tokens/99999999999999999999/revoke")
    assert huge.status_code == 404
    page = sign_in(manager).get("/profile/tokens").get_data(as_text=True)
    assert "rowena" in page and theirs.token.prefix in page
    assert sign_in(manager).post(f"/profile/tokens/{theirs.token.id}/revoke").status_code == 302
    assert theirs.get("/me").status_code == 401


def test_last_used_is_recorded(app, session, forecaster, clock):
    client = ApiClient(app, session, forecaster)
    assert client.token.last_used_at is None
    client.get("/me")
    session.refresh(client.token)
    assert client.token.last_used_at == clock.now()
    clock.advance(hours=3)
    client.get("/me")
    session.refresh(client.token)
    assert client.token.last_used_at == clock.now()


def test_a_deactivated_users_tokens_stop_working(app, session, forecaster):
    client = ApiClient(app, session, forecaster)
    forecaster.active = False
    session.add(forecaster)
    session.commit()
    assert client.get("/me").status_code == 401


@pytest.mark.sqlite_only
def test_token_names_are_required_and_bounded(session, forecaster):
    with pytest.raises(ValidationFailed):
        tokens.create_token(session, forecaster, name="   ", can_write=False, now=T0)
    with pytest.raises(ValidationFailed):
        tokens.create_token(session, forecaster, name="x" * 81, can_write=False, now=T0)
    assert session.exec(select(ApiToken)).all() == []
    issued = tokens.create_token(session, forecaster, name="ok", can_write=False,
                                 now=T0 + timedelta(days=1))
    assert issued.secret.startswith("fct_") and len(issued.secret) >= 40


def test_a_refused_token_form_returns_to_its_page_and_a_reload_creates_nothing(
        sign_in, session, forecaster):
    client = sign_in(forecaster)
    shown = client.post_refused("/profile/tokens", {"name": "x" * 500}, page="/profile/tokens")
    assert 'id="name-error"' in shown.get_data(as_text=True)  # the message, beside the field
    reloaded = client.get("/profile/tokens")  # a reload is a GET: nothing is submitted again
    assert reloaded.status_code == 200 and 'id="name-error"' not in reloaded.get_data(as_text=True)
    assert session.exec(select(ApiToken)).all() == []
