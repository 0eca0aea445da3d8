"""A request is one unit of work: committed after a response below 400, else rolled back."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from forecasts.accounts import people
from forecasts.errors import Conflict
from forecasts.models import Team
from tests.support.builders import T0
from web.database import get_session


@pytest.fixture
def writing_app(app):  # type: ignore[no-untyped-def]
    """The app with one extra route that stores a team, then answers as told."""

    @app.get("/_test/teams/<name>/<int:status>")
    def store_team(name: str, status: int):  # type: ignore[no-untyped-def]
        people.create_team(get_session(), name, now=T0)  # flushed, as every domain call
        if status == 409:
            raise Conflict("Refused after writing.")  # the app's domain-error page
        return "", status

    return app


def _teams(engine) -> list[str]:  # type: ignore[no-untyped-def]
    with Session(engine) as fresh:
        return sorted(team.name for team in fresh.exec(select(Team)))


@pytest.mark.sqlite_only
def test_only_a_successful_request_keeps_what_it_wrote(writing_app, engine):
    client = writing_app.test_client()
    for name, status in (("Kept", 200), ("Redirected", 303), ("Refused", 409), ("Bad", 422),
                         ("Broken", 500)):
        assert client.get(f"/_test/teams/{name}/{status}").status_code == status
    assert _teams(engine) == ["Kept", "Redirected"]


def test_a_refused_form_stores_nothing_and_keeps_what_was_typed(sign_in, session, manager):
    """Accepting a draft saves its edits first; when the accept is refused, neither is kept,
    and the edited text comes back in the form."""
    from forecasts import briefings
    from tests.support.builders import make_briefing

    briefing = make_briefing(session, manager)
    draft = briefings.drafts(session, briefing)[0]
    original = draft.title
    boss = sign_in(manager)
    page = f"/briefings/{briefing.id}"
    prefix = f"d{draft.id}-"
    shown = boss.post_refused(f"{page}/drafts/{draft.id}", {
        "action": "accept", f"{prefix}title": "Will the pilots' ban end by June?",
        f"{prefix}resolution_criteria": "", f"{prefix}probability": "40"}, page)
    text = shown.get_data(as_text=True)
    assert "Will the pilots&#39; ban end by June?" in text  # what was typed, shown again
    session.expire_all()
    stored = briefings.get_draft(session, briefing, draft.id)
    assert stored.title == original and stored.state.value == "pending"
