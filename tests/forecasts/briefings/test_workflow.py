"""Briefing import: storing, reviewing, publishing, the publication's own forecast, conditions."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, col, func, select

from forecasts import briefings, resolution
from forecasts.accounts import actors
from forecasts.accounts import people as accounts
from forecasts.briefings import DraftEdit
from forecasts.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from forecasts.models import (
    Action,
    Briefing,
    BriefingDraft,
    DraftState,
    Forecast,
    Outcome,
    Question,
    User,
    UserKind,
)
from forecasts.questions.catalog import Status, status
from tests.support.briefing_files import (
    FIXTURES,
    HARBOUR_DESK_DATE,
    accept,
    by_title,
    harbour_desk,
)
from tests.support.builders import make_question

PUBLISHED = HARBOUR_DESK_DATE


def stored_counts(session: Session) -> tuple[int, int, int]:
    return (session.exec(select(func.count()).select_from(Briefing)).one(),
            session.exec(select(func.count()).select_from(BriefingDraft)).one(),
            session.exec(select(func.count()).select_from(Question)).one())


def test_import_keeps_the_briefing_and_a_draft_per_assessment(session, manager, clock):
    briefing = harbour_desk(session, manager, clock.now())
    assert (briefing.title, briefing.author, briefing.published) == (
        "Harbour Desk Weekly", "Ana Ortiz", PUBLISHED)
    assert (briefing.yardstick, briefing.imported_by_id) == ("icd203", manager.id)
    assert briefing.imported_at == clock.now()
    # Kept as written, byline and all.
    assert briefing.text == (FIXTURES / "harbour-desk.txt").read_text("utf-8")
    rows = briefings.drafts(session, briefing)
    assert [row.state for row in rows] == [DraftState.pending] * 4
    strike = by_title(rows, "Will the dock strike spread")
    assert (strike.block, strike.source, briefing.publication) == (0, "Coastal Monitor",
                                                                   "Harbour Desk Weekly")
    assert strike.quote.startswith("The dock strike is unlikely")
    assert (strike.term, strike.low, strike.high, strike.yardstick) == ("unlikely", 0.2, 0.45,
                                                                        "icd203")
    assert strike.low < strike.probability < strike.high
    assert strike.closes_at == datetime(2026, 3, 1, tzinfo=UTC)
    assert strike.resolve_by > strike.closes_at
    dredging = by_title(rows, "If the port authority approves")
    condition = by_title(rows, "Will the port authority approve the budget")
    assert dredging.conditional and dredging.condition_draft_id == condition.id
    assert condition.is_condition and condition.probability is None


@pytest.mark.parametrize("text, message", [
    ("", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
    ("Source: Wire\n" + "Shipping continues as normal in the bay. " * 130_000, "limit is 2 MB"),
    ("Source: Wire\nThe ferry left at noon. The harbour master retired.", "No assessments found"),
])
def test_unreadable_briefings_are_refused_and_nothing_is_stored(session, manager, clock, text,
                                                                message):
    with pytest.raises(ValidationFailed) as refused:
        briefings.import_briefing(session, text, published=PUBLISHED, importer=manager,
                                  now=clock.now())
    assert message in str(refused.value)
    session.rollback()
    assert stored_counts(session) == (0, 0, 0)


def test_an_unknown_yardstick_or_a_forecaster_is_refused(session, manager, forecaster, clock):
    with pytest.raises(ValidationFailed, match="icd203, phia, nato"):
        harbour_desk(session, manager, clock.now(), yardstick="cia")
    with pytest.raises(NotAllowed):
        harbour_desk(session, forecaster, clock.now())
    assert stored_counts(session) == (0, 0, 0)


def test_html_briefings_lose_their_scripts(session, manager, clock):
    html = ("<html><head><script>steal()</script></head><body><h1>Port note</h1>"
            "<p>Source: Coastal Monitor</p><p>The dock strike is unlikely to end before "
            "March.</p><script>document.write('x')</script></body></html>")
    briefing = briefings.import_briefing(session, html.encode(), published=PUBLISHED,
                                         importer=manager, now=clock.now())
    assert "steal" not in briefing.text and "document.write" not in briefing.text
    assert len(briefings.drafts(session, briefing)) == 1


def test_publishing_opens_questions_with_the_publications_stated_forecast(session, manager,
                                                                          clock):
    briefing = harbour_desk(session, manager, clock.now())
    rows = briefings.drafts(session, briefing)
    strike, budget = by_title(rows, "Will the dock strike"), by_title(rows, "Will the port "
                                                                             "authority approve "
                                                                             "the dredging")
    accept(session, manager, strike, budget)
    created = briefings.publish_accepted(session, briefing, actor=manager, now=clock.now())
    assert len(created) == 2
    question = next(q for q in created if q.briefing_draft_id == strike.id)
    assert status(question, clock.now()) is Status.open
    # It opens when published, not at 00:00 on the briefing's date, before anyone could see it.
    assert (question.opens_at, question.briefing_id) == (clock.now(), briefing.id)
    # The quote is the newsletter's own sentence: the publication speaks, the Source: line is
    # only what the passage draws from.
    assert question.source_quote == strike.quote
    assert (question.source_name, question.cited_source) == ("Harbour Desk Weekly",
                                                              "Coastal Monitor")
    stated = session.exec(select(Forecast).where(Forecast.question_id == question.id)).one()
    # Held from the opening for scoring; the briefing's date stays with what was said.
    assert (stated.probability, stated.created_at) == (0.325, clock.now())
    assert "2026-01-05" in stated.rationale and "Harbour Desk Weekly" in stated.rationale
    publication = session.get(User, stated.forecaster_id)
    assert publication.kind is UserKind.publication
    assert publication.display_name == "Harbour Desk Weekly (stated)"
    assert accounts.authenticate(session, publication.username, "") is None
    assert accounts.authenticate(session, publication.username, "!") is None
    assert strike.state is DraftState.published
    with pytest.raises(Conflict, match="already published"):
        briefings.accept_draft(session, strike, actor=manager)


def test_a_publication_keeps_one_pseudo_forecaster_across_briefings(session, manager, clock):
    for _ in range(2):
        briefing = harbour_desk(session, manager, clock.now())
        accept(session, manager, by_title(briefings.drafts(session, briefing), "Will the dock"))
        briefings.publish_accepted(session, briefing, actor=manager, now=clock.now())
    kinds = session.exec(select(User).where(User.kind == UserKind.publication)).all()
    assert [u.display_name for u in kinds] == ["Harbour Desk Weekly (stated)"]


def test_a_conditional_draft_needs_its_condition_accepted(session, manager, clock):
    briefing = harbour_desk(session, manager, clock.now())
    rows = briefings.drafts(session, briefing)
    dredging = by_title(rows, "If the port authority approves")
    condition = by_title(rows, "Will the port authority approve the budget")
    accept(session, manager, dredging)
    session.commit()  # the accepting request ends; the refused publish below rolls back its own
    with pytest.raises(Conflict, match="accept that condition draft too"):
        briefings.publish_accepted(session, briefing, actor=manager, now=clock.now())
    session.rollback()
    assert stored_counts(session)[2] == 0
    assert dredging.state is DraftState.accepted

    accept(session, manager, condition)
    created = briefings.publish_accepted(session, briefing, actor=manager, now=clock.now())
    conditional = next(q for q in created if q.briefing_draft_id == dredging.id)
    parent = next(q for q in created if q.briefing_draft_id == condition.id)
    assert conditional.condition_id == parent.id and not conditional.condition_negated
    # The condition draft states no probability, so the publication forecasts only the other.
    forecasts = session.exec(select(Forecast.question_id)).all()
    assert forecasts == [conditional.id]


def test_publishing_refuses_nothing_accepted_and_past_close_dates(session, manager, clock):
    briefing = harbour_desk(session, manager, clock.now())
    with pytest.raises(Conflict, match="Accept at least one"):
        briefings.publish_accepted(session, briefing, actor=manager, now=clock.now())
    strike = by_title(briefings.drafts(session, briefing), "Will the dock strike")
    accept(session, manager, strike)
    with pytest.raises(Conflict, match="has passed"):
        briefings.publish_accepted(session, briefing, actor=manager,
                                   now=datetime(2026, 4, 1, tzinfo=UTC))
    session.rollback()
    assert stored_counts(session)[2] == 0


def edit(**changes: object) -> DraftEdit:
    values: dict[str, object] = {
        "title": "Will the dock strike reach the northern terminals before 1 March 2026?",
        "resolution_criteria": "YES if the union reports a walkout at a northern terminal.",
        "closes_at": datetime(2026, 3, 1, tzinfo=UTC),
        "resolve_by": datetime(2026, 3, 10, tzinfo=UTC),
        "probability": 0.3,
        "tags": ["Ports", " ports", "Labour"],
    }
    return DraftEdit(**(values | changes))  # type: ignore[arg-type]


def test_a_manager_edits_a_draft_and_bad_values_are_refused(session, manager, forecaster,
                                                           clock):
    briefing = harbour_desk(session, manager, clock.now())
    strike = by_title(briefings.drafts(session, briefing), "Will the dock strike")
    briefings.update_draft(session, strike, edit(), actor=manager)
    assert (strike.probability, strike.tags) == (0.3, "Ports, Labour")
    for bad, field in ((edit(probability=1.0), "probability"),
                       (edit(resolve_by=datetime(2026, 2, 1, tzinfo=UTC)), "resolve_by"),
                       (edit(tags=[f"t{i}" for i in range(13)]), "tags")):
        with pytest.raises(ValidationFailed) as refused:
            briefings.update_draft(session, strike, bad, actor=manager)
        assert field in refused.value.fields
    with pytest.raises(NotAllowed):
        briefings.update_draft(session, strike, edit(), actor=forecaster)
    session.refresh(strike)
    assert strike.probability == 0.3
    briefings.reject_draft(session, strike, actor=manager)
    assert strike.state is DraftState.rejected


def test_a_context_sentence_is_promoted_to_a_draft_filled_by_hand(session, manager, clock):
    briefing = harbour_desk(session, manager, clock.now())
    context = briefings.review_text(briefing, briefings.drafts(session, briefing)).context
    assert [c.text for c in context] == ["Dock workers in Valmora walked out on Monday."]
    draft = briefings.promote_sentence(session, briefing, context[0].sentence_index,
                                       actor=manager)
    assert draft.promoted and draft.source == "Coastal Monitor" and draft.term is None
    with pytest.raises(ValidationFailed):
        briefings.accept_draft(session, draft, actor=manager)
    with pytest.raises(Conflict):
        briefings.promote_sentence(session, briefing, context[0].sentence_index, actor=manager)
    with pytest.raises(NotFound):
        briefings.promote_sentence(session, briefing, 99, actor=manager)
    briefings.update_draft(session, draft, edit(title="Will the Valmora walkout last a month?"),
                           actor=manager)
    briefings.accept_draft(session, draft, actor=manager)
    [question] = briefings.publish_accepted(session, briefing, actor=manager, now=clock.now())
    assert question.title == "Will the Valmora walkout last a month?"
    assert briefings.review_text(briefing, briefings.drafts(session, briefing)).context == []


def conditional_pair(session: Session, manager: User, *, negated: bool = False):  # type: ignore[no-untyped-def]
    condition = make_question(session, manager, title="Will the budget pass?")
    conditional = make_question(session, manager, title="Will dredging start?")
    conditional.condition_id, conditional.condition_negated = condition.id, negated
    session.add(conditional)
    session.commit()
    return condition, conditional


def test_a_conditional_cannot_resolve_before_its_condition_enables_it(session, manager, clock):
    condition, conditional = conditional_pair(session, manager)
    for outcome in (Outcome.yes, Outcome.no):
        with pytest.raises(Conflict, match="resolve that question YES first"):
            resolution.resolve(session, conditional, outcome=outcome, actor=manager,
                               now=clock.now())
    session.rollback()
    assert conditional.outcome is None
    resolution.resolve(session, condition, outcome=Outcome.yes, actor=manager, now=clock.now())
    assert conditional.outcome is None  # enabled: forecasting goes on
    resolution.resolve(session, conditional, outcome=Outcome.no, actor=manager, now=clock.now())
    assert conditional.outcome is Outcome.no


def test_a_conditional_may_always_be_annulled(session, manager, clock):
    _, conditional = conditional_pair(session, manager)
    resolution.resolve(session, conditional, outcome=Outcome.annulled, actor=manager,
                       now=clock.now())
    assert conditional.outcome is Outcome.annulled


def test_a_condition_resolving_no_annuls_its_conditional_in_the_trail(session, manager, admin,
                                                                      clock):
    condition, conditional = conditional_pair(session, manager)
    resolution.resolve(session, condition, outcome=Outcome.no, actor=admin, now=clock.now())
    session.refresh(conditional)
    assert conditional.outcome is Outcome.annulled
    assert status(conditional, clock.now()) is Status.resolved
    entries = resolution.trail(session, conditional)
    scheduler = actors.scheduler(session, now=clock.now())  # automatic, so not the admin's act
    assert [(e.action, e.actor_id) for e in entries] == [(Action.close, scheduler.id),
                                                         (Action.resolve, scheduler.id)]
    assert "Will the budget pass?" in entries[-1].note and "NO" in entries[-1].note


def test_unless_conditions_annul_when_the_condition_happens(session, manager, clock):
    condition, conditional = conditional_pair(session, manager, negated=True)
    with pytest.raises(Conflict, match="resolve that question NO first"):
        resolution.resolve(session, conditional, outcome=Outcome.yes, actor=manager,
                           now=clock.now())
    session.rollback()
    resolution.resolve(session, condition, outcome=Outcome.yes, actor=manager, now=clock.now())
    session.refresh(conditional)
    assert conditional.outcome is Outcome.annulled


def test_correcting_a_condition_to_no_annuls_a_scored_conditional(session, manager, clock):
    condition, conditional = conditional_pair(session, manager)
    resolution.resolve(session, condition, outcome=Outcome.yes, actor=manager, now=clock.now())
    resolution.resolve(session, conditional, outcome=Outcome.yes, actor=manager, now=clock.now())
    later = clock.advance(days=1)
    resolution.resolve(session, condition, outcome=Outcome.no, actor=manager,
                       note="The vote was annulled by the court.", now=later)
    session.refresh(conditional)
    assert conditional.outcome is Outcome.annulled
    last = resolution.trail(session, conditional)[-1]
    assert (last.action, last.from_outcome, last.at) == (Action.correct, Outcome.yes, later)


def test_term_record_counts_what_each_publication_said_and_what_happened(session, manager,
                                                                         clock):
    for _ in range(3):
        briefing = harbour_desk(session, manager, clock.now())
        rows = briefings.drafts(session, briefing)
        accept(session, manager, by_title(rows, "Will the dock strike"),
               by_title(rows, "Will the port authority approve the dredging"))
        briefings.publish_accepted(session, briefing, actor=manager, now=clock.now())
    unlikely = session.exec(
        select(Question).where(col(Question.title).startswith("Will the dock strike"))
        .order_by(col(Question.id))
    ).all()
    for question, outcome in zip(unlikely, (Outcome.yes, Outcome.no, Outcome.annulled),
                                 strict=True):
        resolution.resolve(session, question, outcome=outcome, actor=manager, now=clock.now())
    records = briefings.term_record(session)
    assert [(r.publication, r.term, r.said, r.resolved, r.happened) for r in records] == [
        ("Harbour Desk Weekly", "unlikely", 3, 2, 1),
        ("Harbour Desk Weekly", "very likely", 3, 0, 0),
    ]
    coastal, _ = briefings.term_record(session, publication="Harbour Desk Weekly")
    assert (coastal.yardstick, coastal.band, coastal.low, coastal.high) == (
        "icd203", "unlikely", 0.2, 0.45)
    assert briefings.term_record(session, publication="Nobody") == []
    assert len(briefings.term_record(session, author="Ana Ortiz")) == 2
    assert briefings.term_record(session, author="Someone Else") == []


def test_question_origin_names_the_briefing_condition_and_dependants(session, manager, clock):
    briefing = harbour_desk(session, manager, clock.now())
    rows = briefings.drafts(session, briefing)
    accept(session, manager, by_title(rows, "If the port"), by_title(rows, "Will the port "
                                                                          "authority approve "
                                                                          "the budget"))
    created = briefings.publish_accepted(session, briefing, actor=manager, now=clock.now())
    parent = next(q for q in created if q.condition_id is None)
    child = next(q for q in created if q.condition_id is not None)
    origin = briefings.question_origin(session, child)
    assert origin.briefing.id == briefing.id and origin.draft.source == "Gulf Ledger"
    assert origin.condition.id == parent.id
    assert [q.id for q in briefings.question_origin(session, parent).dependants] == [child.id]
    assert timedelta(0) < child.closes_at - child.opens_at


def test_criteria_follow_the_title_and_dates_until_edited_by_hand(session, manager, clock):
    briefing = harbour_desk(session, manager, clock.now())
    strike = by_title(briefings.drafts(session, briefing), "Will the dock strike")
    generated = strike.resolution_criteria
    retitled = "Will the dock strike close a northern terminal before 2026-04-01?"
    briefings.update_draft(session, strike, edit(
        title=retitled, resolution_criteria=generated,
        closes_at=datetime(2026, 4, 1, tzinfo=UTC), resolve_by=datetime(2026, 4, 9, tzinfo=UTC)),
        actor=manager)
    # Untouched criteria are regenerated: the new title and date, never the stale ones.
    assert retitled in strike.resolution_criteria and "2026-04-01" in strike.resolution_criteria
    assert "northern terminals before 2026-03-01?" not in strike.resolution_criteria
    assert not strike.criteria_edited
    by_hand = "YES if the port authority confirms a terminal closed by the strike."
    briefings.update_draft(session, strike, edit(title=retitled, resolution_criteria=by_hand),
                           actor=manager)
    assert strike.resolution_criteria == by_hand and strike.criteria_edited
    briefings.update_draft(session, strike, edit(title="Will the strike end?",
                                                 resolution_criteria=by_hand), actor=manager)
    assert strike.resolution_criteria == by_hand  # a manager's words are never overwritten


def test_a_draft_without_a_computable_date_waits_for_the_manager(session, manager, clock):
    text = ("Port notes\n\nSource: Coastal Monitor\nThe dock strike is unlikely to end before "
            "the harbour board's annual review.")
    briefing = briefings.import_briefing(session, text, published=HARBOUR_DESK_DATE,
                                         importer=manager, now=clock.now())
    [row] = briefings.drafts(session, briefing)
    assert row.date_needed and row.horizon == "before the harbour board's annual review"
    assert "annual review" in row.resolution_criteria
    accept(session, manager, row)
    with pytest.raises(Conflict, match="set its close date"):
        briefings.publish_accepted(session, briefing, actor=manager, now=clock.now())
    briefings.update_draft(session, row, edit(title=row.title,
                                              resolution_criteria=row.resolution_criteria),
                           actor=manager)
    assert not row.date_needed
    accept(session, manager, row)
    assert briefings.publish_accepted(session, briefing, actor=manager, now=clock.now())


def test_the_review_marks_sentences_in_the_numbering_stored_at_import(session, manager, clock):
    briefing = harbour_desk(session, manager, clock.now())
    rows = briefings.drafts(session, briefing)
    stored = copy.deepcopy(briefing.sentences)
    text = briefings.review_text(briefing, rows)
    marked = {s.index: s.text for block in text.blocks for paragraph in block.paragraphs
              for s in paragraph if s.drafted}
    assert marked == {row.sentence_index: row.quote for row in rows}
    assert [s["index"] for s in stored["sentences"]] == sorted(
        [s.index for block in text.blocks for paragraph in block.paragraphs for s in paragraph])
    # The review reads the stored numbering, not a fresh parse: what was stored is what shows.
    first = stored["sentences"][0]
    first["text"] = "Dock workers in Valmora walked out on a Monday."
    briefing.sentences = stored
    shown = briefings.review_text(briefing, rows).blocks[0].paragraphs[0][0]
    assert shown.text == first["text"]
