"""Liveness and readiness for load balancers and `make run`'s smoke check.

Cheap enough to poll: the expected migration heads are read from the scripts once per process,
at its first check (not when the app is built: a worker or CLI call that is never asked would
pay for Alembic's import and the script parsing for nothing), and each request asks the
database one small question. Anonymous callers learn only the status and a short reason;
signed-in admins also get the details (which may name the database server).
"""

from __future__ import annotations

import logging

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from forecasts import db_errors, schema
from web.database import get_engine

logger = logging.getLogger(__name__)
bp = Blueprint("health", __name__)


def _is_admin() -> bool:
    try:
        return bool(current_user.is_authenticated and current_user.is_admin)
    except SQLAlchemyError:  # the user cannot be loaded while the database is down
        return False


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """200 with the database reachable and migrated; 503 with a short reason otherwise."""
    engine = get_engine()
    try:
        current = schema.is_current(engine, schema.expected_heads())
    except SQLAlchemyError as error:
        logger.warning("Health check: database unreachable: %s", error)
        orig = getattr(error, "orig", None)  # the driver's own error, when there is one
        detail = str(orig) if orig is not None else type(error).__name__
        body = {"status": "error", "reason": "database unreachable"}
        return jsonify(body | ({"detail": detail} if _is_admin() else {})), 503
    if not current:
        # behind (a deploy before its `db upgrade`) or ahead (newer code ran on it, then this
        # older code was put back): different repairs
        unknown = schema.unknown_revisions(engine)
        body = {"status": "error",
                "reason": "database newer than this code" if unknown else "migrations pending"}
        if _is_admin():
            body["detail"] = (db_errors.newer_code(unknown) if unknown
                              else "Run `forecasts db upgrade`.")
        return jsonify(body), 503
    body = {"status": "ok"}
    if _is_admin():
        body |= {"database": "ok", "backend": engine.dialect.name, "migrations": "current"}
    return jsonify(body)
