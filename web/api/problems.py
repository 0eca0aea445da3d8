"""RFC 9457 problem details: every API error is ``application/problem+json``, never HTML."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Response, json, request
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

from forecasts.errors import Conflict, DomainError, NotAllowed, NotFound, ValidationFailed

API_PREFIX = "/api/"
MEDIA_TYPE = "application/problem+json"

TITLES = {
    400: "Bad request", 401: "Not signed in", 403: "Not allowed", 404: "Not found",
    405: "Method not allowed", 409: "Not possible now", 413: "Request too large",
    415: "Unsupported media type", 422: "Check your input", 429: "Too many requests",
    500: "Internal error",
}


class Problem(Exception):
    """An API refusal raised from anywhere in a request; rendered by :func:`problem_response`."""

    def __init__(self, status: int, detail: str, errors: list[dict[str, str]] | None = None,
                 headers: Mapping[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.errors = status, detail, errors
        self.headers = dict(headers or {})


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def problem_response(status: int, detail: str, errors: list[dict[str, str]] | None = None,
                     headers: Mapping[str, str] | None = None) -> Response:
    """A problem+json response; ``errors`` lists ``{"field", "message"}`` for a 422."""
    body: dict[str, object] = {"type": "about:blank", "title": TITLES.get(status, "Error"),
                               "status": status, "detail": detail, "instance": request.path}
    if errors is not None:
        body["errors"] = errors
    response = Response(json.dumps(body), status=status, mimetype=MEDIA_TYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def from_domain(error: DomainError) -> Response:
    """Domain refusals: field errors are 422 with each field named; the rest by kind."""
    if isinstance(error, ValidationFailed):
        fields = [{"field": name, "message": message} for name, message in error.fields.items()]
        return problem_response(422, "Some fields need attention.", fields)
    status = 403 if isinstance(error, NotAllowed) else 404 if isinstance(
        error, NotFound) else 409 if isinstance(error, Conflict) else 400
    return problem_response(status, str(error))


def from_http(error: HTTPException) -> Response:
    """Werkzeug's errors (404, 405, 413, 429 ...) as problems, keeping headers like Allow."""
    status = error.code or 500
    headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
    return problem_response(status, error.description or TITLES.get(status, "Error"),
                            headers=headers)


def from_validation(error: ValidationError) -> Problem:
    """A pydantic validation error as a 422 listing each field and what is wrong with it."""
    fields = []
    for item in error.errors(include_url=False):
        where = ".".join(str(part) for part in item["loc"]) or "body"
        fields.append({"field": where, "message": item["msg"]})
    return Problem(422, "Some fields need attention.", fields)
