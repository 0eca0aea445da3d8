"""Briefing pages: import by paste or upload, review beside the text, publish, permissions."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from sqlmodel import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from forecasts import bounds, briefings, resolution
from forecasts.models import Briefing, BriefingDraft, DraftState, Forecast, Outcome, Question
from tests.support.briefing_files import one_line_judgments

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "briefings" / "harbour-desk.txt"
IMPORT = {"published": "2026-01-05", "yardstick": "icd203", "publication": ""}


def stored(session) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    session.expire_all()
    return tuple(session.exec(select(func.count()).select_from(table)).one()  # type: ignore[return-value]
                 for table in (Briefing, BriefingDraft, Question))


def post_form(signed_in, url: str, values: dict[str, object]):  # type: ignore[no-untyped-def]
    """POST a multipart form encoded in memory: the test client would spool a large upload to
    a temporary file it never closes, which pytest reports as an unraisable warning."""
    boundary, body = encode_multipart({"csrf_token": signed_in.token, **values})
    return signed_in.client.post(url, data=body,
                                 content_type=f"multipart/form-data; boundary={boundary}")


def imported(boss, session) -> tuple[Briefing, list[BriefingDraft]]:  # type: ignore[no-untyped-def]
    response = boss.post("/briefings", {**IMPORT, "text": FIXTURE.read_text("utf-8")})
    assert response.status_code == 302, response.get_data(as_text=True)
    briefing = session.exec(select(Briefing)).one()
    assert response.headers["Location"].endswith(f"/briefings/{briefing.id}")
    return briefing, briefings.drafts(session, briefing)


def draft(rows: list[BriefingDraft], start: str) -> BriefingDraft:
    return next(row for row in rows if row.title.startswith(start))


def fields(row: BriefingDraft, action: str = "accept", **changes: str) -> dict[str, str]:
    values = {
        "title": row.title or "Will the Valmora walkout last until February?",
        "resolution_criteria": row.resolution_criteria or "YES if the union says so.",
        "closes_at": row.closes_at.strftime("%Y-%m-%dT%H:%M"),
        "resolve_by": row.resolve_by.strftime("%Y-%m-%dT%H:%M"),
        "probability": "" if row.probability is None else f"{row.probability * 100:g}",
        "tags": row.tags,
    } | changes
    return {"action": action, **{f"d{row.id}-{name}": value for name, value in values.items()}}


def act(boss, briefing, row, action="accept", **changes):  # type: ignore[no-untyped-def]
    return boss.post(f"/briefings/{briefing.id}/drafts/{row.id}", fields(row, action, **changes))


def test_pasted_briefing_is_reviewed_beside_its_text(sign_in, session, manager):
    boss = sign_in(manager)
    briefing, rows = imported(boss, session)
    assert len(rows) == 4
    page = boss.get(f"/briefings/{briefing.id}").get_data(as_text=True)
    strike = draft(rows, "Will the dock strike")
    assert re.search(rf'<mark data-sentence="{strike.sentence_index}">The dock strike is '
                     r"unlikely", page)
    assert '<span data-sentence="0">Dock workers in Valmora' in page
    assert "unlikely · 20–45 %" in page and "point 32.5 %" in page and "icd203" in page
    assert "Source: Coastal Monitor" in page
    assert page.count("Promote to draft") == 1
    assert f'value="{strike.title}"' in page  # prefilled for editing


def test_an_uploaded_html_file_is_imported_without_its_scripts(sign_in, session, manager):
    html = (b"<html><body><script>alert('x')</script><p>Source: Coastal Monitor</p>"
            b"<p>The dock strike is unlikely to end before March.</p></body></html>")
    upload = FileStorage(io.BytesIO(html), "note.html")
    response = post_form(sign_in(manager), "/briefings", {**IMPORT, "text": "", "upload": upload})
    assert response.status_code == 302
    briefing = session.exec(select(Briefing)).one()
    assert "alert" not in briefing.text
    assert stored(session) == (1, 1, 0)


BAD_IMPORTS = {
    "nothing": ({"text": ""}, "Paste the briefing"),
    "empty file": ({"upload": (b"   \n", "empty.txt")}, "The briefing is empty"),
    "binary file": ({"upload": (b"\x89PNG\x00\x00", "image.txt")}, "looks binary"),
    "5 MB file": ({"upload": (b"The port is busy. " * 300_000, "big.txt")}, "limit is 2 MB"),
    "no assessments": ({"text": "Source: Wire\nThe ferry left at noon."},
                       "No assessments found"),
    "a PDF": ({"upload": (b"%PDF-1.4", "note.pdf")}, "Upload a .txt, .md or .html file."),
    "both": ({"text": "The strike is unlikely to end.", "upload": (b"x", "a.txt")},
             "not both"),
    "bad date": ({"text": "The strike is unlikely to end.", "published": "soon"},
                 "Not a valid date value"),
}


@pytest.mark.sqlite_only
@pytest.mark.parametrize("case", list(BAD_IMPORTS))
def test_bad_imports_show_a_form_error_and_store_nothing(sign_in, session, manager, case):
    changes, message = BAD_IMPORTS[case]
    if "upload" in changes:
        content, name = changes["upload"]
        changes = {**changes, "upload": FileStorage(io.BytesIO(content), name)}
    response = post_form(sign_in(manager), "/briefings", {**IMPORT, **changes})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert stored(session) == (0, 0, 0)


def test_a_briefing_over_the_draft_limit_is_refused_pasted_or_uploaded(sign_in, session,
                                                                      manager):
    boss = sign_in(manager)
    over = one_line_judgments(bounds.MAX_BRIEFING_DRAFTS + 1)
    upload = FileStorage(io.BytesIO(over.encode()), "many.txt")
    for changes in ({"text": over}, {"text": "", "upload": upload}):
        response = post_form(boss, "/briefings", {**IMPORT, **changes})
        page = response.get_data(as_text=True)
        assert response.status_code == 400
        assert "This briefing has 301 assessments; a briefing may have at most 300" in page
        assert stored(session) == (0, 0, 0)


def test_a_briefing_at_the_limit_imports_but_takes_no_more_drafts(sign_in, session, manager):
    boss = sign_in(manager)
    form = boss.get("/briefings").get_data(as_text=True)
    assert "at most 2 MB and at most 300 assessments (one draft each)" in form
    text = one_line_judgments(bounds.MAX_BRIEFING_DRAFTS) + "The ferry left at noon.\n"
    response = boss.post("/briefings", {**IMPORT, "text": text})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert stored(session) == (1, bounds.MAX_BRIEFING_DRAFTS, 0)
    briefing = session.exec(select(Briefing)).one()
    [fact] = briefings.review_text(briefing, briefings.drafts(session, briefing)).context
    review = f"/briefings/{briefing.id}"
    refused = boss.post_refused(f"{review}/promote", {"sentence_index": fact.sentence_index},
                                review).get_data(as_text=True)
    assert "already has 300 drafts; a briefing may have at most 300" in refused
    assert stored(session) == (1, bounds.MAX_BRIEFING_DRAFTS, 0)


def test_a_manager_edits_accepts_rejects_and_publishes(sign_in, session, manager, forecaster):
    boss = sign_in(manager)
    briefing, rows = imported(boss, session)
    strike = draft(rows, "Will the dock strike")
    budget = draft(rows, "Will the port authority approve the dredging")
    dredging = draft(rows, "If the port authority")

    review = f"/briefings/{briefing.id}"
    refused = boss.post_refused(f"{review}/drafts/{strike.id}",
                                fields(strike, "accept", probability="150"), review)
    assert "Enter a probability from 1 % to 99 %" in refused.get_data(as_text=True)
    session.refresh(strike)
    assert (strike.state, strike.probability) == (DraftState.pending, 0.325)

    assert act(boss, briefing, strike, probability="30.5", tags="Ports, Labour").status_code == 302
    assert act(boss, briefing, budget).status_code == 302
    assert act(boss, briefing, dredging, "reject").status_code == 302
    for row in (strike, budget, dredging):
        session.refresh(row)
    assert (strike.state, strike.probability, strike.tags) == (DraftState.accepted, 0.305,
                                                               "Ports, Labour")
    assert dredging.state is DraftState.rejected

    published = boss.post(f"/briefings/{briefing.id}/publish")
    assert published.status_code == 302
    question = session.exec(select(Question).where(Question.briefing_draft_id == strike.id)).one()
    stated = session.exec(select(Forecast).where(Forecast.question_id == question.id)).one()
    assert stated.probability == 0.305

    page = sign_in(forecaster).get(f"/questions/{question.id}").get_data(as_text=True)
    assert "From briefing" in page and "‘Source: Coastal Monitor’" in page
    review = boss.get(f"/briefings/{briefing.id}").get_data(as_text=True)
    assert f'href="/questions/{question.id}"' in review


def test_publish_refuses_a_conditional_without_its_condition(sign_in, session, manager):
    boss = sign_in(manager)
    briefing, rows = imported(boss, session)
    dredging = draft(rows, "If the port authority")
    assert act(boss, briefing, dredging).status_code == 302
    refused = boss.post_refused(f"/briefings/{briefing.id}/publish", {},
                                f"/briefings/{briefing.id}")
    assert "accept that condition draft too" in refused.get_data(as_text=True)
    assert stored(session)[2] == 0

    condition = draft(rows, "Will the port authority approve the budget")
    assert act(boss, briefing, condition).status_code == 302
    assert boss.post(f"/briefings/{briefing.id}/publish").status_code == 302
    child = session.exec(select(Question).where(Question.briefing_draft_id == dredging.id)).one()
    parent = session.get(Question, child.condition_id)
    page = boss.get(f"/questions/{child.id}").get_data(as_text=True)
    assert f'href="/questions/{parent.id}"' in page and "resolves YES" in page
    parent_page = boss.get(f"/questions/{parent.id}").get_data(as_text=True)
    assert f'href="/questions/{child.id}"' in parent_page
    assert "conditional</span>" in boss.get("/questions").get_data(as_text=True)

    resolve = boss.post_refused(f"/questions/{child.id}/resolve", {"outcome": "yes", "note": ""},
                                f"/questions/{child.id}")
    assert "resolve that question YES first" in resolve.get_data(as_text=True)


def test_a_context_sentence_is_promoted_and_filled_in(sign_in, session, manager):
    boss = sign_in(manager)
    briefing, _ = imported(boss, session)
    response = boss.post(f"/briefings/{briefing.id}/promote", {"sentence_index": "0"})
    assert response.status_code == 302
    promoted = session.exec(select(BriefingDraft).where(BriefingDraft.promoted)).one()
    assert promoted.quote == "Dock workers in Valmora walked out on Monday."
    page = boss.get(f"/briefings/{briefing.id}").get_data(as_text=True)
    assert "Promote to draft" not in page and '<mark data-sentence="0">' in page
    review = f"/briefings/{briefing.id}"
    blank = boss.post_refused(f"{review}/drafts/{promoted.id}",
                              fields(promoted, "accept", title=""), review)
    assert "Write the question" in blank.get_data(as_text=True)
    again = boss.post_refused(f"{review}/promote", {"sentence_index": "0"}, review)
    assert 'class="flash flash-error"' in again.get_data(as_text=True)
    assert "Choose a sentence" in boss.post_refused(f"{review}/promote", {"sentence_index": "x"},
                                                    review).get_data(as_text=True)


def test_the_term_record_page_shows_how_often_terms_came_true(sign_in, session, manager):
    boss = sign_in(manager)
    briefing, rows = imported(boss, session)
    strike = draft(rows, "Will the dock strike")
    act(boss, briefing, strike)
    boss.post(f"/briefings/{briefing.id}/publish")
    question = session.exec(select(Question)).one()
    resolution.resolve(session, question, outcome=Outcome.yes, actor=manager, now=question.opens_at
                       .replace(day=20))
    page = boss.get("/briefings/terms").get_data(as_text=True)
    row = re.search(r"<tr><td><a[^>]*>Harbour Desk Weekly</a></td>(.*?)</tr>", page, re.S)
    assert row is not None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    assert cells == ["icd203", "unlikely", "unlikely · 20–45 %", "1", "1", "1", "100 %"]
    assert "No published questions" in boss.get(
        "/briefings/terms?publication=Nobody").get_data(as_text=True)


@pytest.mark.sqlite_only
def test_forecasters_get_403_everywhere(sign_in, session, manager, forecaster):
    briefing, rows = imported(sign_in(manager), session)
    analyst = sign_in(forecaster)
    base = f"/briefings/{briefing.id}"
    assert analyst.get("/briefings").status_code == 403
    assert analyst.get(base).status_code == 403
    assert analyst.get("/briefings/terms").status_code == 403
    assert analyst.post("/briefings", {**IMPORT, "text": FIXTURE.read_text()}).status_code == 403
    assert analyst.post(f"{base}/drafts/{rows[0].id}", fields(rows[0])).status_code == 403
    assert analyst.post(f"{base}/publish").status_code == 403
    assert analyst.post(f"{base}/promote", {"sentence_index": "0"}).status_code == 403
    assert "Briefings" not in analyst.get("/questions").get_data(as_text=True)
    assert stored(session) == (1, 4, 0)


@pytest.mark.sqlite_only
def test_unknown_briefings_and_drafts_are_404(sign_in, session, manager):
    boss = sign_in(manager)
    briefing, rows = imported(boss, session)
    assert boss.get("/briefings/999").status_code == 404
    assert boss.post(f"/briefings/{briefing.id}/drafts/999", fields(rows[0])).status_code == 404


def test_a_judgment_with_no_deadline_asks_for_a_date_and_takes_it_in_its_title(sign_in, session,
                                                                              manager):
    boss = sign_in(manager)
    response = boss.post("/briefings", {**IMPORT, "text": "Source: Wire\nThe Valmora dock "
                                        "strike is unlikely to spread to Portel."})
    assert response.status_code == 302
    briefing = session.exec(select(Briefing)).one()
    [row] = briefings.drafts(session, briefing)
    assert row.date_needed and row.title == "Will the Valmora dock strike spread to Portel?"
    page = boss.get(f"/briefings/{briefing.id}").get_data(as_text=True)
    assert 'data-testid="no-deadline"' in page and "“None”" not in page
    response = act(boss, briefing, row, "save", closes_at="2026-04-01T00:00",
                   resolve_by="2026-04-15T00:00")
    assert response.status_code in (200, 302), response.get_data(as_text=True)
    session.expire_all()
    row = session.get(BriefingDraft, row.id)
    assert not row.date_needed
    assert row.title == "Will the Valmora dock strike spread to Portel before 2026-04-01?"
    assert "happens before 2026-04-01" in row.resolution_criteria
