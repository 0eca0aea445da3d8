"""Who may open what: every route of the URL map × every method it accepts × every role.

The table ACCESS below is the one statement of each endpoint's lowest allowed role; the test
generates its cases from ``app.url_map``, so a new route without an entry fails until someone
decides who may use it. It runs on SQLite alone: permissions do not depend on the engine.

Expected answers: anonymous → a redirect to the sign-in page (401 for the JSON API); a role
below the entry → 403; the entry's role or above → neither 401 nor 403, and never a 5xx.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlmodel import Session
from werkzeug.exceptions import MethodNotAllowed
from werkzeug.routing import MapAdapter, Rule

from forecasts import briefings
from forecasts.accounts import tokens
from forecasts.models import Role, User
from forecasts.notifications import webhooks
from tests.conftest import SignedIn, csrf_token
from tests.support import builders
from web.assets import PLOTLY_VERSION

# Who may open what is decided before any query runs: the same on every engine, so SQLite alone.
pytestmark = pytest.mark.sqlite_only

ANONYMOUS = "anonymous"  # public: no sign-in needed
ROLES = (ANONYMOUS, Role.forecaster.value, Role.manager.value, Role.admin.value)
RANK = {role: rank for rank, role in enumerate(ROLES)}
RANK["token"] = len(ROLES)  # above every role a browser session can have

# endpoint → the lowest role that may use it (every method the route accepts).
ACCESS: dict[str, str] = {
    "static": ANONYMOUS,
    "health.healthz": ANONYMOUS,
    "auth.login": ANONYMOUS,
    "auth.logout": "forecaster",
    "questions.index": "forecaster",
    "questions.listing": "forecaster",
    "questions.detail": "forecaster",
    "questions.forecast": "forecaster",
    "questions.new": "manager",
    "questions.edit": "manager",
    "questions.publish": "manager",
    "questions.close": "manager",
    "questions.resolve": "manager",
    "questions.reopen": "manager",
    "questions.reaffirm": "forecaster",
    "discussion.comment": "forecaster",
    "discussion.share": "forecaster",
    "discussion.clarify": "manager",
    "sources.set_source": "manager",
    "sources.remove_source": "manager",
    "sources.confirm": "manager",
    "sources.dismiss": "manager",
    "people.me": "forecaster",
    "people.forecaster": "manager",  # another person's record (one's own: see VARIANTS)
    "account.profile_page": "forecaster",
    "jobs.index": "manager",
    "scores.leaderboard": "forecaster",
    "dashboards.index": "manager",
    "dashboards.calibration_page": "forecaster",  # one's own (others': see VARIANTS)
    "dashboards.estimative_page": "manager",
    "dashboards.scores_over_time": "manager",
    "briefings.index": "manager",
    "briefings.review": "manager",
    "briefings.update": "manager",
    "briefings.promote": "manager",
    "briefings.publish": "manager",
    "briefings.terms": "manager",
    "briefings.stated": "manager",
    "briefings.publication": "manager",
    "briefings.publications": "manager",
    "admin.users": "admin",
    "admin.update_user": "admin",
    "admin.teams": "admin",
    "admin.temporary_password": "admin",
    "account.password": "forecaster",
    "account.display_name": "forecaster",
    "account.forgot": ANONYMOUS,
    "account.reset": ANONYMOUS,
    "plotly_css.stylesheet": ANONYMOUS,
    "exports.index": "forecaster",
    "exports.dataset": "forecaster",  # each sees only their own rows (tests/web/test_export_*)
    "exports.archive": "forecaster",
    "exports.import_page": "manager",
    "tokens.index": "forecaster",
    "tokens.revoke": "forecaster",  # one's own; someone else's is 404 unless a manager asks
    "webhooks.index": "manager",
    "webhooks.remove": "manager",
    "api.openapi_document": ANONYMOUS,
    "api.docs": ANONYMOUS,
    "api.docs_asset": ANONYMOUS,
}

# The JSON API answers only a personal token, never a browser session, so every other /api/
# route must answer 401 to each role here (no role signs in with a token in this test). Which
# role a token's owner needs is tested per resource in tests/web/test_api.py.
TOKEN_ONLY = "token"
API_ENDPOINTS = (
    "accept_draft", "calibration", "close_question", "create_question", "edit_question",
    "get_briefing", "get_question", "import_briefing", "leaderboard", "list_questions", "me",
    "my_forecasts", "publish_briefing", "publish_question", "question_forecasts", "record",
    "resolve_question", "submit_forecast",
)
ACCESS.update({f"api.{name}": TOKEN_ONLY for name in API_ENDPOINTS})

# Routes whose rule depends on the query or on whose row it is: (method, URL, lowest role).
# "{self}" is the viewer's own user id, "{other}" another forecaster's.
VARIANTS: list[tuple[str, str, str]] = [
    ("GET", "/forecasters/{self}", "forecaster"),
    ("GET", "/dashboards/calibration?of=forecaster&id={self}", "forecaster"),
    ("GET", "/dashboards/calibration?of=forecaster&id={other}", "manager"),
    ("GET", "/dashboards/calibration?of=crowd", "manager"),
    ("GET", "/dashboards/calibration?of=team", "manager"),
    ("GET", "/dashboards/calibration?of=tag", "manager"),
    ("GET", "/dashboards/calibration?of=publication", "manager"),
    ("GET", "/dashboards/calibration?of=horizon", "manager"),
    ("GET", "/questions?status=drafts", "forecaster"),  # forecasters get the open list
]

# Endpoints that end the session: run last, and a redirect to the sign-in page is their success.
SIGNS_OUT = {"auth.logout"}

IGNORED_METHODS = {"HEAD", "OPTIONS"}  # answered by Flask for every route


@dataclass(frozen=True)
class Case:
    """One request to make and the lowest role allowed to make it."""

    method: str
    url: str
    endpoint: str
    lowest: str


@dataclass
class World:
    """The app, the people signed in as each role, and ids of real rows for URL parameters."""

    app: Flask
    people: dict[str, User]
    other: User
    params: dict[str, Any]


@pytest.fixture
def world(app: Flask, session: Session, forecaster: User, manager: User, admin: User) -> World:
    """A published question with a forecast, a pending proposal, a briefing with drafts."""
    other = builders.make_user(session, "olga")
    question = builders.make_question(session, manager)
    flagged = builders.make_question(session, manager, title="Will the harbour reopen by May?")
    proposal = builders.make_proposal(session, flagged, manager)
    briefing = builders.make_briefing(session, manager)
    draft = briefings.drafts(session, briefing)[0]
    params: dict[str, Any] = {
        "question_id": question.id, "proposal_id": proposal.id, "briefing_id": briefing.id,
        "draft_id": draft.id, "user_id": other.id, "filename": "style.css",
        "version": PLOTLY_VERSION, "token": "not-a-valid-token",
        "dataset": "forecasts", "fmt": "csv", "name": "swagger-ui.css",
        "token_id": tokens.create_token(session, other, name="olga's script", can_write=False,
                                        now=builders.T0).token.id,
        "webhook_id": webhooks.register(session, url="https://example.org/hook",
                                        events=["question.resolved"], style="json", secret="",
                                        actor=manager, now=builders.T0).id,
    }
    return World(app, {"forecaster": forecaster, "manager": manager, "admin": admin}, other,
                 params)


def routes(app: Flask) -> Iterator[tuple[Rule, str]]:
    """Every (rule, method) the app answers, in a stable order."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        for method in sorted((rule.methods or set()) - IGNORED_METHODS):
            yield rule, method


