"""Resolutions proposed by automatic checks, with their evidence, until a manager confirms one.

A question gets at most one proposal (a unique key), so two checks racing cannot propose twice.
Proposing and confirming both go into the resolution trail.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from forecasts import bounds
from forecasts.errors import Conflict, NotFound, ValidationFailed
from forecasts.messages import sentences
from forecasts.models import (
    Action,
    Outcome,
    Proposal,
    ProposalStatus,
    Question,
    ResolutionEvent,
    User,
)
from forecasts.notifications import webhooks
from forecasts.questions.catalog import require_manager
from forecasts.resolution import outcomes
from forecasts.timezones import format_moment


def summary(outcome: Outcome, facts: dict[str, Any]) -> str:
    """The evidence in sentences, for the trail; its times in UTC, as the note is stored once."""
    given = {key: facts.get(key) for key in ("reason", "value", "title", "link", "url",
                                             "fetched_at") if facts.get(key) not in (None, "")}
    parts = [f"Automatic check proposes {outcome.value.upper()}", str(given.get("reason", ""))]
    if "value" in given:
        parts.append(f"Value seen: {given['value']}")
    if "title" in given or "link" in given:
        entry = f"“{given['title']}”" if "title" in given else ""
        parts.append(f"Entry: {entry} ({given['link']})" if "link" in given and entry
                     else f"Entry: {entry or given['link']}")
    if "url" in given:
        parts.append(f"Source: {given['url']}")
    if "fetched_at" in given:
        parts.append(f"Fetched {format_moment(given['fetched_at'])}")
    return bounds.shorten(sentences(parts), bounds.EVIDENCE)  # fetched, so bounded


def propose(
    session: Session,
    question: Question,
    *,
    outcome: Outcome,
    facts: dict[str, Any],
    actor: User,
    auto_apply: bool,
    now: datetime,
) -> Proposal | None:
    """Record the proposal and its trail entry, resolving at once with ``auto_apply``.

    ``actor`` is who proposes (the Scheduler, for automatic checks), credited in the trail;
    whether a source may auto-apply is the caller's to decide. Returns
    None (and changes nothing) when the question already has a proposal or an outcome.
    """
    if question.outcome is not None:
        return None
    note = summary(outcome, facts)
    proposal = Proposal(question_id=question.id, outcome=outcome,  # type: ignore[arg-type]
                        evidence=facts, proposed_at=now)
    session.add(proposal)
    session.add(ResolutionEvent(question_id=question.id, actor_id=actor.id, at=now,  # type: ignore[arg-type]
                                action=Action.propose, to_outcome=outcome, note=note))
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        return None
    if auto_apply:
        proposal.status, proposal.decided_at = ProposalStatus.applied, now
        proposal.decided_by_id = actor.id
        outcomes.resolve(session, question, outcome=outcome, actor=actor,
                           note=f"Applied automatically. {note}", now=now)
    else:
        webhooks.enqueue(
            session, "proposal.waiting", f"proposal.waiting:{question.id}:{now.isoformat()}",
            {**webhooks.question_data(question), "outcome": outcome.value, "evidence": note},
            now=now)
        session.flush()
    return proposal


def propose_many(
    session: Session,
    decided: list[tuple[int, Outcome, dict[str, Any], datetime]],
    *,
    actor: User,
) -> set[int]:
    """Record many proposals (question id, outcome, facts, when) in the caller's transaction.

    The same rows and trail entries as ``propose`` without auto-apply, written in two
    statements; questions already resolved or proposed are skipped. Returns the ids proposed.
    Raises IntegrityError when a concurrent run proposed one of them meanwhile (the caller
    rolls back and proposes one by one).
    """
    if not decided:
        return set()
    ids = [question_id for question_id, *_ in decided]
    taken = {i for i in session.exec(select(Question.id).where(
        col(Question.id).in_(ids), col(Question.outcome).is_not(None))) if i is not None}
    taken.update(session.exec(select(Proposal.question_id).where(
        col(Proposal.question_id).in_(ids))))
    fresh = [item for item in decided if item[0] not in taken]
    if not fresh:
        return set()
    session.execute(sa.insert(Proposal.__table__), [  # type: ignore[attr-defined]
        {"question_id": question_id, "outcome": outcome, "proposed_at": at,
         "evidence": facts,
         "status": ProposalStatus.pending}
        for question_id, outcome, facts, at in fresh
    ])
    session.execute(sa.insert(ResolutionEvent.__table__), [  # type: ignore[attr-defined]
        {"question_id": question_id, "actor_id": actor.id, "at": at, "action": Action.propose,
         "to_outcome": outcome, "note": summary(outcome, facts)}
        for question_id, outcome, facts, at in fresh
    ])
    if hooks := webhooks.subscribers(session, "proposal.waiting"):  # one query when none
        titled = {q.id: q for q in session.exec(select(Question).where(
            col(Question.id).in_([question_id for question_id, *_ in fresh])))}
        for question_id, outcome, facts, at in fresh:
            webhooks.enqueue(
                session, "proposal.waiting", f"proposal.waiting:{question_id}:{at.isoformat()}",
                {**webhooks.question_data(titled[question_id]), "outcome": outcome.value,
                 "evidence": summary(outcome, facts)}, now=at, hooks=hooks)
    return {question_id for question_id, *_ in fresh}


def confirm(session: Session, proposal: Proposal, *, actor: User, now: datetime) -> Proposal:
    """A manager accepts the proposal: the question is resolved with the evidence as the note.

    Raises NotAllowed for non-managers, Conflict if it was decided already or the question
    has an outcome.
    """
    require_manager(actor)
    if proposal.status is not ProposalStatus.pending:
        raise Conflict("This proposal has been decided already.")
    question = session.get(Question, proposal.question_id)
    if question is None:
        raise NotFound("No such question.")
    if question.outcome is not None:
        raise Conflict("The question is resolved already; correct the resolution instead.")
    proposal.status, proposal.decided_at, proposal.decided_by_id = (
        ProposalStatus.confirmed, now, actor.id
    )
    session.add(proposal)
    note = "Confirmed the automatic proposal. " + summary(proposal.outcome, proposal.evidence)
    outcomes.resolve(session, question, outcome=proposal.outcome, actor=actor, note=note,
                       now=now)  # the proposal's status goes with the resolution
    session.refresh(proposal)
    return proposal


def dismiss(
    session: Session, proposal: Proposal, *, actor: User, note: str, now: datetime
) -> Proposal:
    """A manager rejects the proposal, saying why; the question stays unresolved.

    The source proposes nothing more until a manager changes it (see sources.set_source), so a
    check that keeps firing on bad data does not nag. Raises NotAllowed for non-managers,
    Conflict if it was decided already, ValidationFailed without a note.
    """
    require_manager(actor)
    if proposal.status is not ProposalStatus.pending:
        raise Conflict("This proposal has been decided already.")
    if not note.strip():
        raise ValidationFailed({"note": "Say why the proposal is wrong."})
    bounds.check_texts({"note": (note, bounds.NOTE)})
    proposal.status, proposal.decided_at, proposal.decided_by_id = (
        ProposalStatus.dismissed, now, actor.id
    )
    session.add(proposal)
    session.add(ResolutionEvent(
        question_id=proposal.question_id, actor_id=actor.id, at=now,  # type: ignore[arg-type]
        action=Action.dismiss, to_outcome=proposal.outcome,
        note=f"Dismissed the automatic proposal: {note.strip()}",
    ))
    session.flush()
    session.refresh(proposal)
    return proposal


def forget_dismissed(session: Session, question_id: int) -> None:
    """Drop a dismissed proposal so a changed source may propose afresh (caller commits)."""
    proposal = proposal_for(session, question_id)
    if proposal is not None and proposal.status is ProposalStatus.dismissed:
        session.delete(proposal)


def proposal_for(session: Session, question_id: int) -> Proposal | None:
    """The question's proposal, if a check has made one."""
    return session.exec(select(Proposal).where(Proposal.question_id == question_id)).first()


def get_proposal(session: Session, proposal_id: int) -> Proposal:
    """The proposal with this id; raises NotFound."""
    proposal = session.get(Proposal, proposal_id)
    if proposal is None:
        raise NotFound("No such proposal.")
    return proposal


def pending(session: Session) -> list[tuple[Proposal, Question]]:
    """Proposals waiting for a manager, oldest first."""
    rows = session.exec(
        select(Proposal, Question)
        .join(Question, col(Question.id) == Proposal.question_id)
        .where(Proposal.status == ProposalStatus.pending, col(Question.outcome).is_(None))
        .order_by(col(Proposal.proposed_at))
    )
    return list(rows.all())
