"""Bad input, table-driven: every case answers 4xx or a form error, never 5xx, and stores nothing.

Runs on SQLite and PostgreSQL (where a NUL byte or an id of 2**31 used to end in a 500); the cases
that a parser refuses before any query runs on SQLite alone (see REACHES_SQL).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import g
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select
from sqlmodel import Session, SQLModel

from forecasts import bounds, briefings
from forecasts.errors import ValidationFailed
from forecasts.models import Outcome, Team
from forecasts.questions import catalog as questions
from forecasts.resolution import proposals
from tests.conftest import SignedIn
from tests.support.builders import T0, make_question, question_input

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "briefings" / "harbour-desk.txt"
BIG_INT = "99999999999999999999999"
INT4 = str(2**31)  # the first id PostgreSQL's INTEGER columns cannot hold
INT8 = str(2**63)  # beyond 63 bits


@dataclass
class World:
    """What the cases point at: an open question, a briefing with drafts, a proposal."""

    question_id: int
    briefing_id: int
    draft_id: int
    proposal_id: int


def row_counts(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return {table.name: session.execute(select(func.count()).select_from(table)).scalar_one()
                for table in SQLModel.metadata.sorted_tables}


@pytest.fixture
def world(session, admin) -> World:  # type: ignore[no-untyped-def]
    question = make_question(session, admin)
    briefing = briefings.import_briefing(session, FIXTURE.read_text("utf-8"),
                                         published=date(2026, 1, 5), importer=admin, now=T0)
    draft = briefings.drafts(session, briefing)[0]
    other = make_question(session, admin, title="Will the port reopen by April?")
    proposal = proposals.propose(session, other, outcome=Outcome.yes, facts={"value": 1},
                                 actor=admin, auto_apply=False, now=T0)
    assert proposal is not None
    return World(question.id, briefing.id, draft.id, proposal.id)  # type: ignore[arg-type]


def question_form(**changes: str) -> dict[str, str]:
    return {"title": "Will the strike end by March?", "description": "",
            "resolution_criteria": "YES if the union says so.",
            "opens_at": "2026-01-05T09:00", "closes_at": "2026-02-05T09:00",
            "resolve_by": "2026-02-15T09:00", "source_name": "", "source_url": "",
            "source_quote": "", "tags": "Ports"} | changes


def draft_form(w: World, **changes: str) -> dict[str, str]:
    values = {"title": "Will the dock strike end?", "resolution_criteria": "YES if it ends.",
              "closes_at": "2026-06-01T00:00", "resolve_by": "2026-06-15T00:00",
              "probability": "30", "tags": "Ports"} | changes
    return {"action": "save", **{f"d{w.draft_id}-{k}": v for k, v in values.items()}}


def source_form(**changes: str) -> dict[str, str]:
    return {"kind": "http_json", "url": "https://example.org/x.json", "pointer": "/status",
            "comparison": "==", "value": "done", "pattern": ""} | changes


@dataclass(frozen=True)
class Case:
    method: str
    path: Callable[[World], str]
    expect: int
    data: Callable[[World], dict[str, str]] = field(default=lambda w: {})
    says: str = ""  # a piece of the message the page must show


def get(path: str, expect: int, says: str = "") -> Case:
    return Case("GET", lambda w: path, expect, says=says)


def post(path: Callable[[World], str], data: Callable[[World], dict[str, str]], expect: int,
         says: str = "") -> Case:
    return Case("POST", path, expect, data, says)


def on_question(suffix: str = "") -> Callable[[World], str]:
    return lambda w: f"/questions/{w.question_id}{suffix}"


NUL, LONG_TITLE = "Will\x00 it?", "x" * (bounds.TITLE.max_length + 1)
CASES: dict[str, Case] = {
    # Ids in the path: anything but ASCII digits naming 1 … 2**31 - 1 matches no route.
    "id beyond 64 bits": get(f"/questions/{BIG_INT}", 404),
    "id beyond 63 bits": get(f"/questions/{INT8}", 404),
    "id beyond INTEGER": get(f"/questions/{INT4}", 404),
    "id zero": get("/questions/0", 404),
    "superscript id": get("/questions/%C2%B2", 404),
    "Arabic-Indic id": get("/questions/%D9%A3", 404),
    "forecaster id beyond INTEGER": get(f"/forecasters/{INT4}", 404),
    "briefing id beyond INTEGER": get(f"/briefings/{INT4}", 404),
    "draft id beyond 64 bits": post(lambda w: f"/briefings/{w.briefing_id}/drafts/{BIG_INT}",
                                    lambda w: {"action": "reject"}, 404),
    "user id beyond INTEGER": post(lambda w: f"/admin/users/{INT4}", lambda w: {}, 404),
    "forecast on id beyond INTEGER": post(lambda w: f"/questions/{INT4}/forecasts",
                                          lambda w: {"probability": "30"}, 404),
    "proposal id beyond INTEGER": post(lambda w: f"/proposals/{INT4}/dismiss",
                                       lambda w: {"note": "wrong"}, 404),
    # Query strings.
    "leaderboard to 9999-12-31": get("/leaderboard?to=9999-12-31", 400, "2200-12-31"),
    "leaderboard from 0001-01-01": get("/leaderboard?from=0001-01-01", 400, "1970-01-01"),
    "leaderboard Arabic-Indic day": get("/leaderboard?from=%D9%A2%D9%A0%D9%A2%D9%A6-01-01", 400),
    "leaderboard superscript min": get("/leaderboard?min=%C2%B2", 400, "whole number"),
    "leaderboard huge min": get(f"/leaderboard?min={BIG_INT}", 400),
    "calibration superscript id": get("/dashboards/calibration?of=forecaster&id=%C2%B2", 400),
    "calibration team id beyond 64 bits": get(f"/dashboards/calibration?of=team&id={BIG_INT}",
                                              400),
    "calibration tag id beyond INTEGER": get(f"/dashboards/calibration?of=tag&id={INT4}", 400),
    "calibration superscript bins": get("/dashboards/calibration?bins=%C2%B2", 400),
    "calibration full-width bins": get("/dashboards/calibration?bins=%EF%BC%95", 400),
    "scores over time team id beyond INTEGER": get(
        f"/dashboards/scores-over-time?of=team&id={INT4}", 400),
    "NUL in a tag filter": get("/questions?tag=%00", 400, "control character"),
    "NUL in a leaderboard filter": get("/leaderboard?team=a%00", 400),
    "NUL in a publication filter": get("/briefings/terms?publication=%00", 400),
    # The question form.
    "title over 300": post(lambda w: "/questions/new", lambda w: question_form(title=LONG_TITLE),
                           303, "at most 300 characters (this has 301)"),
    "NUL in a title": post(lambda w: "/questions/new", lambda w: question_form(title=NUL), 303,
                           "U+0000"),
    "line break in a title": post(lambda w: "/questions/new",
                                  lambda w: question_form(title="Will\nit?"), 303, "one line"),
    "7 MB description": post(lambda w: "/questions/new",
                             lambda w: question_form(description="x" * 7_000_000), 303,
                             "at most 10,000 characters"),
    "escape in criteria": post(lambda w: "/questions/new",
                               lambda w: question_form(resolution_criteria="YES \x1b[31m"), 303,
                               "U+001B"),
    "opens 0001-01-01": post(lambda w: "/questions/new",
                             lambda w: question_form(opens_at="0001-01-01T00:00"), 303,
                             "1970-01-01 to 2200-12-31"),
    "closes 9999-12-31": post(lambda w: "/questions/new",
                              lambda w: question_form(closes_at="9999-12-31T00:00",
                                                      resolve_by="9999-12-31T00:00"), 303),
    "Arabic-Indic date": post(lambda w: "/questions/new", lambda w: question_form(
        opens_at="٢٠٢٦-01-05T09:00"), 303, "digits 0–9"),
    "tag over 60": post(lambda w: "/questions/new", lambda w: question_form(tags="t" * 61), 303,
                        "at most 60 characters"),
    "NUL in a source link": post(lambda w: "/questions/new",
                                 lambda w: question_form(source_url="https://a.org/\x00"), 303),
    "edit title over 300": post(on_question("/edit"), lambda w: question_form(title=LONG_TITLE),
                                303),
    # Forecasts, closing, resolving.
    "Arabic-Indic probability": post(on_question("/forecasts"), lambda w: {"probability": "٣٠"},
                                     303, "1 to 99"),
    "superscript probability": post(on_question("/forecasts"), lambda w: {"probability": "3²"},
                                    303),
    "underscored probability": post(on_question("/forecasts"), lambda w: {"probability": "1_0"},
                                    303),
    "NUL in a rationale": post(on_question("/forecasts"),
                               lambda w: {"probability": "30", "rationale": "because\x00"}, 303),
    "rationale over 10,000": post(on_question("/forecasts"), lambda w: {
        "probability": "30", "rationale": "x" * 10_001}, 303, "at most 10,000 characters"),
    "NUL in a resolution note": post(on_question("/resolve"),
                                     lambda w: {"outcome": "yes", "note": "seen\x00"}, 303),
    "NUL in a close note": post(on_question("/close"), lambda w: {"note": "done\x00"}, 303),
    # Automatic resolution.
    "NUL in a source URL": post(on_question("/source"),
                                lambda w: source_form(url="https://a.org/\x00"), 303, "U+0000"),
    "pattern over 500": post(on_question("/source"), lambda w: source_form(
        kind="feed", pattern="p" * 501), 303, "at most 500 characters"),
    "Arabic-Indic threshold": post(on_question("/source"), lambda w: source_form(
        comparison=">=", value="١٠"), 303, "with a number"),
    "NUL in a dismissal reason": post(lambda w: f"/proposals/{w.proposal_id}/dismiss",
                                      lambda w: {"note": "wrong\x00"}, 303, "U+0000"),
    # Briefings.
    "briefing dated 9999-12-31": post(lambda w: "/briefings", lambda w: {
        "text": FIXTURE.read_text("utf-8"), "published": "9999-12-31", "yardstick": "icd203"},
        400, "2200-12-31"),
    "briefing dated 0001-01-01": post(lambda w: "/briefings", lambda w: {
        "text": FIXTURE.read_text("utf-8"), "published": "0001-01-01", "yardstick": "icd203"},
        400),
    "NUL in a briefing": post(lambda w: "/briefings", lambda w: {
        "text": FIXTURE.read_text("utf-8") + "\x00", "published": "2026-01-05",
        "yardstick": "icd203"}, 400, "U+0000"),
    "NUL in a publication": post(lambda w: "/briefings", lambda w: {
        "text": FIXTURE.read_text("utf-8"), "published": "2026-01-05", "yardstick": "icd203",
        "publication": "Wire\x00"}, 400),
    "draft title over 300": post(lambda w: f"/briefings/{w.briefing_id}/drafts/{w.draft_id}",
                                 lambda w: draft_form(w, title=LONG_TITLE), 303),
    "draft closing 9999-12-31": post(lambda w: f"/briefings/{w.briefing_id}/drafts/{w.draft_id}",
                                     lambda w: draft_form(w, closes_at="9999-12-31T00:00",
                                                          resolve_by="9999-12-31T00:00"), 303),
    "superscript sentence": post(lambda w: f"/briefings/{w.briefing_id}/promote",
                                 lambda w: {"sentence_index": "²"}, 303),
    "huge sentence index": post(lambda w: f"/briefings/{w.briefing_id}/promote",
                                lambda w: {"sentence_index": BIG_INT}, 303),
    # People and teams.
    "NUL in a username": post(lambda w: "/admin/users", lambda w: {
        "username": "ne\x00w", "password": "long-enough-1", "role": "forecaster",
        "team_id": "0"}, 303),
    "display name over 80": post(lambda w: "/admin/users", lambda w: {
        "username": "newbie", "display_name": "d" * 81, "password": "long-enough-1",
        "role": "forecaster", "team_id": "0"}, 303, "at most 80 characters"),
    "NUL in an email": post(lambda w: "/admin/users", lambda w: {
        "username": "newbie", "email": "a\x00@example.org", "password": "long-enough-1",
        "role": "forecaster", "team_id": "0"}, 303),
    "superscript team": post(lambda w: "/admin/users", lambda w: {
        "username": "newbie", "password": "long-enough-1", "role": "forecaster",
        "team_id": "²"}, 303),
    "team name over 80": post(lambda w: "/admin/teams", lambda w: {"name": "t" * 81}, 303),
    "NUL in a team name": post(lambda w: "/admin/teams", lambda w: {"name": "Red\x00"}, 303),
    "NUL in my email": post(lambda w: "/profile", lambda w: {
        "email": "me\x00@example.org", "interval_days": "14"}, 303),
    "Arabic-Indic interval": post(lambda w: "/profile", lambda w: {"interval_days": "١٤"}, 303,
                                  "digits 0–9"),
}


# Cases whose value could reach SQL and fail differently there (NUL bytes, ids past INTEGER, dates
# past a column's range, values past a length CHECK) run on both engines; the rest are refused by
# a parser before any query, the same on every engine, and run on SQLite alone.
REACHES_SQL = ("NUL", "INTEGER", "bits", "huge", "9999", "0001", "over")


def reaches_sql(name: str) -> bool:
    return any(word in name for word in REACHES_SQL)


@pytest.mark.parametrize("name", [name for name in CASES if reaches_sql(name)])
def test_bad_input_gets_a_clear_4xx_and_stores_nothing(name, world, sign_in, admin, engine):
    check_refused(CASES[name], world, sign_in(admin), engine)


@pytest.mark.sqlite_only
@pytest.mark.parametrize("name", [name for name in CASES if not reaches_sql(name)])
def test_malformed_input_is_refused_before_any_query(name, world, sign_in, admin, engine):
    check_refused(CASES[name], world, sign_in(admin), engine)


def check_refused(case: Case, world: World, client: SignedIn, engine: Engine) -> None:
    """The case answers its 4xx (or a form error on the question page) and stores nothing."""
    before = row_counts(engine)
    path, data = case.path(world), case.data(world)
    response = client.get(path) if case.method == "GET" else client.post(path, data)
    assert response.status_code == case.expect, response.get_data(as_text=True)[:2000]
    if case.expect == 303:  # forms answer on their own page (Post/Redirect/Get), with the reason
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        shown = case.says or ('class="error"' if 'class="error"' in page else "flash-error")
        assert shown in page, page
    elif case.says:
        assert case.says in response.get_data(as_text=True)
    assert row_counts(engine) == before


@pytest.mark.parametrize("path", [f"/questions/{INT4}", f"/questions/{BIG_INT}"])
def test_bad_ids_are_json_problems_for_json_clients(path, sign_in, admin):
    response = sign_in(admin).get(path, headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json()["status"] == 404


def test_the_domain_refuses_a_question_opening_on_0001_01_01(session, admin, engine):
    before = row_counts(engine)
    with pytest.raises(ValidationFailed) as caught:
        questions.create_question(session, question_input(opens_at=T0.replace(year=1)),
                                  author=admin, now=T0)
    assert "1970-01-01 to 2200-12-31" in caught.value.fields["opens_at"]
    session.rollback()
    assert row_counts(engine) == before


def test_a_failed_write_leaves_the_session_usable_for_the_error_page(app, sign_in, admin):
    """The 500 handler rolls back first, so no request leaves its session unusable."""
    from web.database import get_session

    seen: dict[str, bool] = {}

    @app.get("/test-only/failing-write")
    def failing_write():  # type: ignore[no-untyped-def]
        get_session().add(Team(name="t" * 81, created_at=T0))  # over the CHECK on both engines
        get_session().flush()

    @app.teardown_request
    def look(_exc: BaseException | None) -> None:
        session = g.get("db_session")
        if session is not None:
            seen["active"] = session.is_active
            seen["reads"] = session.execute(select(func.count()).select_from(Team)).scalar() == 0

    response = sign_in(admin).get("/test-only/failing-write")
    assert response.status_code == 500
    assert "Something went wrong" in response.get_data(as_text=True)
    assert seen == {"active": True, "reads": True}


def test_a_suggested_title_over_300_is_shortened_visibly_and_must_be_rewritten(session, admin,
                                                                               sign_in):
    unions = ", ".join(f"the dock workers of pier {i} in the northern district" for i in range(12))
    text = f"Source: Coastal Monitor\n\nA coalition of {unions} is likely to strike before March."
    suggested = briefings.parse(text, published=date(2026, 1, 5),
                                yardstick="icd203").drafts[0].title
    briefing = briefings.import_briefing(session, text, published=date(2026, 1, 5),
                                         importer=admin, now=T0)
    [draft] = briefings.drafts(session, briefing)
    assert len(suggested) > bounds.TITLE.max_length >= len(draft.title)
    assert draft.title.endswith(" …") and suggested.startswith(draft.title[:-2])
    assert suggested[len(draft.title) - 2] == " "  # cut between words, not inside one
    fields = {"title": draft.title, "resolution_criteria": "YES if they strike.",
              "closes_at": "2026-06-01T00:00", "resolve_by": "2026-06-15T00:00",
              "probability": "60", "tags": ""}
    shown = sign_in(admin).post_refused(f"/briefings/{briefing.id}/drafts/{draft.id}", {
        "action": "accept", **{f"d{draft.id}-{k}": v for k, v in fields.items()}},
        page=f"/briefings/{briefing.id}")
    assert "rewrite it before accepting" in shown.get_data(as_text=True)
    session.refresh(draft)
    assert draft.state.value == "pending"


@pytest.fixture
def signed_in_admin(sign_in, admin):  # type: ignore[no-untyped-def]
    return sign_in(admin)


ANY_TEXT = st.text(st.characters(exclude_characters="/?#%", exclude_categories=["Cs"]),
                   min_size=1, max_size=30)  # surrogates cannot travel in a URL


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(segment=ANY_TEXT | st.integers(-(2**70), 2**70).map(str), query=ANY_TEXT)
def test_no_id_or_query_value_whatever_its_text_gives_a_5xx(signed_in_admin, segment, query):
    client = signed_in_admin  # one sign-in serves every example
    by_id = client.get(f"/questions/{quote(segment)}")
    assert by_id.status_code == 404  # no question exists, so even a valid id finds nothing
    for name in ("min", "from", "to", "team"):
        assert client.get(f"/leaderboard?{name}={quote(query)}").status_code in (200, 400)
    for name in ("id", "bins"):
        page = client.get(f"/dashboards/calibration?of=team&{name}={quote(query)}")
        assert page.status_code in (200, 400, 404)
