"""The API states and enforces the limits of ``forecasts.bounds``: the ones the pages, the README
and the domain use. Each test would fail if a copy of a limit in the API drifted from bounds.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select

from forecasts import bounds
from forecasts.models import Forecast, Question
from forecasts.questions.catalog import QUESTION_TEXTS
from tests.support.api import ApiClient
from tests.support.builders import T0, make_question

# What the domain enforces on each text field the API takes (the question's own fields are the
# catalog's, so they are read from there rather than written out again).
DOMAIN_LIMITS: dict[str, bounds.TextLimit] = {
    **QUESTION_TEXTS,
    "tags": bounds.TAG,  # each tag's name
    "note": bounds.NOTE,  # close and resolve notes
    "rationale": bounds.RATIONALE,
    "text": bounds.BRIEFING_TEXT,
    "publication": bounds.PUBLICATION,
    "yardstick": bounds.TERM,
    # filters: as long as what they match (a tag or team name), or the page's filter text
    "tag": bounds.TAG,
    "team": bounds.TEAM_NAME,
    "q": bounds.QUERY_TEXT,
}
CURSOR_FIELDS = {"cursor"}  # the API's own opaque token, not typed by anyone


@pytest.fixture
def api(app, session):  # type: ignore[no-untyped-def]
    return lambda user: ApiClient(app, session, user)


def _string_schemas(schema: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The string schemas a property may take (itself, a member of anyOf, a list's items)."""
    for option in schema.get("anyOf", [schema]):
        if option.get("type") == "string" and "format" not in option and "enum" not in option:
            yield option
        if option.get("type") == "array":
            yield from _string_schemas(option["items"])


