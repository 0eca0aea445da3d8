"""What the navigation shows beyond links: the managers' Drafts menu with its counts."""

from __future__ import annotations

import logging

from flask import Flask, g
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from forecasts.models import Role
from forecasts.questions import drafts
from web.database import get_session

logger = logging.getLogger(__name__)


def drafts_menu() -> drafts.DraftsWaiting | None:
    """Drafts waiting for a manager, counted once a request; None for anyone else, or when
    the database fails (an error page then shows a plain link)."""
    if not (current_user.is_authenticated and current_user.has_role(Role.manager)):
        return None
    if "drafts_menu" not in g:
        try:
            g.drafts_menu = drafts.drafts_waiting(get_session())
        except SQLAlchemyError:
            logger.exception("Counting drafts for the menu failed")
            g.drafts_menu = None
    return g.drafts_menu


def init_app(app: Flask) -> None:
    """Templates call ``drafts_menu()``; only pages that draw the menu pay for the counts."""
    app.add_template_global(drafts_menu)