def cases(world: World) -> list[Case]:
    """Every route × method with its lowest role, then the variants; sign-outs last."""
    found: list[Case] = []
    with world.app.test_request_context():
        for rule, method in routes(world.app):
            missing = [name for name in rule.arguments if name not in world.params]
            assert not missing, (
                f"No value for URL parameter(s) {missing} of {rule.rule}: add a real row's id "
                f"to World.params in {__file__}")
            values = {name: world.params[name] for name in rule.arguments}
            found.append(Case(method, url_for(rule.endpoint, **values), rule.endpoint,
                              ACCESS[rule.endpoint]))
    found += [Case(method, url, "(variant)", lowest) for method, url, lowest in VARIANTS]
    return sorted(found, key=lambda case: case.endpoint in SIGNS_OUT)


def is_api(url: str) -> bool:
    return urlsplit(url).path.startswith("/api/")


def verdict(case: Case, role: str, status: int, location: str) -> str | None:
    """What is wrong with this answer for this role, or None when it is right."""
    where = urlsplit(location).path if location else ""
    if status >= 500:
        return f"answered {status}"
    if RANK[role] >= RANK[case.lowest]:
        if status in (401, 403):
            return f"allowed from {case.lowest}, but answered {status}"
        if where == "/login" and case.endpoint not in SIGNS_OUT and role != ANONYMOUS:
            return "allowed, but sent to the sign-in page (the session was lost?)"
        return None
    if case.lowest == "token":
        return None if status == 401 else f"a browser session on the API answered {status}, not 401"
    if role == ANONYMOUS:
        if is_api(case.url):
            return None if status == 401 else f"anonymous API call answered {status}, not 401"
        if status in (301, 302, 303, 307, 308) and where == "/login":
            return None
        return f"anonymous: answered {status} {location!r}, not a redirect to /login"
    return None if status == 403 else (f"needs {case.lowest}, but {role} got {status} "
                                       f"{location!r}, not 403")


