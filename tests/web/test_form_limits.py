"""Every text field shows its limit beside it and carries it as ``maxlength``; dates their range."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from forecasts import bounds, briefings
from tests.support.builders import T0, make_question

# Checks the forms' HTML: the same on every engine, so SQLite alone.
pytestmark = pytest.mark.sqlite_only

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "briefings" / "harbour-desk.txt"

# page → {field id: its limit}; "{q}" is an open question, "{b}" a briefing, "{d}" its draft.
FIELDS: dict[str, dict[str, bounds.TextLimit]] = {
    "/questions/new": {
        "title": bounds.TITLE, "description": bounds.DESCRIPTION,
        "resolution_criteria": bounds.CRITERIA, "source_name": bounds.SOURCE_NAME,
        "source_url": bounds.URL, "source_quote": bounds.QUOTE, "tags": bounds.TAGS,
    },
    "/questions/{q}": {"rationale": bounds.RATIONALE, "close-note": bounds.NOTE,
                       "resolve-note": bounds.NOTE, "url": bounds.URL,
                       "pointer": bounds.POINTER, "value": bounds.SOURCE_VALUE,
                       "pattern": bounds.PATTERN},
    "/admin/users": {"username": bounds.USERNAME, "display_name": bounds.DISPLAY_NAME,
                     "email": bounds.EMAIL, "password": bounds.PASSWORD},
    "/admin/teams": {"name": bounds.TEAM_NAME},
    "/profile/password": {"password": bounds.PASSWORD},
    "/password/forgot": {"identifier": bounds.EMAIL},
    "/profile": {"email": bounds.EMAIL},
    "/briefings": {"text": bounds.BRIEFING_TEXT, "publication": bounds.PUBLICATION},
    "/briefings/{b}": {"d{d}-title": bounds.TITLE, "d{d}-resolution_criteria": bounds.CRITERIA,
                       "d{d}-tags": bounds.TAGS},
}
DATES: dict[str, tuple[list[str], str, str]] = {
    "/questions/new": (["opens_at", "closes_at", "resolve_by"], "1970-01-01T00:00",
                       "2200-12-31T23:59"),
    "/briefings": (["published"], "1970-01-01", "2200-12-31"),
    "/briefings/{b}": (["d{d}-closes_at", "d{d}-resolve_by"], "1970-01-01T00:00",
                       "2200-12-31T23:59"),
}


@pytest.fixture
def pages(session, admin):  # type: ignore[no-untyped-def]
    question = make_question(session, admin)
    briefing = briefings.import_briefing(session, FIXTURE.read_text("utf-8"),
                                         published=date(2026, 1, 5), importer=admin, now=T0)
    draft = briefings.drafts(session, briefing)[0]
    return lambda template: template.format(q=question.id, b=briefing.id, d=draft.id)


@pytest.mark.parametrize("page", list(FIELDS))
def test_each_text_field_shows_its_limit_and_carries_maxlength(page, pages, sign_in, admin):
    html = sign_in(admin).get(pages(page)).get_data(as_text=True)
    soup = BeautifulSoup(html, "html.parser")
    for template, limit in FIELDS[page].items():
        name = pages(template)
        element = soup.find(id=name)
        assert element is not None, f"no field {name} on {page}"
        assert element.get("maxlength") == str(limit.max_length), (name, element)
        hint = soup.find(id=f"{name}-limit")
        assert hint is not None and hint.get_text() == limit.hint, (name, hint)
        assert f"{name}-limit" in element.get("aria-describedby", "").split()  # read out too


@pytest.mark.parametrize("page", list(DATES))
def test_date_fields_carry_the_1970_to_2200_range(page, pages, sign_in, admin):
    names, low, high = DATES[page]
    soup = BeautifulSoup(sign_in(admin).get(pages(page)).get_data(as_text=True), "html.parser")
    for template in names:
        element = soup.find(id=pages(template))
        assert element is not None, template
        assert (element.get("min"), element.get("max")) == (low, high)
