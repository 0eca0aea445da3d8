"""Liveness and readiness for load balancers and `make run`'s smoke check."""

from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy.exc import SQLAlchemyError

from forecasts import schema
from forecasts.db import check_database
from web.database import get_engine

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():  # type: ignore[no-untyped-def]
    """200 with the database reachable and migrated; 503 with the reason otherwise."""
    engine = get_engine()
    try:
        check_database(engine)
        behind = schema.pending(engine)
    except SQLAlchemyError as error:
        reason = str(error.orig) if getattr(error, "orig", None) else type(error).__name__
        return jsonify(status="error", database="unreachable", detail=reason), 503
    if behind:
        return jsonify(status="error", database="ok", migrations="pending",
                       detail="Run `forecasts db upgrade`."), 503
    return jsonify(status="ok", database="ok", backend=engine.dialect.name, migrations="current")
