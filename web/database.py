"""One engine per app; one session per request, opened lazily and closed at teardown.

A request is one unit of work (see ``forecasts.db.unit_of_work``): domain functions only flush,
and the request's transaction is committed here after a response below 400, and rolled back
after any other (an error page, a refused form), so a refused change stores nothing.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime

from flask import Flask, Response, current_app, g
from sqlalchemy import Engine
from sqlmodel import Session

from forecasts.config import Settings
from forecasts.db import make_engine, unit_of_work


def init_app(app: Flask, settings: Settings) -> None:
    app.extensions["engine"] = make_engine(settings)
    # Registered before every other after_request hook, so it runs last: the response is final.
    app.after_request(_end_transaction)
    app.teardown_appcontext(_close_session)


def get_engine() -> Engine:
    return current_app.extensions["engine"]


def get_session() -> Session:
    """The request's session, opened on first use."""
    if "db_session" not in g:
        g.db_session = Session(get_engine())
    return g.db_session


def command_session() -> AbstractContextManager[Session]:
    """A CLI command's unit of work on the app's engine (committed unless the command fails)."""
    return unit_of_work(get_engine())


def now() -> datetime:
    """The app clock's time (tests set it)."""
    return current_app.extensions["clock"].now()


def _end_transaction(response: Response) -> Response:
    """Commit the request's work if it succeeded, roll it back if not."""
    session = g.get("db_session")
    if session is not None:
        if response.status_code < 400:
            session.commit()
        else:
            session.rollback()
    return response


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
