"""Import: store a briefing as read and one pending draft per judgment the parser found."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session

from forecasts import bounds
from forecasts.briefings import estimative
from forecasts.briefings.assembly import parse_briefing
from forecasts.briefings.criteria import draft_criteria
from forecasts.briefings.parsed import Draft, ParsedBriefing, layout_record
from forecasts.briefings.publications import publication_for, record_author
from forecasts.briefings.text import (
    BriefingError,
    validated_text,
)
from forecasts.errors import ValidationFailed
from forecasts.models import Briefing, BriefingDraft, User
from forecasts.questions.catalog import require_manager

NO_ASSESSMENTS = (
    "No assessments found: no sentence states a likelihood (e.g. “unlikely”, “will”, "
    "“almost certainly”). Nothing was stored."
)
RESOLVE_GRACE = timedelta(days=14)


def parse(text: str | bytes, *, published: date, yardstick: str,
          plain: bool = False, publication: str | None = None) -> ParsedBriefing:
    """Parse without storing; raises ValidationFailed for unreadable input, text the bounds
    refuse (control or invisible characters), a bad yardstick, a date outside 1970–2200 or
    more assessments than ``bounds.MAX_BRIEFING_DRAFTS``."""
    bounds.check_dates({"published": published})
    if not plain:  # the text rules hold for a preview as for an import (bounds.py)
        text, plain = readable_text(text), True
        bounds.check_texts({"text": (text, bounds.BRIEFING_TEXT)})
    try:
        parsed = parse_briefing(text, published=published, yardstick=yardstick, plain=plain,
                                publication=publication)
    except estimative.UnknownYardstickError:
        names = ", ".join(estimative.YARDSTICKS)
        raise ValidationFailed({"yardstick": f"Choose a yardstick: {names}."}) from None
    except BriefingError as error:
        raise ValidationFailed({"text": str(error)}) from None
    if too_many := bounds.briefing_drafts_problem(len(parsed.drafts)):
        raise ValidationFailed({"text": too_many})
    return parsed


def import_briefing(
    session: Session,
    text: str | bytes,
    *,
    published: date,
    yardstick: str = estimative.DEFAULT_YARDSTICK,
    publication: str = "",
    importer: User | None,
    now: datetime,
) -> Briefing:
    """Store a briefing and one pending draft per assessment; ``importer`` None is the CLI.

    The briefing is credited to ``publication`` (found by name or alias, or created), or when
    that is empty to the publication the text names (footer, masthead), else its title. The
    byline's author is remembered for the publication.

    Raises NotAllowed for a non-manager, ValidationFailed for unreadable input, an unknown
    yardstick, a briefing with no assessments or more than ``bounds.MAX_BRIEFING_DRAFTS``
    (nothing is stored then).
    """
    if importer is not None:
        require_manager(importer)
    body = readable_text(text)
    bounds.check_texts({"text": (body, bounds.BRIEFING_TEXT),
                        "publication": (publication, bounds.PUBLICATION)})
    parsed = parse(body, published=published, yardstick=yardstick, plain=True)
    if not parsed.drafts:
        raise ValidationFailed({"text": NO_ASSESSMENTS})
    named = " ".join(publication.split())
    guess = parsed.publication or parsed.title or f"Briefing of {parsed.published}"
    credited = publication_for(session, named or guess, now=now,
                               also_known_as=parsed.publication if named else None)
    author = record_author(session, credited, parsed.author)
    briefing = Briefing(
        title=bounds.shorten(parsed.title or "", bounds.TITLE), publication=credited.name,
        author=bounds.shorten(parsed.author or "", bounds.AUTHOR), published=parsed.published,
        yardstick=parsed.yardstick, text=body,
        imported_by_id=importer.id if importer else None, imported_at=now,
        publication_id=credited.id, author_id=author.id if author else None,
        sentences=layout_record(parsed),
    )
    session.add(briefing)
    session.flush()
    rows = [_draft_row(briefing, draft) for draft in parsed.drafts]
    for row in rows:  # the criteria quote the publication as credited, by its stored name
        row.resolution_criteria = bounds.shorten(draft_criteria(row, credited.name),
                                                 bounds.CRITERIA)
    session.add_all(rows)
    session.flush()
    for row, draft in zip(rows, parsed.drafts, strict=True):
        if draft.condition_ref is not None:
            row.condition_draft_id = rows[draft.condition_ref].id
    session.flush()
    session.refresh(briefing)
    return briefing


def readable_text(text: str | bytes) -> str:
    """The briefing as the parser reads it: bytes decoded, HTML and Markdown turned into text.

    Raises ValidationFailed for empty, binary, undecodable or oversized input.
    """
    try:
        return validated_text(text)
    except BriefingError as error:
        raise ValidationFailed({"text": str(error)}) from None


def midnight(day: date) -> datetime:
    """00:00 UTC on ``day``."""
    return datetime.combine(day, time(0, 0), tzinfo=UTC)


def _draft_row(briefing: Briefing, draft: Draft) -> BriefingDraft:
    closes_at = midnight(draft.closes_at)
    return BriefingDraft(
        briefing_id=briefing.id,  # type: ignore[arg-type]
        block=draft.block, source=draft.source and bounds.shorten(draft.source, bounds.SOURCE_NAME),
        source_date=draft.source_date, confidence=draft.confidence, date_needed=draft.date_needed,
        horizon=draft.horizon and bounds.shorten(draft.horizon, bounds.TextLimit(120)),
        sentence_index=draft.sentence_index, quote=draft.quote,
        term=draft.term, band=draft.band, low=draft.low, high=draft.high,
        yardstick=draft.yardstick, negated=draft.negated,
        title=bounds.shorten(draft.title, bounds.TITLE),
        resolution_criteria=bounds.shorten(draft.resolution_criteria, bounds.CRITERIA),
        closes_at=closes_at, resolve_by=closes_at + RESOLVE_GRACE,
        probability=draft.probability, tags=bounds.shorten(", ".join(draft.tags), bounds.TAGS),
        conditional=draft.conditional, condition=draft.condition,
        condition_negated=draft.condition_negated, is_condition=draft.is_condition,
    )
