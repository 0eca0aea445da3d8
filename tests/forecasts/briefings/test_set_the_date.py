"""Setting a flagged draft's close date: the title's deadline and the criteria follow it, and
publishing refuses a title whose deadline is not the close date."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from forecasts import briefings
from forecasts.briefings import DraftEdit
from forecasts.errors import Conflict
from forecasts.models import BriefingDraft, User

TEXT = ("GULF OF GUINEA NOTES\n\nSource: Punch, 20 November 2026\n"
        "{sentence}\n\nYou received this because you subscribed to Gulf of Guinea Notes.\n")


def imported(session, manager: User, now: datetime, sentence: str) -> BriefingDraft:  # type: ignore[no-untyped-def]
    briefing = briefings.import_briefing(session, TEXT.format(sentence=sentence),
                                         published=now.date(), importer=manager, now=now)
    [draft] = [d for d in briefings.drafts(session, briefing) if not d.is_condition]
    return draft


def dated(draft: BriefingDraft, closes_at: datetime, **changes: object) -> DraftEdit:
    values: dict[str, object] = {
        "title": draft.title, "resolution_criteria": draft.resolution_criteria,
        "closes_at": closes_at, "resolve_by": closes_at + timedelta(days=14),
        "probability": draft.probability, "tags": [],
    }
    return DraftEdit(**(values | changes))  # type: ignore[arg-type]


@pytest.mark.parametrize(("sentence", "stem", "undated"), [
    ("Nigeria will probably reopen the Apapa gate before the harmattan season.",
     "Will Nigeria reopen the Apapa gate", " before the harmattan season"),
    ("Ghana is unlikely to sign the cocoa accord.", "Will Ghana sign the cocoa accord", ""),
])
def test_setting_the_date_rewrites_the_titles_deadline_and_the_criteria(
        session, manager, clock, sentence, stem, undated):
    draft = imported(session, manager, clock.now(), sentence)
    assert draft.date_needed and draft.title == f"{stem}{undated}?"
    placeholder = f"{draft.closes_at:%Y-%m-%d}"
    assert placeholder not in draft.title and placeholder not in draft.resolution_criteria
    day = (clock.now() + timedelta(days=120)).replace(hour=0, minute=0, second=0,
                                                       microsecond=0)
    briefings.update_draft(session, draft, dated(draft, day), actor=manager)
    assert not draft.date_needed
    assert draft.title == f"{stem} before {day:%Y-%m-%d}?"
    assert f"happens before {day:%Y-%m-%d}" in draft.resolution_criteria
    # moved again: the title follows, never two deadlines
    later = day + timedelta(days=30)
    briefings.update_draft(session, draft, dated(draft, later), actor=manager)
    assert draft.title == f"{stem} before {later:%Y-%m-%d}?"
    briefings.accept_draft(session, draft, actor=manager)
    briefing = briefings.get_briefing(session, draft.briefing_id)
    [question] = briefings.publish_accepted(session, briefing, actor=manager, now=clock.now())
    assert question.title == draft.title and question.closes_at.date() == later.date()
    # the publication speaks; the outlet it cites is only what it drew from
    assert f"Prefilled from {briefing.publication} (drawing from Punch):" in \
        question.resolution_criteria


def test_publishing_refuses_a_title_whose_deadline_is_not_the_close_date(session, manager,
                                                                         clock):
    draft = imported(session, manager, clock.now(),
                     "Abuja will probably devalue the naira before 1 June 2027.")
    closes = draft.closes_at
    wrong = draft.title.replace(f"{closes:%Y-%m-%d}", f"{closes + timedelta(days=40):%Y-%m-%d}")
    # the manager types another date in the title but keeps the close date
    briefings.update_draft(session, draft, dated(draft, closes, title=wrong), actor=manager)
    briefings.accept_draft(session, draft, actor=manager)
    briefing = briefings.get_briefing(session, draft.briefing_id)
    with pytest.raises(Conflict, match="close date"):
        briefings.publish_accepted(session, briefing, actor=manager, now=clock.now())
    assert briefings.published_questions(session, briefing) == {}


def test_a_hand_written_title_without_a_deadline_is_left_as_written(session, manager, clock):
    draft = imported(session, manager, clock.now(),
                     "Abuja will probably devalue the naira before 1 June 2027.")
    day = datetime(2027, 7, 1, tzinfo=UTC)
    briefings.update_draft(session, draft, dated(draft, day, title="Will the naira be devalued?"),
                           actor=manager)
    assert draft.title == "Will the naira be devalued?"


def test_generated_criteria_follow_the_publication_a_manager_credits(session, manager, clock):
    draft = imported(session, manager, clock.now(),
                     "Abuja will probably devalue the naira before 1 June 2027.")
    briefing = briefings.get_briefing(session, draft.briefing_id)
    assert f"Prefilled from {briefing.publication} (drawing from Punch):" in \
        draft.resolution_criteria
    briefings.set_briefing_publication(session, briefing, "West Africa Ledger", now=clock.now())
    session.refresh(draft)
    assert "Prefilled from West Africa Ledger (drawing from Punch):" in draft.resolution_criteria


def test_a_promoted_sentence_waits_for_its_date_like_any_undated_draft(session, manager, clock):
    draft = imported(session, manager, clock.now(),
                     "Abuja will probably devalue the naira before 1 June 2027. Apapa handled "
                     "a record 1.2 million containers in October.")
    briefing = briefings.get_briefing(session, draft.briefing_id)
    [context] = briefings.review_text(briefing, briefings.drafts(session, briefing)).context
    promoted = briefings.promote_sentence(session, briefing, context.sentence_index,
                                          actor=manager)
    assert promoted.date_needed
    day = datetime(2027, 3, 1, tzinfo=UTC)
    title = "Will Apapa handle 1.3 million containers in a month?"
    briefings.update_draft(session, promoted, dated(promoted, day, title=title,
                                                    resolution_criteria="YES if NPA says so."),
                           actor=manager)
    assert not promoted.date_needed and promoted.title == title  # a hand-written title stays
