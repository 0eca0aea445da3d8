"""Flask extensions, created unbound and bound to the app in ``init_app``."""

from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from forecasts.models import User
from web.database import get_session

login_manager = LoginManager()
csrf = CSRFProtect()
# Limits are declared where they apply (the API blueprint per token); storage is in memory
# unless RATELIMIT_STORAGE_URI says otherwise.
limiter = Limiter(key_func=get_remote_address)


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    # One host: counts kept in memory per process. Several hosts: point RATELIMIT_STORAGE_URI
    # at a shared store (redis://...), which Flask-Limiter reads from the config.
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to see this page."
    login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    if not user_id.isdigit():
        return None
    user = get_session().get(User, int(user_id))
    return user if user is not None and user.active else None
