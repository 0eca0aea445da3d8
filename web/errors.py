"""Error pages and JSON errors: a clear message and the right status, never a traceback."""

from __future__ import annotations

import logging

from flask import Flask, g, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.wrappers import Response

from forecasts.errors import Conflict, DomainError, NotAllowed, NotFound, ValidationFailed
from web.api.problems import API_PREFIX, from_http, problem_response

logger = logging.getLogger(__name__)

STATUS_OF = {ValidationFailed: 400, NotAllowed: 403, NotFound: 404, Conflict: 409}


def status_of(error: DomainError) -> int:
    return next((code for kind, code in STATUS_OF.items() if isinstance(error, kind)), 400)


def wants_json() -> bool:
    """API and health routes, or clients that prefer JSON, get JSON errors."""
    if request.path.startswith(("/api/", "/healthz")):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def rollback_request_session() -> None:
    """End the request's failed transaction, so the error page can still read the database.

    Without this a failed flush (a NUL byte on PostgreSQL, a broken constraint) leaves the
    session unusable and the error page itself fails with PendingRollbackError.
    """
    session = g.get("db_session")
    if session is None:
        return
    try:
        session.rollback()
    except Exception:  # the connection itself may be gone; the page must render regardless
        logger.exception("Rolling back the request's session failed")


def error_response(code: int, title: str, message: str) -> tuple[Response | str, int]:
    rollback_request_session()
    if request.path.startswith(API_PREFIX):  # API clients get RFC 9457 problems, never HTML
        return problem_response(code, message), code
    if wants_json():
        return jsonify(error=title, message=message, status=code), code
    return render_template("error.html", code=code, title=title, message=message), code


def init_app(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(error: DomainError) -> ResponseReturnValue:
        code = status_of(error)
        return error_response(code, _title(code), str(error))

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> ResponseReturnValue:
        message = "The form expired or did not come from this site. Reload the page and try again."
        return error_response(400, "Form rejected", message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> ResponseReturnValue:
        if error.code is None or error.code < 400:
            return error
        if request.path.startswith(API_PREFIX):
            return from_http(error)  # keeps headers such as Allow and Retry-After
        return error_response(error.code, error.name, error.description or error.name)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> ResponseReturnValue:
        logger.exception("Unhandled error on %s %s", request.method, request.path)
        fallback = InternalServerError()
        return error_response(500, fallback.name, "Something went wrong on our side; nothing "
                              "you entered before this request was lost.")


def _title(code: int) -> str:
    return {400: "Check your input", 403: "Not allowed", 404: "Not found", 409: "Not possible now"}[
        code
    ]
