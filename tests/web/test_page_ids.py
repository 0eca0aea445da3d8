"""Every page we can reach: ids are unique, and every ``<label for>`` names an id on the page.

A duplicated id sends a label, ``aria-describedby`` or a skip to the wrong element (the question
page once had three ``id="note"``). The pages are every GET route of the URL map, opened by each
role with real rows behind the URL parameters (the access matrix's world), plus the question
page in each of its states and pages showing form errors.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from flask import Flask
from selectolax.lexbor import LexborHTMLParser as HTMLParser
from sqlmodel import Session

from forecasts import resolution
from forecasts.models import Outcome, User
from forecasts.questions import catalog as questions
from forecasts.questions import forecasting
from tests.conftest import SignedIn
from tests.support import builders
from tests.web.test_access_matrix import World, cases, world  # noqa: F401  (the fixture)

pytestmark = pytest.mark.sqlite_only  # the ids and labels of the HTML, whatever the engine


def id_problems(page: str) -> list[str]:
    """Duplicated ids, labels pointing at no id, and aria-describedby naming a missing id."""
    tree = HTMLParser(page)
    ids = Counter(node.attributes.get("id") for node in tree.css("[id]"))
    problems = [f'id="{name}" appears {count} times' for name, count in ids.items()
                if count > 1]
    for label in tree.css("label[for]"):
        target = label.attributes.get("for")
        if target not in ids:
            problems.append(f'<label for="{target}"> ({label.text(strip=True)!r}) names no id')
    for node in tree.css("[aria-describedby]"):
        for target in (node.attributes.get("aria-describedby") or "").split():
            if target not in ids:
                problems.append(f'aria-describedby="{target}" names no id')
    return problems


def test_the_checker_finds_duplicates_and_dangling_labels() -> None:
    page = ('<form><label for="note">Note</label><textarea id="note"></textarea>'
            '<textarea id="note"></textarea><label for="gone">Gone</label>'
            '<input aria-describedby="note missing"></form>')
    assert id_problems(page) == ['id="note" appears 2 times',
                                 "<label for=\"gone\"> ('Gone') names no id",
                                 'aria-describedby="missing" names no id']
    assert id_problems('<label for="a">A</label><input id="a">') == []


def _pages(world: World, role: str) -> list[str]:  # noqa: F811
    """The GET pages this role may open (HTML only: the API and files are not pages)."""
    return [case.url for case in cases(world)
            if case.method == "GET" and not case.url.startswith(("/api/", "/static/", "/vendor/"))
            and "{" not in case.url and case.endpoint not in ("auth.logout",)]


@pytest.fixture
def states(session: Session, manager: User, forecaster: User) -> dict[str, int]:
    """The question page in each state a manager can meet, with forecasts and a trail."""
    opened = builders.make_question(session, manager, title="Will the quay reopen?")
    forecasting.submit_forecast(session, opened, forecaster=forecaster, probability=0.3,
                                now=builders.T0 + timedelta(days=1))
    closed = builders.make_question(session, manager, title="Will the quay close?")
    questions.close_early(session, closed, actor=manager, note="It happened.",
                          now=builders.T0 + timedelta(days=2))
    resolved = builders.make_question(session, manager, title="Will the ferry sail?")
    forecasting.submit_forecast(session, resolved, forecaster=forecaster, probability=0.6,
                                now=builders.T0 + timedelta(days=1))
    resolution.resolve(session, resolved, outcome=Outcome.yes, actor=manager, note="",
                       now=builders.T0 + timedelta(days=3))
    draft = builders.make_question(session, manager, title="Draft", published=False)
    return {"open": opened.id, "closed": closed.id, "resolved": resolved.id,
            "draft": draft.id}


@pytest.mark.parametrize("role", ["forecaster", "manager", "admin"])
def test_every_page_has_unique_ids_and_labels_that_point_somewhere(
        app: Flask, world: World, states: dict[str, int], role: str) -> None:  # noqa: F811
    client = SignedIn(app.test_client(), world.people[role])
    urls = _pages(world, role) + [f"/questions/{q}" for q in states.values()] + [
        "/questions?status=all", "/questions?status=resolved"]
    checked, found = 0, {}
    for url in urls:
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        checked += 1
        problems = id_problems(response.get_data(as_text=True))
        if problems:
            found[url] = problems
    assert checked >= 10, f"only {checked} pages opened: the crawl is broken"
    assert not found, found


def test_pages_showing_form_errors_keep_ids_unique(app: Flask, world: World,  # noqa: F811
                                                   states: dict[str, int]) -> None:
    boss = SignedIn(app.test_client(), world.people["manager"])
    question = states["open"]
    failed = [
        (f"/questions/{question}/forecasts", {"probability": "0.3", "rationale": ""}),
        (f"/questions/{question}/close", {"note": ""}),
        (f"/questions/{question}/resolve", {"note": ""}),
        (f"/questions/{question}/comments", {"comment-body": ""}),
        ("/questions/new", {"title": ""}),
    ]
    for url, data in failed:
        response = boss.post(url, data, follow_redirects=True)
        page = response.get_data(as_text=True)
        assert 'class="error"' in page or "flash-error" in page, url
        assert id_problems(page) == [], url


def test_pages_before_sign_in_have_unique_ids(app: Flask) -> None:
    client = app.test_client()
    for url in ("/login", "/password/forgot"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert id_problems(response.get_data(as_text=True)) == [], url
