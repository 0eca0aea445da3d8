import pytest

from forecasts.accounts import people as accounts
from forecasts.models import Role
from tests.conftest import csrf_token
from tests.support.builders import PASSWORD, T0

# Checks the sign-in form, CSRF and next links: the same on every engine, so SQLite alone.
pytestmark = pytest.mark.sqlite_only


def test_pages_need_a_sign_in(client_for_anonymous):
    response = client_for_anonymous.get("/questions")
    assert response.status_code == 302
    assert "/login" in response.location


def test_wrong_password_is_a_form_error(client_for_anonymous, forecaster):
    client = client_for_anonymous
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"username": forecaster.username, "password": "nope",
                                           "csrf_token": token})
    assert response.status_code == 303 and response.location.endswith("/login")  # PRG
    page = client.get("/login").get_data(as_text=True)
    assert "Wrong username or password." in page and "nope" not in page  # never kept
    assert "Wrong username or password." not in client.get("/login").get_data(as_text=True)


def test_sign_in_follows_only_local_next_links(client_for_anonymous, forecaster):
    client = client_for_anonymous
    token = csrf_token(client, "/login")
    response = client.post("/login?next=https://evil.example/", data={
        "username": forecaster.username, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    assert response.location == "/questions" or response.location.endswith("/")


def test_a_form_without_its_csrf_token_is_rejected(client_for_anonymous, forecaster):
    response = client_for_anonymous.post("/login", data={"username": forecaster.username,
                                                         "password": PASSWORD})
    assert response.status_code == 400
    assert "did not come from this site" in response.get_data(as_text=True)


def test_a_forecast_without_csrf_token_stores_nothing(sign_in, session, manager, forecaster):
    from forecasts.questions import forecasting
    from tests.support.builders import make_question

    question = make_question(session, manager)
    client = sign_in(forecaster)
    response = client.client.post(f"/questions/{question.id}/forecasts",
                                  data={"probability": "30"})
    assert response.status_code == 400
    assert forecasting.history(session, question, forecaster) == []


def test_sign_out(sign_in, forecaster):
    client = sign_in(forecaster)
    assert client.post("/logout").status_code == 302
    assert client.get("/questions").status_code == 302


OFF_SITE = ["////evil.example/x", "//evil.example", "/\\evil.example", "\\\\evil.example",
            "%09//evil.example", "\t//evil.example", "/\t/evil.example", "\n//evil.example",
            "https:evil.example", "https://evil.example/", "http://127.0.0.1.evil.example/",
            "javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x", "evil.example",
            "/\x00/evil.example", "///evil.example", " /questions"]


def _sign_in_with_next(app, user, raw_next: str):  # type: ignore[no-untyped-def]
    from urllib.parse import quote

    client = app.test_client()
    token = csrf_token(client, "/login")
    return client.post(f"/login?next={quote(raw_next, safe='')}", data={
        "username": user.username, "password": PASSWORD, "csrf_token": token})


def test_next_links_that_leave_the_site_are_refused(app, forecaster):
    from urllib.parse import unquote

    for raw_next in [*OFF_SITE, unquote("%2F%2F%2F%2Fevil.example%2Fx")]:
        response = _sign_in_with_next(app, forecaster, raw_next)
        assert response.status_code == 302, raw_next
        assert response.headers["Location"] == "/", raw_next  # the home page


def test_a_local_next_link_is_kept_exactly(app, forecaster):
    for raw_next in ("/questions?tag=x", "/leaderboard?from=2026-01-01&to=2026-02-01",
                     "/questions/1#forecast"):
        response = _sign_in_with_next(app, forecaster, raw_next)
        assert response.headers["Location"] == raw_next


def test_the_checked_value_is_the_sent_value():
    from werkzeug.utils import redirect

    from web.redirects import local_target

    for raw in [*OFF_SITE, "/questions?tag=x", "/questions?tag=Gr%C3%A8ce", "/questions?tag=Grèce",
                "/a//b", "/%2F%2Fevil.example"]:
        checked = local_target(raw)
        if checked is not None:
            sent = redirect(checked).get_wsgi_headers({"SERVER_NAME": "x", "SERVER_PORT": "80",
                                                       "wsgi.url_scheme": "http"})["Location"]
            assert sent == checked and sent.startswith("/") and not sent.startswith("//")
    assert local_target("/questions?tag=Grèce") == "/questions?tag=Gr%C3%A8ce"


def test_a_user_with_the_products_own_hash_signs_in_through_the_form(client_for_anonymous,
                                                                      session):
    # Test users carry a cheap hash; this one is hashed exactly as the product hashes.
    user = accounts.create_user(session, username="real-hash", password="a-real-long-passphrase",
                                role=Role.forecaster, now=T0)
    assert user.password_hash.startswith("scrypt:")
    client = client_for_anonymous
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"username": "real-hash",
                                           "password": "a-real-long-passphrase",
                                           "csrf_token": token})
    assert response.status_code == 302 and "/login" not in response.location
