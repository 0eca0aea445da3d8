"""Publishing: accepted drafts become open questions, with the publication's stated forecast.

The briefing's own probability is recorded as a forecast by the publication's pseudo-forecaster
("<publication> (stated)"), so the publication is scored like everyone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from forecasts.briefings.importing import midnight
from forecasts.briefings.review import drafts
from forecasts.errors import Conflict, ValidationFailed
from forecasts.models import (
    Briefing,
    BriefingDraft,
    DraftState,
    Forecast,
    Question,
    User,
    UserKind,
)
from forecasts.questions import QuestionCreate, check_question, require_manager, set_tags

STATED = " (stated)"


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
    opens_at = midnight(briefing.published)
    for row in accepted:
        _check_publishable(row, by_id, opens_at, now)
    published = {q.briefing_draft_id: q for q in session.exec(
        select(Question).where(Question.briefing_id == briefing.id))}
    created = []
    for row in sorted(accepted, key=lambda r: (not r.is_condition, r.sentence_index, r.id)):
        question = _publish_one(session, briefing, row, published, actor=actor,
                                opens_at=opens_at, now=now)
        published[row.id] = question
        created.append(question)
    session.commit()
    return created


def _check_publishable(
    row: BriefingDraft, by_id: dict[int | None, BriefingDraft], opens_at: datetime, now: datetime
) -> None:
    label = f"Draft “{row.title or row.quote[:60]}”"
    condition = by_id.get(row.condition_draft_id) if row.condition_draft_id else None
    if condition is not None and condition.state not in (DraftState.accepted,
                                                          DraftState.published):
        raise Conflict(f"{label} is conditional on “{condition.title or condition.condition}”: "
                       "accept that condition draft too, or reject the conditional one.")
    try:
        check_question(_question_input(row, opens_at))
    except ValidationFailed as error:
        raise ValidationFailed({name: f"{label}: {message}"
                                for name, message in error.fields.items()}) from None
    if row.closes_at <= now:
        raise Conflict(f"{label} closes on {row.closes_at:%Y-%m-%d}, which has passed; "
                       "move its close date first.")


def _question_input(row: BriefingDraft, opens_at: datetime) -> QuestionCreate:
    return QuestionCreate(
        title=row.title, resolution_criteria=row.resolution_criteria,
        opens_at=opens_at, closes_at=row.closes_at, resolve_by=row.resolve_by,
        source_name=row.publication, source_quote=row.quote,
        tags=[t for t in row.tags.split(",") if t.strip()],
    )


def _publish_one(
    session: Session,
    briefing: Briefing,
    row: BriefingDraft,
    published: dict[int | None, Question],
    *,
    actor: User,
    opens_at: datetime,
    now: datetime,
) -> Question:
    data = _question_input(row, opens_at)
    condition = published.get(row.condition_draft_id) if row.condition_draft_id else None
    question = Question(
        **data.model_dump(exclude={"tags"}), created_by_id=actor.id,  # type: ignore[arg-type]
        created_at=now, published_at=now, briefing_id=briefing.id, briefing_draft_id=row.id,
        condition_id=condition.id if condition else None,
        condition_negated=row.condition_negated,
    )
    session.add(question)
    session.flush()
    # The same tag rules as a question drafted by hand, inside this one transaction.
    set_tags(session, question, data.tags)
    if row.probability is not None:
        stated_by = pseudo_forecaster(session, row.publication, now=now)
        session.add(Forecast(
            question_id=question.id,  # type: ignore[arg-type]
            forecaster_id=stated_by.id,  # type: ignore[arg-type]
            probability=round(row.probability, 4),
            rationale=f"Stated in the briefing: “{row.quote}”", created_at=opens_at,
        ))
    row.state = DraftState.published
    session.add(row)
    return question


def pseudo_forecaster(session: Session, publication: str, *, now: datetime) -> User:
    """The publication's own forecaster, "<publication> (stated)", created on first use.

    It cannot sign in: its password hash matches no password.
    """
    display_name = (publication[: 80 - len(STATED)] + STATED)
    query = select(User).where(User.kind == UserKind.publication,
                               User.display_name == display_name)
    user = session.exec(query).first()
    if user is not None:
        return user
    slug = re.sub(r"[^a-z0-9]+", "-", publication.lower()).strip("-")[:28] or "publication"
    username, n = f"pub-{slug}", 1
    while session.exec(select(User.id).where(User.username == username)).first() is not None:
        n += 1
        username = f"pub-{slug}-{n}"
    user = User(username=username, display_name=display_name, password_hash="!",
                kind=UserKind.publication, created_at=now)
    session.add(user)
    session.flush()
    return user


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
