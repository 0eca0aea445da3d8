"""Duplicate questions: a title like an existing question's is named and linked; one may go on."""

from __future__ import annotations

from bs4 import BeautifulSoup
from sqlmodel import select

from forecasts import briefings
from forecasts.models import Question
from forecasts.questions import duplicates
from tests.support.builders import make_briefing, make_question
from tests.web.test_question_pages import QUESTION_FORM

FERRY = "Will the Aegean ferry strike last beyond 1 March?"


def _warning(page: str, testid: str = "similar") -> list[tuple[str, str]]:
    box = BeautifulSoup(page, "html.parser").select_one(f"[data-testid={testid}]")
    return [] if box is None else [(a.get_text(), a["href"]) for a in box.select("a")]


def test_similarity_ignores_case_punctuation_and_word_order(session, manager):
    existing = make_question(session, manager, title=FERRY)
    make_question(session, manager, title="Will NATO deploy troops to Romania?")
    for alike in ("will the AEGEAN ferry strike last beyond 1 march",
                  "Will the ferry strike in the Aegean last beyond 1 March?",
                  "Will the Aegean ferry strike last beyond 1 April?"):
        assert [s.question_id for s in duplicates.similar_to(session, alike)] == [existing.id]
    assert duplicates.similar_to(session, "Will Greek ferries strike before March?") == []
    assert duplicates.similar_to(session, FERRY, exclude=[existing.id]) == []
    assert duplicates.similar_to(session, "   ") == []


def test_a_new_question_like_an_existing_one_is_held_once_with_links(sign_in, session,
                                                                      manager):
    existing = make_question(session, manager, title=FERRY)
    boss = sign_in(manager)
    form = {**QUESTION_FORM, "title": "Will the ferry strike in the Aegean last beyond 1 March?"}
    held = boss.post_refused("/questions/new", form, "/questions/new").get_data(as_text=True)
    assert _warning(held) == [(FERRY, f"/questions/{existing.id}")]
    assert "Tick the box to save it anyway" in held
    assert form["title"] in held  # nothing typed is lost
    assert len(session.exec(select(Question)).all()) == 1
    saved = boss.post("/questions/new", {**form, "save_anyway": "y"})
    assert saved.status_code == 302
    session.expire_all()
    new = session.exec(select(Question).where(Question.title == form["title"])).one()
    draft_page = boss.get(f"/questions/{new.id}").get_data(as_text=True)
    assert _warning(draft_page) == [(FERRY, f"/questions/{existing.id}")]  # still on the draft


def test_a_distinct_title_is_saved_at_once_with_no_warning(sign_in, session, manager):
    make_question(session, manager, title="Will NATO deploy troops to Romania?")
    response = sign_in(manager).post("/questions/new", QUESTION_FORM)
    assert response.status_code == 302
    assert _warning(sign_in(manager).get(response.headers["Location"]).get_data(
        as_text=True)) == []


def test_imported_drafts_like_existing_questions_are_flagged_on_the_review_page(
        sign_in, session, manager):
    briefing = make_briefing(session, manager)
    rows = briefings.drafts(session, briefing)
    existing = make_question(session, manager, title=rows[0].title)
    page = sign_in(manager).get(f"/briefings/{briefing.id}").get_data(as_text=True)
    assert _warning(page, f"similar-{rows[0].id}") == [(rows[0].title,
                                                         f"/questions/{existing.id}")]
    for other in rows[1:]:
        if not duplicates.similar_to(session, other.title):
            assert _warning(page, f"similar-{other.id}") == []
