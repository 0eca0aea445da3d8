"""Flask extensions, created unbound and bound to the app in ``init_app``."""

from __future__ import annotations

from flask import Flask
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from forecasts.accounts import user_for_session
from forecasts.models import User
from web.database import get_session

login_manager = LoginManager()
csrf = CSRFProtect()


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to see this page."
    login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The signed-in person, if the session's id still holds (see accounts.user_for_session)."""
    return user_for_session(get_session(), session_id)
