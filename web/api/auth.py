"""Bearer-token authentication and per-token rate limits for the API.

A browser session never authorises an API call: only ``Authorization: Bearer <token>`` does,
which is also why the API needs no CSRF protection (a cross-site page cannot set that header).
"""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, current_app, g, request
from flask_limiter.util import get_remote_address

from forecasts.accounts.tokens import authenticate_token
from forecasts.models import ApiToken, User
from web.api.problems import Problem
from web.database import get_session, now
from web.extensions import csrf, limiter

PUBLIC_ENDPOINTS = frozenset({"api.openapi_document", "api.docs", "api.docs_asset"})
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="api"'}  # RFC 6750: how to authenticate


def bearer_secret() -> str | None:
    """The token in ``Authorization: Bearer …``, or None."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    return secret.strip() or None if scheme.lower() == "bearer" else None


def rate_key() -> str:
    """Limits count per token (by its digest, before any database work), else per address."""
    secret = bearer_secret()
    if secret:
        return "token:" + hashlib.sha256(secret.encode()).hexdigest()[:32]
    return "address:" + (get_remote_address() or "unknown")


def _rate_limit() -> str:
    return str(current_app.config["SETTINGS"].api_rate_limit)


def api_user() -> User:
    """The person the request's token belongs to (set before every protected view)."""
    return g.api_user


def api_token() -> ApiToken:
    return g.api_token


def _authenticate() -> None:
    if request.endpoint in PUBLIC_ENDPOINTS or request.method == "OPTIONS":
        return
    secret = bearer_secret()
    if secret is None:
        raise Problem(401, "Send a personal API token: Authorization: Bearer <token>. "
                           "Create one on your profile's API tokens page.", headers=CHALLENGE)
    found = authenticate_token(get_session(), secret, now=now())
    if found is None:
        raise Problem(401, "This token is unknown or revoked.", headers=CHALLENGE)
    g.api_user, g.api_token = found
    if request.method in WRITE_METHODS and not g.api_token.can_write:
        raise Problem(403, "This token is read-only; create a read-write token to make changes.")


def protect(bp: Blueprint) -> None:
    """Token authentication, per-token rate limits, no CSRF and no caching for ``bp``."""
    csrf.exempt(bp)
    limiter.limit(_rate_limit, key_func=rate_key)(bp)
    bp.before_request(_authenticate)

    @bp.after_request
    def _no_store(response: Response) -> Response:
        response.headers.setdefault("Cache-Control", "no-store")
        return response
