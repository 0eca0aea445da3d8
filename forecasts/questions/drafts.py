"""What waits for a manager to publish: question drafts, and drafts in imported briefings."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from forecasts.models import Briefing, BriefingDraft, DraftState, Question

# A briefing's draft waits until it is published or rejected (accepted ones wait to be published).
WAITING = (DraftState.pending, DraftState.accepted)


@dataclass(frozen=True)
class BriefingWaiting:
    """An imported briefing with drafts still to review or publish."""

    briefing_id: int
    name: str  # its title, else its publication
    waiting: int


@dataclass(frozen=True)
class DraftsWaiting:
    """The Drafts menu: question drafts, and briefings with drafts waiting (newest first)."""

    questions: int
    briefings: list[BriefingWaiting]

    @property
    def in_briefings(self) -> int:
        """Drafts waiting across every briefing."""
        return sum(b.waiting for b in self.briefings)

    @property
    def total(self) -> int:
        """Everything waiting for a manager to publish or reject."""
        return self.questions + self.in_briefings


def drafts_waiting(session: Session) -> DraftsWaiting:
    """Count unpublished questions and each briefing's drafts waiting: two grouped queries."""
    questions = session.exec(
        select(func.count()).select_from(Question).where(col(Question.published_at).is_(None))
    ).one()
    rows = session.exec(
        select(Briefing.id, Briefing.title, Briefing.publication, func.count())
        .join(BriefingDraft, col(BriefingDraft.briefing_id) == Briefing.id)
        .where(col(BriefingDraft.state).in_(WAITING))
        .group_by(col(Briefing.id), col(Briefing.title), col(Briefing.publication))
        .order_by(col(Briefing.id).desc())
    )
    briefings = [BriefingWaiting(briefing_id, title or publication, count)  # type: ignore[arg-type]
                 for briefing_id, title, publication, count in rows]
    return DraftsWaiting(int(questions), briefings)
