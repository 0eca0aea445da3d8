"""Security headers on every response: a strict CSP, no framing, nosniff, same-origin referrers,
HSTS only over HTTPS deployments, and no caching of signed-in pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import url_for

from web import create_app
from web.assets import PLOTLY_JS, PLOTLY_VERSION

# Checks response headers: the same on every engine, so SQLite alone.
pytestmark = pytest.mark.sqlite_only

TEMPLATES = Path(__file__).resolve().parents[2] / "web" / "templates"


def directives(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.strip() for part in policy.split(";") if part.strip()}


def test_every_page_carries_the_headers(client_for_anonymous, sign_in, forecaster):
    pages = [client_for_anonymous.get("/login"), client_for_anonymous.get("/healthz"),
             client_for_anonymous.get("/no-such-page"), sign_in(forecaster).get("/questions")]
    for response in pages:
        policy = directives(response)
        assert policy["script-src"] == "script-src 'self'"
        assert policy["style-src"] == "style-src 'self'"
        assert policy["frame-ancestors"] == "frame-ancestors 'none'"
        assert policy["object-src"] == "object-src 'none'"
        assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
        assert "unsafe-eval" not in response.headers["Content-Security-Policy"]
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in response.headers  # not an HTTPS deployment


def test_signed_in_pages_are_not_stored(client_for_anonymous, sign_in, forecaster):
    client = sign_in(forecaster)
    for page in ("/questions", "/leaderboard", f"/forecasters/{forecaster.id}"):
        assert client.get(page).headers["Cache-Control"] == "no-store", page
    assert "no-store" not in client_for_anonymous.get("/login").headers.get("Cache-Control", "")
    # the vendored plotly.js and its CSS stay cacheable for a year even when signed in
    with client.client.application.test_request_context():
        script = url_for("static", filename=PLOTLY_JS)
    for url in (script, f"/vendor/plotly-{PLOTLY_VERSION}.css"):
        vendor = client.get(url)
        assert vendor.status_code == 200
        assert "no-store" not in vendor.headers["Cache-Control"]
        assert "max-age=31536000" in vendor.headers["Cache-Control"]
        vendor.close()  # a file response holds the file open until closed


def test_plotlys_css_is_served_as_a_file(client_for_anonymous):
    response = client_for_anonymous.get(f"/vendor/plotly-{PLOTLY_VERSION}.css")
    assert response.status_code == 200 and response.mimetype == "text/css"
    css = response.get_data(as_text=True)
    assert ".js-plotly-plot .plotly .modebar{" in css and "X " not in css
    assert client_for_anonymous.get("/vendor/plotly-0.0.css").status_code == 404


def test_hsts_only_when_cookies_are_secure(settings, clock):
    secure = create_app(settings.with_overrides(session_cookie_secure=True), clock=clock)
    response = secure.test_client().get("/login", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    plain = create_app(settings, clock=clock)
    assert "Strict-Transport-Security" not in plain.test_client().get(
        "/login", base_url="https://localhost").headers
    for app in (secure, plain):
        app.extensions["engine"].dispose()


def test_no_template_has_inline_script_style_or_handlers():
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")
    handler = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text("utf-8")
        assert not inline_script.search(text), template
        assert not handler.search(text), template
        assert "style=" not in text, template
        assert "javascript:" not in text.lower(), template
