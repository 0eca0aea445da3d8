from forecasts import accounts
from forecasts.models import Role
from tests.conftest import csrf_token
from tests.support.builders import PASSWORD, T0


def test_pages_need_a_sign_in(client_for_anonymous):
    response = client_for_anonymous.get("/questions")
    assert response.status_code == 302
    assert "/login" in response.location


def test_wrong_password_is_a_form_error(client_for_anonymous, forecaster):
    client = client_for_anonymous
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"username": forecaster.username, "password": "nope",
                                           "csrf_token": token})
    assert response.status_code == 400
    assert "Wrong username or password." in response.get_data(as_text=True)


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
    from forecasts import forecasting
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
