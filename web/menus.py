"""What the navigation shows beyond links: the managers' Drafts menu with its counts."""

from __future__ import annotations

from flask import Flask, g
from flask_login import current_user

from forecasts import drafts
from forecasts.models import Role
from web.database import get_session


def drafts_menu() -> drafts.DraftsWaiting | None:
    """Drafts waiting for a manager (None for anyone else), counted once a request."""
    if not (current_user.is_authenticated and current_user.has_role(Role.manager)):
        return None
    if "drafts_menu" not in g:
        g.drafts_menu = drafts.drafts_waiting(get_session())
    return g.drafts_menu  # type: ignore[no-any-return]


def init_app(app: Flask) -> None:
    """Templates call ``drafts_menu()``; only pages that draw the menu pay for the counts."""
    app.add_template_global(drafts_menu)