def _input_fields(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(model, field, string schema) for every free-text field a client sends."""
    bodies = {content["schema"]["$ref"].rsplit("/", 1)[1]
              for path in document["paths"].values() for operation in path.values()
              for content in operation.get("requestBody", {}).get("content", {}).values()}
    found: list[tuple[str, str, dict[str, Any]]] = []
    for name, model in document["components"]["schemas"].items():
        if name in bodies or name.split(".")[0].endswith("Query"):
            for field, schema in model.get("properties", {}).items():
                found.extend((name.split(".")[0], field, s) for s in _string_schemas(schema))
    return found


def test_every_text_field_documents_the_limit_the_domain_enforces(app):
    document = app.test_client().get("/api/v1/openapi.json").json
    fields = _input_fields(document)
    assert {"QuestionIn", "QuestionPatch", "CloseIn", "ResolveIn", "ForecastIn", "BriefingIn",
            "LeaderboardQuery", "QuestionQuery"} <= {model for model, _, _ in fields}
    wrong = {f"{model}.{field}": schema.get("maxLength")
             for model, field, schema in fields if field not in CURSOR_FIELDS
             and schema.get("maxLength") != DOMAIN_LIMITS[field].max_length}
    assert wrong == {}, "maxLength differs from forecasts.bounds"
    cursors = {schema.get("maxLength") for _, field, schema in fields if field in CURSOR_FIELDS}
    assert None not in cursors


def _at(limit: bounds.TextLimit, extra: int = 0) -> str:
    return "x" * (limit.max_length + extra)


def _question_body(**changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "title": "Will the Piraeus container terminal reopen by 1 March?",
        "resolution_criteria": "YES if the terminal operator announces it reopened before 1 "
                               "March.",
        "opens_at": T0.isoformat(), "closes_at": (T0 + timedelta(days=30)).isoformat(),
        "resolve_by": (T0 + timedelta(days=40)).isoformat(), "tags": ["Ports"],
    }
    body.update(changes)
    return body


def _url(extra: int) -> str:
    start = "https://example.org/"
    return start + "a" * (bounds.URL.max_length - len(start) + extra)


QUESTION_FIELDS: dict[str, Callable[[int], object]] = {
    "title": lambda extra: _at(bounds.TITLE, extra),
    "description": lambda extra: _at(bounds.DESCRIPTION, extra),
    "resolution_criteria": lambda extra: _at(bounds.CRITERIA, extra),
    "source_name": lambda extra: _at(bounds.SOURCE_NAME, extra),
    "source_url": _url,
    "source_quote": lambda extra: _at(bounds.QUOTE, extra),
    "tags": lambda extra: [_at(bounds.TAG, extra)],
}


@pytest.mark.parametrize("field", QUESTION_FIELDS)
def test_a_question_field_takes_its_limit_and_refuses_one_more(api, session, manager, field):
    client = api(manager)
    over = client.post("/questions", _question_body(**{field: QUESTION_FIELDS[field](1)}))
    assert over.status_code == 422, over.json
    assert [e["field"].split(".")[0] for e in over.json["errors"]] == [field]  # tags.0: 1st tag
    assert f"{DOMAIN_LIMITS[field].max_length:,}" in over.json["errors"][0]["message"]
    assert session.exec(select(Question)).all() == []

    at_limit = QUESTION_FIELDS[field](0)
    created = client.post("/questions", _question_body(**{field: at_limit}))
    assert created.status_code == 201, created.json
    assert created.json[field] == at_limit  # whole, never cut

    question_id = created.json["id"]
    edited = client.patch(f"/questions/{question_id}", {field: QUESTION_FIELDS[field](1)})
    assert edited.status_code == 422
    assert edited.json["errors"][0]["field"].split(".")[0] == field


@pytest.mark.parametrize("action", ["close", "resolve"])
def test_a_note_takes_the_pages_limit_and_refuses_one_more(api, session, manager, action):
    client = api(manager)
    extra = {"outcome": "yes"} if action == "resolve" else {}
    refused_on = make_question(session, manager)
    over = client.post(f"/questions/{refused_on.id}/{action}",
                       {**extra, "note": _at(bounds.NOTE, 1)})
    assert over.status_code == 422
    assert [e["field"] for e in over.json["errors"]] == ["note"]
    assert f"{bounds.NOTE.max_length:,}" in over.json["errors"][0]["message"]

    question = make_question(session, manager)
    done = client.post(f"/questions/{question.id}/{action}", {**extra, "note": _at(bounds.NOTE)})
    assert done.status_code == 200, done.json
    trail = client.get(f"/questions/{question.id}").json["trail"]
    assert _at(bounds.NOTE) in [entry["note"] for entry in trail]
    assert client.get(f"/questions/{refused_on.id}").json["status"] == "open"


def test_a_rationale_takes_its_limit_and_refuses_one_more(api, session, manager, forecaster):
    question, client = make_question(session, manager), api(forecaster)
    path = f"/questions/{question.id}/forecasts"
    over = client.post(path, {"probability": 0.3, "rationale": _at(bounds.RATIONALE, 1)})
    assert over.status_code == 422 and over.json["errors"][0]["field"] == "rationale"
    assert session.exec(select(Forecast)).all() == []
    stored = client.post(path, {"probability": 0.3, "rationale": _at(bounds.RATIONALE)})
    assert stored.status_code == 201 and stored.json["rationale"] == _at(bounds.RATIONALE)


# Query strings the leaderboard page refuses (400) are refused by the API (422) with the same
# message, naming the parameter.
REFUSED_QUERIES = {
    "from a datetime": ("from", "2026-01-01T00:00"),
    "from a datetime with an offset": ("from", "2026-11-30T00:00:00+05:00"),
    "from without dashes": ("from", "20261130"),
    "to after the range": ("to", "2201-01-01"),
    "from before the range": ("from", "1969-12-31"),
    "from in Arabic-Indic digits": ("from", "\u0662\u0660\u0662\u0666-01-01"),
    "min with a decimal point": ("min", "1.0"),
    "min in exponent form": ("min", "1e3"),
    "min above the page's": ("min", str(bounds.MIN_QUESTIONS_MAX + 1)),
}


@pytest.mark.sqlite_only  # refused while parsing, before any SQL
@pytest.mark.parametrize("case", REFUSED_QUERIES)
def test_leaderboard_query_refused_as_the_page_refuses_it(api, sign_in, forecaster, case):
    name, value = REFUSED_QUERIES[case]
    answer = api(forecaster).get("/scores/leaderboard", query_string={name: value})
    assert answer.status_code == 422, answer.json
    [error] = answer.json["errors"]
    assert error["field"] == name
    page = sign_in(forecaster).get("/leaderboard", query_string={name: value})
    assert page.status_code == 400
    assert error["message"] in html.unescape(page.get_data(as_text=True))


@pytest.mark.parametrize("query", [
    {"from": bounds.FIRST_DAY.isoformat(), "to": bounds.LAST_DAY.isoformat()},
    {"min": str(bounds.MIN_QUESTIONS_MAX)},
])
def test_leaderboard_takes_the_whole_range_the_page_takes(api, sign_in, forecaster, query):
    assert api(forecaster).get("/scores/leaderboard", query_string=query).status_code == 200
    assert sign_in(forecaster).get("/leaderboard", query_string=query).status_code == 200


@pytest.mark.sqlite_only  # refused while parsing, before any SQL
@pytest.mark.parametrize(("query", "name"), [
    ({"bins": "1.0"}, "bins"), ({"bins": str(bounds.CALIBRATION_BINS[1] + 1)}, "bins"),
    ({"id": str(bounds.ID_MAX + 1)}, "id")])
def test_other_whole_numbers_are_strict(api, forecaster, query, name):
    answer = api(forecaster).get("/scores/calibration", query_string=query)
    assert answer.status_code == 422 and answer.json["errors"][0]["field"] == name
    assert "whole number" in answer.json["errors"][0]["message"]


@pytest.mark.sqlite_only  # refused while parsing, before any SQL
@pytest.mark.parametrize("published", ["2026-01-10T00:00", "20260110", 1767916800, "2201-01-01"])
def test_a_briefing_date_is_a_day_in_range(api, manager, published):
    answer = api(manager).post("/briefings", {"text": "The port reopened.",
                                              "published": published})
    assert answer.status_code == 422
    assert [e["field"] for e in answer.json["errors"]] == ["published"]
    assert "published must be a date" in answer.json["errors"][0]["message"]


def test_a_question_may_close_on_the_last_day_of_the_range(api, manager):
    last = bounds.LAST_DAY.isoformat()
    answer = api(manager).post("/questions", _question_body(
        closes_at=f"{last}T12:00:00+00:00", resolve_by=f"{last}T23:00:00+00:00"))
    assert answer.status_code == 201, answer.json
    beyond = api(manager).post("/questions", _question_body(
        closes_at=f"{last}T12:00:00+00:00", resolve_by=f"{last}T23:00:00-05:00"))
    assert beyond.status_code == 422
    assert [e["field"] for e in beyond.json["errors"]] == ["resolve_by"]
    assert bounds.DATE_RANGE in beyond.json["errors"][0]["message"]


@pytest.mark.sqlite_only  # refused while parsing, before any SQL
@pytest.mark.parametrize("cursor", ["1.0", "\u0663", str(bounds.ID_MAX + 1), "-1"])
def test_a_forecast_cursor_is_an_id_this_api_gave_out(api, forecaster, cursor):
    answer = api(forecaster).get("/forecasts", query_string={"cursor": cursor})
    assert answer.status_code == 400 and "cursor" in answer.json["detail"]


@pytest.mark.sqlite_only  # refused while parsing, before any SQL
@pytest.mark.parametrize("probability", ["0.3", True, 0.995, 0.005])
def test_a_probability_is_a_json_number_in_the_domains_range(api, session, manager, forecaster,
                                                            probability):
    question = make_question(session, manager)
    answer = api(forecaster).post(f"/questions/{question.id}/forecasts",
                                  {"probability": probability})
    assert answer.status_code == 422
    assert [e["field"] for e in answer.json["errors"]] == ["probability"]
    assert session.exec(select(Forecast)).all() == []


@pytest.mark.sqlite_only  # refused while parsing, before any SQL
@pytest.mark.parametrize("written", [1767916800, "1767916800", "2026-01-05", "2026-01-05T09:00"])
def test_a_question_time_is_written_with_its_offset(api, session, manager, written):
    answer = api(manager).post("/questions", _question_body(opens_at=written))
    assert answer.status_code == 422
    assert [e["field"] for e in answer.json["errors"]] == ["opens_at"]
    assert "UTC offset" in answer.json["errors"][0]["message"]
    assert session.exec(select(Question)).all() == []
