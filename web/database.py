"""One engine per app; one session per request, opened lazily and closed at teardown."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app, g
from sqlalchemy import Engine
from sqlmodel import Session

from forecasts.config import Settings
from forecasts.db import make_engine


def init_app(app: Flask, settings: Settings) -> None:
    app.extensions["engine"] = make_engine(settings)
    app.teardown_appcontext(_close_session)


def get_engine() -> Engine:
    return current_app.extensions["engine"]


def get_session() -> Session:
    """The request's session, opened on first use."""
    if "db_session" not in g:
        g.db_session = Session(get_engine())
    return g.db_session


def now() -> datetime:
    """The app clock's time (tests set it)."""
    return current_app.extensions["clock"].now()


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
