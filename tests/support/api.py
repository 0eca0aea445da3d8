"""A test client for the JSON API that sends a personal token, as a script would."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlmodel import Session

from forecasts.accounts import tokens
from forecasts.models import User
from tests.support.builders import T0


class ApiClient:
    """Calls ``/api/v1`` with ``Authorization: Bearer <token>`` for one user's token."""

    def __init__(self, app: Flask, session: Session, user: User, *, can_write: bool = True,
                 name: str = "script") -> None:
        issued = tokens.create_token(session, user, name=name, can_write=can_write, now=T0)
        session.commit()  # issued by its own request, before any call
        self.client, self.secret, self.token = app.test_client(), issued.secret, issued.token

    def call(self, method: str, path: str, **kwargs: Any):  # type: ignore[no-untyped-def]
        headers = {"Authorization": f"Bearer {self.secret}", **kwargs.pop("headers", {})}
        return self.client.open("/api/v1" + path, method=method, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any):  # type: ignore[no-untyped-def]
        return self.call("GET", path, **kwargs)

    def post(self, path: str, json: object = None, **kwargs: Any):  # type: ignore[no-untyped-def]
        return self.call("POST", path, json=json if json is not None else {}, **kwargs)

    def patch(self, path: str, json: object, **kwargs: Any):  # type: ignore[no-untyped-def]
        return self.call("PATCH", path, json=json, **kwargs)