def client_for(world: World, role: str) -> tuple[FlaskClient, str]:
    """A client signed in through the real form as ``role`` (or anonymous), and its CSRF token."""
    client = world.app.test_client()
    if role == ANONYMOUS:
        return client, csrf_token(client, "/login")
    signed_in = SignedIn(client, world.people[role])
    return client, signed_in.token


def fill(url: str, world: World, role: str) -> str:
    viewer = world.people.get(role, world.other)
    return url.format(self=viewer.id, other=world.other.id)


def request_as(client: FlaskClient, token: str) -> Callable[[Case, str], tuple[int, str]]:
    def send(case: Case, url: str) -> tuple[int, str]:
        if case.method == "GET":
            response = client.get(url)
        else:
            response = client.open(url, method=case.method, data={"csrf_token": token})
        response.close()  # file responses (static, plotly.js) hold their file open until then
        return response.status_code, response.headers.get("Location", "")

    return send


def test_every_route_has_an_entry(app: Flask) -> None:
    endpoints = {rule.endpoint for rule, _ in routes(app)}
    missing = sorted(endpoints - ACCESS.keys())
    assert not missing, (
        f"Routes without an entry in ACCESS ({__file__}): {missing}. Add each with the lowest "
        f"role allowed to use it, one of {ROLES}.")
    stale = sorted(ACCESS.keys() - endpoints)
    assert not stale, f"ACCESS names endpoints the app no longer has: {stale}"
    assert all(lowest in (*ROLES, TOKEN_ONLY) for lowest in ACCESS.values())


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_what_the_table_allows(world: World, role: str) -> None:
    missing = {rule.endpoint for rule, _ in routes(world.app)} - ACCESS.keys()
    if missing:
        pytest.fail(f"Routes without an entry in ACCESS: {sorted(missing)}")
    client, token = client_for(world, role)
    send = request_as(client, token)
    wrong = []
    for case in cases(world):
        url = fill(case.url, world, role)
        status, location = send(case, url)
        problem = verdict(case, role, status, location)
        if problem:
            wrong.append(f"{case.method} {url} ({case.endpoint}) as {role}: {problem}")
    assert not wrong, "\n".join(wrong)


def test_methods_a_route_does_not_accept_are_refused(world: World) -> None:
    """A GET cannot trigger a POST-only action, nor a POST reach a GET-only page."""
    client, token = client_for(world, Role.admin.value)
    wrong = []
    adapter = world.app.url_map.bind("localhost")
    with world.app.test_request_context():
        for rule in world.app.url_map.iter_rules():
            url = url_for(rule.endpoint, **{n: world.params[n] for n in rule.arguments})
            # another rule may serve the same path with that method (the API's GET and POST)
            served = {m for m in ("GET", "POST") if _serves(adapter, url, m)}
            for method in {"GET", "POST"} - served:
                response = client.open(url, method=method, data={"csrf_token": token})
                response.close()
                if response.status_code != 405:
                    wrong.append(f"{method} {url}: {response.status_code}, not 405")
    assert not wrong, "\n".join(wrong)


def _serves(adapter: MapAdapter, url: str, method: str) -> bool:
    try:
        adapter.match(urlsplit(url).path, method=method)
    except MethodNotAllowed:
        return False
    return True
