"""Publishing: accepted drafts become open questions, with the publication's stated forecast.

A question opens when it is published. The briefing's own probability is recorded as a forecast
by its publication's pseudo-forecaster ("<publication> (stated)"), held from the opening, so the
publication is scored like everyone over the same time; the source a ``Source:`` line cites
becomes the question's source, with its date kept apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from forecasts.briefings.deadlines import title_deadlines
from forecasts.briefings.publications import forecaster_of, get_publication, publication_for
from forecasts.briefings.review import drafts
from forecasts.errors import Conflict, ValidationFailed
from forecasts.models import (
    Briefing,
    BriefingDraft,
    DraftState,
    Forecast,
    Publication,
    Question,
    User,
)
from forecasts.questions.catalog import QuestionCreate, check_question, require_manager, set_tags


def publish_accepted(
    session: Session, briefing: Briefing, *, actor: User, now: datetime
) -> list[Question]:
    """Create and publish a question per accepted draft, conditions first, all or nothing.

    Raises NotAllowed for a non-manager; Conflict when nothing is accepted, when a conditional
    draft's condition is not accepted too, or a draft closes before ``now``; ValidationFailed
    (naming the draft) for a draft whose fields break a question rule.
    """
    require_manager(actor)
    rows = drafts(session, briefing)
    by_id = {row.id: row for row in rows}
    accepted = [row for row in rows if row.state is DraftState.accepted]
    if not accepted:
        raise Conflict("Accept at least one draft before publishing.")
    # A question opens when forecasters can first see it: now, not the briefing's date.
    opens_at = now
    publication = _publication(session, briefing, now)
    for row in accepted:
        _check_publishable(row, by_id, opens_at, now)
    published = {q.briefing_draft_id: q for q in session.exec(
        select(Question).where(Question.briefing_id == briefing.id))}
    created = []
    for row in sorted(accepted, key=lambda r: (not r.is_condition, r.sentence_index, r.id)):
        question = _publish_one(session, briefing, row, published, actor=actor,
                                stated_by=forecaster_of(session, publication), now=now)
        published[row.id] = question
        created.append(question)
    session.flush()
    return created


def _publication(session: Session, briefing: Briefing, now: datetime) -> Publication:
    """The briefing's publication (a briefing stored before publications existed gets one)."""
    if briefing.publication_id is not None:
        return get_publication(session, briefing.publication_id)
    publication = publication_for(session, briefing.publication, now=now)
    briefing.publication_id = publication.id
    session.add(briefing)
    return publication


def _check_publishable(
    row: BriefingDraft, by_id: dict[int | None, BriefingDraft], opens_at: datetime, now: datetime
) -> None:
    label = f"Draft “{row.title or row.quote[:60]}”"
    if row.date_needed:
        raise Conflict(f"{label} names no date the importer could compute: set its close date "
                       "(and resolve-by) first.")
    if any(day != row.closes_at.date() for day in title_deadlines(row.title)):
        raise Conflict(f"{label} names a deadline other than its close date "
                       f"({row.closes_at:%Y-%m-%d}): make the title and the close date agree.")
    condition = by_id.get(row.condition_draft_id) if row.condition_draft_id else None
    if condition is not None and condition.state not in (DraftState.accepted,
                                                          DraftState.published):
        raise Conflict(f"{label} is conditional on “{condition.title or condition.condition}”: "
                       "accept that condition draft too, or reject the conditional one.")
    if row.closes_at <= now:
        raise Conflict(f"{label} closes on {row.closes_at:%Y-%m-%d}, which has passed; "
                       "move its close date first.")
    try:
        check_question(_question_input(row, opens_at))
    except ValidationFailed as error:
        raise ValidationFailed({name: f"{label}: {message}"
                                for name, message in error.fields.items()}) from None


def _question_input(row: BriefingDraft, opens_at: datetime,
                    publication_name: str = "") -> QuestionCreate:
    return QuestionCreate(
        title=row.title, resolution_criteria=row.resolution_criteria,
        opens_at=opens_at, closes_at=row.closes_at, resolve_by=row.resolve_by,
        # The quote is the publication's own sentence: it speaks; a "Source:" line is only
        # what the passage draws from, kept as the question's cited source.
        source_name=publication_name, source_quote=row.quote,
        tags=[t for t in row.tags.split(",") if t.strip()],
    )


def _publish_one(
    session: Session,
    briefing: Briefing,
    row: BriefingDraft,
    published: dict[int | None, Question],
    *,
    actor: User,
    stated_by: User,
    now: datetime,
) -> Question:
    data = _question_input(row, now, briefing.publication)
    condition = published.get(row.condition_draft_id) if row.condition_draft_id else None
    question = Question(
        **data.model_dump(exclude={"tags"}), created_by_id=actor.id,  # type: ignore[arg-type]
        created_at=now, published_at=now, briefing_id=briefing.id, briefing_draft_id=row.id,
        condition_id=condition.id if condition else None,
        condition_negated=row.condition_negated, source_date=row.source_date,
        cited_source=row.source,
        confidence=row.confidence,
    )
    session.add(question)
    session.flush()
    # The same tag rules as a question drafted by hand, inside this one transaction.
    set_tags(session, question, data.tags)
    if row.probability is not None:
        # Said on the briefing's date, but held from the opening: before it nobody could
        # forecast, so counting that time would flatter the publication's coverage.
        session.add(Forecast(
            question_id=question.id,  # type: ignore[arg-type]
            forecaster_id=stated_by.id,  # type: ignore[arg-type]
            probability=round(row.probability, 4),
            rationale=f"Stated in {briefing.publication} on {briefing.published.isoformat()}: "
                      f"“{row.quote}”",
            created_at=now,
        ))
    row.state = DraftState.published
    session.add(row)
    return question


# --------------------------------------------------------------------------------------------
# Where a question came from, and what it depends on.


@dataclass(frozen=True)
class QuestionOrigin:
    """The briefing and draft a question came from, its condition and its dependants."""

    briefing: Briefing | None
    draft: BriefingDraft | None
    condition: Question | None
    dependants: list[Question]


def question_origin(session: Session, question: Question) -> QuestionOrigin:
    """What the question page shows about its briefing and its conditions."""
    briefing = session.get(Briefing, question.briefing_id) if question.briefing_id else None
    draft = (session.get(BriefingDraft, question.briefing_draft_id)
             if question.briefing_draft_id else None)
    condition = session.get(Question, question.condition_id) if question.condition_id else None
    dependants = list(session.exec(
        select(Question).where(Question.condition_id == question.id)
        .order_by(col(Question.id))
    ))
    return QuestionOrigin(briefing, draft, condition, dependants)
