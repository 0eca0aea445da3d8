"""A publication's record: how often each estimative term came true (term records), and every
forecast it stated (stated forecasts), each viewable for one author of its bylines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from forecasts.briefings import estimative
from forecasts.models import (
    Briefing,
    BriefingDraft,
    Forecast,
    Outcome,
    Publication,
    PublicationAuthor,
    Question,
)
from forecasts.scoring.scores import brier


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
    records = [TermRecord(pub, ys, term, *_word_band(term, ys, band, low, high), int(said),
                          int(res or 0), int(hap or 0))
               for pub, ys, term, band, low, high, said, res, hap in session.exec(query)]
    return sorted(records, key=lambda r: (r.publication.lower(), r.yardstick, r.low or 0, r.term))


def _word_band(term: str, yardstick: str, band: str | None, low: float | None,
               high: float | None) -> tuple[str | None, float | None, float | None]:
    """The band a term's words mean on its yardstick ("probably" is 55-80 % even where a draft
    stated 60 %); the drafts' own band and range for a term the yardstick does not know."""
    try:
        found = estimative.lookup(term.replace("…", " "), yardstick)
    except ValueError:
        return band, low, high
    return found.term, found.low, found.high


@dataclass(frozen=True)
class StatedForecast:
    """One probability a publication stated in a briefing, as its question now stands."""

    question_id: int
    title: str
    publication: str
    author: str | None  # the byline of the briefing that stated it, if it had one
    briefing_id: int
    stated_on: date  # the briefing's date
    term: str | None  # the estimative term, None for a number or a hand-written draft
    probability: float
    outcome: Outcome | None
    brier: float | None  # (p - o)^2 for a question resolved YES or NO, else None


@dataclass(frozen=True)
class AuthorSummary:
    """How one author's stated forecasts (or those with no byline) have fared."""

    author: str | None
    stated: int
    resolved: int
    mean_brier: float | None


def stated_forecasts(session: Session, publication: str | None = None,
                     author: str | None = None) -> list[StatedForecast]:
    """Every forecast stated by a publication's pseudo-forecaster, newest briefing first.

    ``publication`` narrows to one publication (by name), ``author`` to the briefings whose
    byline names them. The Brier score is plain, of the stated probability alone, and only for
    questions resolved YES or NO (annulled and open ones have none).
    """
    query = (
        select(  # type: ignore[call-overload]  # sqlmodel types select() up to 4 columns
            Forecast.probability, Question.id, Question.title, Question.outcome,
            Publication.name, PublicationAuthor.name, Briefing.id, Briefing.published,
            BriefingDraft.term)
        .join(Question, col(Question.id) == Forecast.question_id)
        .join(BriefingDraft, col(BriefingDraft.id) == Question.briefing_draft_id)
        .join(Briefing, col(Briefing.id) == BriefingDraft.briefing_id)
        .join(Publication, (col(Publication.id) == Briefing.publication_id)
              & (col(Publication.forecaster_id) == Forecast.forecaster_id))
        .join(PublicationAuthor, col(PublicationAuthor.id) == Briefing.author_id, isouter=True)
        .order_by(col(Briefing.published).desc(), col(Question.id))
    )
    if publication is not None:
        query = query.where(Publication.name == publication)
    if author is not None:
        query = query.where(PublicationAuthor.name == author)
    found = []
    for p, question_id, title, outcome, pub, by, briefing_id, stated_on, term in \
            session.exec(query):
        scored = outcome in (Outcome.yes, Outcome.no)
        found.append(StatedForecast(
            question_id, title, pub, by, briefing_id, stated_on, term, p, outcome,
            float(brier(p, int(outcome is Outcome.yes))) if scored else None))
    return found


def summarise(stated: list[StatedForecast], author: str | None = None) -> AuthorSummary:
    """How many were stated and resolved, and their mean Brier (None before any resolves)."""
    scores = [row.brier for row in stated if row.brier is not None]
    return AuthorSummary(author, len(stated), len(scores),
                         sum(scores) / len(scores) if scores else None)


def by_author(stated: list[StatedForecast]) -> list[AuthorSummary]:
    """The stated forecasts summarised per author, by name (briefings with no byline last)."""
    groups: dict[str | None, list[StatedForecast]] = {}
    for row in stated:
        groups.setdefault(row.author, []).append(row)
    order = sorted(groups, key=lambda name: (name is None, (name or "").lower()))
    return [summarise(groups[name], name) for name in order]
