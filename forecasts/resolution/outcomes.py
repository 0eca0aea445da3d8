"""Resolving questions YES, NO or annulled, correcting a resolution, and the audit trail."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from forecasts import bounds
from forecasts.accounts import actors
from forecasts.errors import Conflict, ValidationFailed
from forecasts.models import Action, Outcome, Question, ResolutionEvent, User, UserKind
from forecasts.notifications import webhooks
from forecasts.questions.catalog import Status, require_manager, status
from forecasts.scoring import store as score_store


def resolve(
    session: Session,
    question: Question,
    *,
    outcome: Outcome | str,
    actor: User,
    note: str = "",
    now: datetime,
) -> ResolutionEvent:
    """Resolve, or correct an earlier resolution; every change goes into the trail.

    An open question is closed at the moment of resolution, since the event has
    been decided. Raises NotAllowed for non-managers, Conflict for a draft or an
    unchanged outcome, ValidationFailed for an unknown outcome or a correction
    without a note.
    """
    require_manager(actor)
    bounds.check_texts({"note": (note, bounds.NOTE)})
    outcome = _parse_outcome(outcome)
    current = status(question, now)
    if current is Status.draft:
        raise Conflict("Publish the question before resolving it.")
    _check_condition(session, question, outcome)
    previous = question.outcome
    if previous == outcome:
        raise Conflict(f"The question is already resolved {outcome.value.upper()}.")
    if previous is not None and not note.strip():
        raise ValidationFailed({"note": "Say why the resolution is being corrected."})
    if current in (Status.open, Status.upcoming):
        question.closed_early_at = now
        session.add(_event(question, actor, now, Action.close, None, None, "Closed on resolution."))
    question.outcome = outcome
    question.resolved_at = now
    action = Action.resolve if previous is None else Action.correct
    event = _event(question, actor, now, action, previous, outcome, note.strip())
    session.add(question)
    session.add(event)
    _annul_dependants(session, question, actor, now)
    # the scores of exactly these questions change, in this same transaction
    score_store.rescore_resolved(session)
    _queue_resolved(session, question, event, now)
    session.flush()
    session.refresh(event)
    return event


def _parse_outcome(outcome: Outcome | str) -> Outcome:
    try:
        return Outcome(outcome)
    except ValueError:
        raise ValidationFailed({"outcome": "Choose YES, NO or annulled."}) from None


def _event(
    question: Question,
    actor: User,
    now: datetime,
    action: Action,
    from_outcome: Outcome | None,
    to_outcome: Outcome | None,
    note: str,
) -> ResolutionEvent:
    return ResolutionEvent(
        question_id=question.id,  # type: ignore[arg-type]
        actor_id=actor.id,  # type: ignore[arg-type]
        at=now,
        action=action,
        from_outcome=from_outcome,
        to_outcome=to_outcome,
        note=note,
    )


# --- Conditional questions ---------------------------------------------------------
# P(Y | X) is scored only when its condition X resolves the enabling way (YES, or NO for
# "unless X"); any other outcome of X annuls it automatically, credited to the Scheduler.


def enabling_outcome(question: Question) -> Outcome:
    """The condition's outcome under which a conditional question is scored."""
    return Outcome.no if question.condition_negated else Outcome.yes


def _check_condition(session: Session, question: Question, outcome: Outcome) -> None:
    """Raise Conflict when a conditional is resolved YES/NO before its condition enabled it."""
    if question.condition_id is None or outcome is Outcome.annulled:
        return
    condition = session.get(Question, question.condition_id)
    enabling = enabling_outcome(question)
    if condition is not None and condition.outcome is not enabling:
        raise Conflict(
            f"This question is conditional on “{condition.title}”: resolve that question "
            f"{enabling.value.upper()} first, or annul this one."
        )


def _annul_dependants(session: Session, condition: Question, actor: User, now: datetime) -> None:
    """Annul the published questions conditional on ``condition`` that it no longer enables."""
    dependants = session.exec(select(Question).where(Question.condition_id == condition.id))
    for dependant in list(dependants):
        if (condition.outcome is enabling_outcome(dependant) or dependant.published_at is None
                or dependant.outcome is Outcome.annulled):
            continue
        if actor.kind is not UserKind.system:  # an automatic consequence, not the actor's act
            actor = actors.scheduler(session, now=now)
        if status(dependant, now) in (Status.open, Status.upcoming):
            dependant.closed_early_at = now
            session.add(_event(dependant, actor, now, Action.close, None, None,
                               "Closed on resolution of its condition."))
        previous = dependant.outcome
        dependant.outcome, dependant.resolved_at = Outcome.annulled, now
        outcome = condition.outcome.value.upper() if condition.outcome else "unresolved"
        note = f"Annulled automatically: its condition “{condition.title}” resolved {outcome}."
        action = Action.resolve if previous is None else Action.correct
        session.add(dependant)
        event = _event(dependant, actor, now, action, previous, Outcome.annulled, note)
        session.add(event)
        _queue_resolved(session, dependant, event, now)
        _annul_dependants(session, dependant, actor, now)


def _queue_resolved(
    session: Session, question: Question, event: ResolutionEvent, now: datetime
) -> None:
    """Queue the question.resolved webhook event, named by its trail entry, in this transaction."""
    session.flush()  # gives the trail entry its id
    webhooks.enqueue(session, "question.resolved", f"question.resolved:{question.id}:{event.id}",
                     {**webhooks.question_data(question), "outcome": event.to_outcome,
                      "corrected": event.from_outcome is not None, "note": event.note}, now=now)


def trail(session: Session, question: Question) -> list[ResolutionEvent]:
    """Every close, resolution and correction of the question, oldest first."""
    query = select(ResolutionEvent).where(ResolutionEvent.question_id == question.id)
    return list(session.exec(query.order_by(col(ResolutionEvent.at), col(ResolutionEvent.id))))
