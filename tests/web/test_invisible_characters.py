"""Invisible format characters (bidi overrides and isolates, zero-width spaces, tag characters
...) are refused in every free-text input, by the one rule in forecasts/bounds.py: forms, the
API, the command line and imports each answer with a clear message and store nothing."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlmodel import select

from forecasts.models import Question
from tests.support.api import ApiClient
from tests.web.test_bad_input import (
    FIXTURE,
    Case,
    draft_form,
    on_question,
    post,
    question_form,
    row_counts,
    world,  # noqa: F401  (the fixture)
)

RLO, LRI, PDI, ZWSP, SHY, BOM, TAG_A = ("\u202e", "\u2066", "\u2069", "\u200b", "\u00ad",
                                        "\ufeff", "\U000e0041")
SPOOFED = f"Will the port reopen? {RLO}ON :nepo"  # displays as "... open: NO"

CASES: dict[str, tuple[Case, str]] = {
    "override in a title": (post(lambda w: "/questions/new",
                                 lambda w: question_form(title=SPOOFED), 400), "U+202E"),
    "isolate in the criteria": (post(lambda w: "/questions/new", lambda w: question_form(
        resolution_criteria=f"YES if {LRI}the port{PDI} reopens."), 400), "U+2066"),
    "zero-width space in a tag": (post(lambda w: "/questions/new",
                                       lambda w: question_form(tags=f"Po{ZWSP}rts"), 400),
                                  "U+200B"),
    "soft hyphen in a source name": (post(lambda w: "/questions/new", lambda w: question_form(
        source_name=f"Reu{SHY}ters"), 400), "U+00AD"),
    "tag character in a rationale": (post(on_question("/forecasts"), lambda w: {
        "probability": "30", "rationale": f"base rate{TAG_A}"}, 400), "U+E0041"),
    "override in a comment": (post(on_question("/comments"), lambda w: {
        "comment-body": f"Agreed {RLO}txet neddih"}, 400), "U+202E"),
    "BOM in a clarification": (post(on_question("/clarifications"), lambda w: {
        "clarify-body": f"{BOM}Counts only ships over 10,000 t."}, 400), "U+FEFF"),
    "override in a resolution note": (post(on_question("/resolve"), lambda w: {
        "outcome": "yes", "note": f"seen {RLO}"}, 400), "U+202E"),
    "isolate in a pasted briefing": (post(lambda w: "/briefings", lambda w: {
        "text": FIXTURE.read_text("utf-8") + f"\n{LRI}hidden{PDI}", "published": "2026-01-05",
        "yardstick": "icd203"}, 400), "U+2066"),
    "override in a publication": (post(lambda w: "/briefings", lambda w: {
        "text": FIXTURE.read_text("utf-8"), "published": "2026-01-05", "yardstick": "icd203",
        "publication": f"Wire{RLO}"}, 400), "U+202E"),
    "zero-width space in a draft title": (post(
        lambda w: f"/briefings/{w.briefing_id}/drafts/{w.draft_id}",
        lambda w: draft_form(w, title=f"Will the dock{ZWSP} strike end?"), 400), "U+200B"),
    "override in a display name": (post(lambda w: "/admin/users", lambda w: {
        "username": "newbie", "display_name": f"Ada{RLO}nimda", "password": "long-enough-1",
        "role": "forecaster", "team_id": "0"}, 400), "U+202E"),
    "zero-width space in a team name": (post(lambda w: "/admin/teams",
                                             lambda w: {"name": f"Red{ZWSP}Team"}, 400),
                                        "U+200B"),
}


@pytest.mark.sqlite_only  # refused by forecasts/bounds.py before any SQL
@pytest.mark.parametrize("name", list(CASES))
def test_forms_refuse_invisible_characters_and_store_nothing(name, world, sign_in, admin,  # noqa: F811
                                                             engine):
    case, says = CASES[name]
    client = sign_in(admin)
    before = row_counts(engine)
    response = client.post(case.path(world), case.data(world))
    # refused on the page itself (400), or back on it after a redirect (Post/Redirect/Get)
    assert response.status_code in (400, 303), response.get_data(as_text=True)[:2000]
    page = (client.get(response.headers["Location"]) if response.status_code == 303
            else response).get_data(as_text=True)
    assert says in page and "invisible character" in page, page[:3000]
    assert row_counts(engine) == before


def test_writing_that_needs_joiners_and_direction_marks_is_taken(sign_in, admin, session):
    # Persian needs the zero-width non-joiner; Hebrew keyboards type the right-to-left mark.
    title = "Will Tehran announce \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u062f talks \u200f?"
    response = sign_in(admin).post("/questions/new", question_form(title=title))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert session.exec(select(Question.title)).all() == [title]


@pytest.mark.sqlite_only
def test_the_api_refuses_them_with_a_problem(app, session, manager, engine):
    api = ApiClient(app, session, manager)
    before = row_counts(engine)
    response = api.post("/questions", {
        "title": SPOOFED, "resolution_criteria": "YES if it reopens.",
        "opens_at": "2026-01-05T09:00:00Z", "closes_at": "2026-02-05T09:00:00Z",
        "resolve_by": "2026-02-15T09:00:00Z"})
    assert 400 <= response.status_code < 500
    assert response.content_type == "application/problem+json"
    assert "U+202E" in response.get_data(as_text=True)
    briefing = api.post("/briefings", {"text": FIXTURE.read_text("utf-8") + ZWSP,
                                       "published": "2026-01-05"})
    assert 400 <= briefing.status_code < 500 and "U+200B" in briefing.get_data(as_text=True)
    assert row_counts(engine) == before


@pytest.mark.sqlite_only
def test_the_command_line_refuses_them_with_exit_status_2(runner, engine, tmp_path: Path):
    spoiled = tmp_path / "briefing.txt"
    spoiled.write_text(FIXTURE.read_text("utf-8") + f"\nDock {RLO}skrow", "utf-8")
    before = row_counts(engine)
    for args, says in (
        (["briefing", "import", str(spoiled)], "U+202E"),
        (["briefing", "import", str(spoiled), "--json"], "U+202E"),
        (["briefing", "import", str(FIXTURE), "--publication", f"Wire{LRI}"], "U+2066"),
        (["users", "create", "newbie", "--display-name", f"Ne{ZWSP}wbie",
          "--password", "long-enough-1"], "U+200B"),
        (["teams", "create", f"Red{TAG_A}"], "U+E0041"),
    ):
        result = runner.invoke(args=args)
        assert result.exit_code == 2, (args, result.output)
        assert says in result.output and "Traceback" not in result.output
    assert row_counts(engine) == before


def test_a_question_import_names_the_row_and_stores_nothing(runner, session, manager,
                                                            tmp_path: Path):
    columns = ["title", "resolution_criteria", "opens_at", "closes_at", "resolve_by",
               "source_name", "tags"]
    good = ["Will the port reopen?", "Port authority notice", "2026-01-05T09:00:00Z",
            "2026-02-05T09:00:00Z", "2026-02-10T09:00:00Z", "Harbour Outlook", "Ports"]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows([columns, good, ["Will grain flow?", f"YES {RLO}ON", *good[2:]]])
    path = tmp_path / "questions.csv"
    path.write_text(buffer.getvalue())
    result = runner.invoke(args=["import", "questions", str(path), "--as", manager.username])
    assert result.exit_code == 2, result.output
    assert "Row 2: in column resolution_criteria" in result.output and "U+202E" in result.output
    assert session.exec(select(Question)).all() == []
