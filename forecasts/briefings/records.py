"""Term records: how often each estimative term a publication used came true."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from forecasts.models import (
    Briefing,
    BriefingDraft,
    Outcome,
    Publication,
    PublicationAuthor,
    Question,
)


@dataclass(frozen=True)
class TermRecord:
    """When ``publication`` said ``term``: how often, how often resolved, how often it happened."""

    publication: str
    yardstick: str
    term: str
    band: str | None
    low: float | None
    high: float | None
    said: int
    resolved: int
    happened: int


def term_record(session: Session, publication: str | None = None,
                author: str | None = None) -> list[TermRecord]:
    """Per (publication, yardstick, term) over published drafts; annulled questions not counted.

    Judgments belong to the briefing's publication, whatever sources it cites; ``author``
    narrows to the briefings whose byline names them. ``resolved`` counts YES and NO outcomes;
    ``happened`` counts YES.
    """
    resolved = case((col(Question.outcome).in_([Outcome.yes, Outcome.no]), 1), else_=0)
    happened = case((col(Question.outcome) == Outcome.yes, 1), else_=0)
    query = (  # sqlmodel types select() for at most four columns
        select(Publication.name, BriefingDraft.yardstick, BriefingDraft.term,  # type: ignore[call-overload]
               func.min(BriefingDraft.band), func.min(BriefingDraft.low),
               func.max(BriefingDraft.high), func.count(), func.sum(resolved), func.sum(happened))
        .join(Question, col(Question.briefing_draft_id) == BriefingDraft.id)
        .join(Briefing, col(Briefing.id) == BriefingDraft.briefing_id)
        .join(Publication, col(Publication.id) == Briefing.publication_id)
        .where(col(BriefingDraft.term).is_not(None))
        .group_by(Publication.name, BriefingDraft.yardstick, BriefingDraft.term)
    )
    if publication is not None:
        query = query.where(Publication.name == publication)
    if author is not None:
        query = query.join(PublicationAuthor, col(PublicationAuthor.id) == Briefing.author_id) \
            .where(PublicationAuthor.name == author)
    records = [TermRecord(pub, ys, term, band, low, high, int(said), int(res or 0), int(hap or 0))
               for pub, ys, term, band, low, high, said, res, hap in session.exec(query)]
    return sorted(records, key=lambda r: (r.publication.lower(), r.yardstick, r.low or 0, r.term))
