"""The JSON API under ``/api/v1``: token-authenticated, documented by OpenAPI 3.1, errors as
RFC 9457 problems. Views only turn HTTP into calls of the ``forecasts`` domain.
"""

from __future__ import annotations

from flask import Blueprint
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from forecasts.errors import DomainError
from forecasts.models import Team
from web.api import briefings, docs, forecasting, questions, scores
from web.api.auth import api_token, api_user, protect
from web.api.problems import Problem, from_domain, from_http, from_validation, problem_response
from web.api.schemas import Me
from web.api.spec import api_spec, responses
from web.database import get_session

bp = Blueprint("api", __name__, url_prefix="/api/v1")
protect(bp)
for module in (docs, questions, forecasting, scores, briefings):
    module.register(bp)


@bp.get("/me")
@api_spec.validate(resp=responses(HTTP_200=Me), tags=["me"])
def me() -> Me:
    """Who the token belongs to, and what it may do."""
    user, token = api_user(), api_token()
    team = get_session().get(Team, user.team_id) if user.team_id else None
    return Me(id=user.id, username=user.username, display_name=user.display_name,  # type: ignore[arg-type]
              role=user.role, team=team.name if team else None, token_name=token.name,
              token_can_write=token.can_write)


# A problem answers 4xx, so web/database.py rolls the request's transaction back: a refused
# change leaves nothing half-written.
@bp.errorhandler(Problem)
def _problem(error: Problem) -> Response:
    return problem_response(error.status, error.detail, error.errors, error.headers)


@bp.errorhandler(DomainError)
def _domain(error: DomainError) -> Response:
    return from_domain(error)


@bp.errorhandler(ValidationError)
def _validation(error: ValidationError) -> Response:
    problem = from_validation(error)
    return problem_response(problem.status, problem.detail, problem.errors)


@bp.errorhandler(HTTPException)
def _http(error: HTTPException) -> Response:
    return from_http(error)
