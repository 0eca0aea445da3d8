"""Security headers on every response, set by Flask-Talisman.

Why Flask-Talisman (1.1, started at Google, now kept by wntrblm): it is a Flask extension that
sets all of these (CSP, frame options, HSTS, nosniff, referrer policy, cookie flags) from one
call and allows per-view overrides; `secure` is framework-neutral and would need our own
after-request glue and its own HSTS condition.

The CSP allows scripts, styles, fonts and connections only from this site: no inline script,
no inline style, no eval. Pages put their data in ``<script type="application/json">`` blocks
that static scripts read (charts.js). Images may also be data:/blob: URLs, which plotly uses
for PNG downloads.
"""

from __future__ import annotations

from flask import Flask, request, session
from flask_talisman import Talisman
from werkzeug.wrappers import Response

from forecasts.config import Settings

SELF = "'self'"
CONTENT_SECURITY_POLICY = {
    "default-src": SELF,
    "script-src": SELF,
    "style-src": SELF,
    "img-src": [SELF, "data:", "blob:"],
    "font-src": SELF,
    "connect-src": SELF,
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": SELF,
    "frame-ancestors": "'none'",
}

talisman = Talisman()


def init_app(app: Flask, settings: Settings) -> None:
    """Set the headers on every response; signed-in pages are never stored by caches."""
    talisman.init_app(
        app,
        # TLS ends at the proxy in front of gunicorn; redirecting here would loop behind it.
        force_https=False,
        # HSTS only where the deployment says it is HTTPS (the same switch as secure cookies).
        strict_transport_security=settings.session_cookie_secure,
        session_cookie_secure=settings.session_cookie_secure,
        frame_options="DENY",
        content_security_policy=CONTENT_SECURITY_POLICY,
        referrer_policy="same-origin",
        x_content_type_options=True,
    )
    app.after_request(_no_store_when_signed_in)


def _no_store_when_signed_in(response: Response) -> Response:
    # A signed-in page may hold private forecasts: no cache, shared or the browser's, keeps it.
    # The session's user id is read without loading the user, so this never touches the
    # database (it runs after a failed /healthz too); public files (plotly.js) keep their cache.
    if "_user_id" in session and not response.cache_control.public \
            and request.endpoint != "static":
        response.headers["Cache-Control"] = "no-store"
    return response
