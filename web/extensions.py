"""Flask extensions, created unbound and bound to the app in ``init_app``."""

from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from forecasts.accounts.people import user_for_session
from forecasts.models import User
from web.database import get_session

login_manager = LoginManager()
csrf = CSRFProtect()
# Counts by client address unless a limit says otherwise; limits are set per view, none by
# default. The storage (memory, or Redis for several hosts) comes from the settings.
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)


def init_app(app: Flask) -> None:
    settings = app.config["SETTINGS"]
    app.config["RATELIMIT_STORAGE_URI"] = settings.ratelimit_storage_uri
    limiter.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to see this page."
    login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The signed-in person, if the session's id still holds (see accounts.user_for_session)."""
    return user_for_session(get_session(), session_id)
