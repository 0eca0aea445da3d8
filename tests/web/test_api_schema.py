"""schemathesis against the live OpenAPI document: no 5xx, every response as documented.

Bounded (a few examples per operation) so it stays well under a minute in CI.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from forecasts import resolution
from forecasts.accounts import tokens
from forecasts.models import Role
from forecasts.questions import forecasting
from tests.support.builders import T0, make_question, make_user

EXAMPLES = 8
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


@pytest.fixture
def api_schema(app, session):  # type: ignore[no-untyped-def]
    """The app's own document, with a manager's read-write token and some data to find."""
    app.config["SETTINGS"] = app.config["SETTINGS"].with_overrides(
        api_rate_limit="100000 per minute")
    manager = make_user(session, "maria", Role.manager)
    question = make_question(session, manager)
    make_question(session, manager, published=False, title="A draft")
    forecasting.submit_forecast(session, question, forecaster=manager, probability=0.3,
                                now=T0 + timedelta(days=1))
    finn = make_user(session, "finn")
    resolved = make_question(session, manager, title="A resolved question", tags=["Grain"])
    for person, p in [(manager, 0.4), (finn, 0.9)]:
        forecasting.submit_forecast(session, resolved, forecaster=person, probability=p,
                                    now=T0 + timedelta(days=2))
    resolution.resolve(session, resolved, outcome="yes", actor=manager,
                       now=resolved.closes_at + timedelta(days=1))
    secret = tokens.create_token(session, manager, name="fuzz", can_write=True, now=T0).secret
    app.config["FUZZ_HEADERS"] = {"Authorization": f"Bearer {secret}"}
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def test_every_operation_answers_as_documented(api_schema, app):  # type: ignore[no-untyped-def]
    # Each operation in turn, by hand: schemathesis' pytest loader does not run on pytest 9.
    headers = app.config["FUZZ_HEADERS"]
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 15

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def answers_as_documented(case):  # type: ignore[no-untyped-def]
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS)

        answers_as_documented()
