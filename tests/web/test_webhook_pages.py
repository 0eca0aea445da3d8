"""The managers' webhooks page: register (secret shown once), bounds, the log, remove."""

from __future__ import annotations

import pytest
from sqlmodel import select

from forecasts.models import Webhook

# Checks the page's form and permissions: the same on every engine, so SQLite alone.
pytestmark = pytest.mark.sqlite_only


def test_a_manager_registers_a_webhook_and_a_generated_secret_is_shown_only_once(
        sign_in, manager, session):
    client = sign_in(manager)
    page = client.post("/webhooks", data={"url": "https://hooks.example.org/forecasts",
                                          "events": ["question.resolved", "digest.weekly"],
                                          "style": "slack", "secret": ""})
    assert page.status_code == 201 and page.headers["Cache-Control"] == "no-store"
    [hook] = session.exec(select(Webhook)).all()
    assert hook.events == "digest.weekly question.resolved" and hook.style == "slack"
    assert hook.secret in page.text  # this once
    again = client.get("/webhooks")
    assert "https://hooks.example.org/forecasts" in again.text and hook.secret not in again.text


def test_a_given_secret_is_never_echoed(sign_in, manager):
    page = sign_in(manager).post("/webhooks", data={
        "url": "https://hooks.example.org/x", "events": ["question.published"], "style": "json",
        "secret": "my-own-secret-value"})
    assert page.status_code == 201 and "my-own-secret-value" not in page.text


def test_bad_input_is_a_form_error_and_stores_nothing(sign_in, manager, session):
    client = sign_in(manager)
    for data, message in [
        ({"url": "javascript:alert(1)", "events": ["question.published"], "style": "json"},
         "Give an http:// or https:// address."),
        ({"url": "https://x.example/" + "a" * 1000, "events": ["question.published"],
          "style": "json"}, "at most 1,000 characters"),
        ({"url": "https://x.example/", "style": "json"}, "Choose at least one event."),
    ]:
        page = client.post_refused("/webhooks", data, page="/webhooks")  # Post/Redirect/Get
        assert message in page.text, data
    assert session.exec(select(Webhook)).all() == []


def test_a_manager_removes_a_webhook(sign_in, manager, session):
    client = sign_in(manager)
    client.post("/webhooks", data={"url": "https://hooks.example.org/y",
                                   "events": ["question.published"], "style": "teams"})
    hook = session.exec(select(Webhook)).one()
    client.post(f"/webhooks/{hook.id}/remove", data={})
    session.refresh(hook)
    assert hook.removed_at is not None
    assert "No webhooks yet." in client.get("/webhooks").text


def test_forecasters_cannot_see_the_page(sign_in, forecaster):
    assert sign_in(forecaster).get("/webhooks").status_code == 403
