"""Review: the briefing by block and sentence beside its drafts; edit, accept, reject, promote."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from forecasts import bounds
from forecasts.briefings.assembly import parse_briefing
from forecasts.briefings.criteria import draft_criteria
from forecasts.briefings.deadlines import placeholder_close, with_deadline
from forecasts.briefings.importing import RESOLVE_GRACE, midnight
from forecasts.briefings.parsed import ContextSentence, layout_record
from forecasts.errors import Conflict, NotFound, ValidationFailed
from forecasts.models import Briefing, BriefingDraft, DraftState, Question, User
from forecasts.questions.catalog import MAX_TAGS, normalise_tags, require_manager, tag_errors
from forecasts.questions.forecasting import check_probability


def get_briefing(session: Session, briefing_id: int) -> Briefing:
    """The briefing; raises NotFound."""
    briefing = session.get(Briefing, briefing_id)
    if briefing is None:
        raise NotFound("No such briefing.")
    return briefing


def list_briefings(session: Session) -> list[Briefing]:
    """Every imported briefing, newest import first."""
    query = select(Briefing).order_by(col(Briefing.imported_at).desc(), col(Briefing.id).desc())
    return list(session.exec(query))


def drafts(session: Session, briefing: Briefing) -> list[BriefingDraft]:
    """The briefing's drafts in document order (promoted ones where their sentence is)."""
    query = select(BriefingDraft).where(BriefingDraft.briefing_id == briefing.id)
    order = (col(BriefingDraft.sentence_index), col(BriefingDraft.id))
    return list(session.exec(query.order_by(*order)))


def get_draft(session: Session, briefing: Briefing, draft_id: int) -> BriefingDraft:
    """One draft of this briefing; raises NotFound."""
    draft = session.get(BriefingDraft, draft_id)
    if draft is None or draft.briefing_id != briefing.id:
        raise NotFound("No such draft in this briefing.")
    return draft


def published_questions(session: Session, briefing: Briefing) -> dict[int, Question]:
    """The questions published from the briefing, by the draft each came from."""
    query = select(Question).where(Question.briefing_id == briefing.id)
    return {q.briefing_draft_id: q for q in session.exec(query)}  # type: ignore[misc]


def draft_counts(session: Session, briefings: list[Briefing]) -> dict[int, dict[str, int]]:
    """How many drafts each briefing has in each state."""
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    ids = [b.id for b in briefings]
    if ids:
        rows = session.exec(
            select(BriefingDraft.briefing_id, BriefingDraft.state, func.count())
            .where(col(BriefingDraft.briefing_id).in_(ids))
            .group_by(col(BriefingDraft.briefing_id), col(BriefingDraft.state))
        )
        for briefing_id, state, n in rows:
            counts[briefing_id][DraftState(state).value] = n
    return counts


@dataclass(frozen=True)
class Sentence:
    index: int
    text: str
    drafted: bool


@dataclass(frozen=True)
class ReviewBlock:
    index: int
    source: str | None
    paragraphs: list[list[Sentence]]


@dataclass(frozen=True)
class ReviewText:
    """The briefing by block, each sentence marked when it produced a draft; and the rest."""

    blocks: list[ReviewBlock]
    context: list[ContextSentence]


def review_text(briefing: Briefing, rows: list[BriefingDraft]) -> ReviewText:
    """The briefing in its stored sentence numbering; sentences with a draft are marked, the
    others are context a manager may promote."""
    layout = stored_layout(briefing)
    drafted = {row.sentence_index for row in rows}
    sources = {block["index"]: block["source"] for block in layout["blocks"]}
    paragraphs: dict[int, dict[int, list[Sentence]]] = defaultdict(dict)
    context = []
    for found in layout["sentences"]:
        sentence = Sentence(found["index"], found["text"], found["index"] in drafted)
        paragraphs[found["block"]].setdefault(found["paragraph"], []).append(sentence)
        if not sentence.drafted:
            context.append(ContextSentence(found["block"], sources.get(found["block"]),
                                           found["index"], found["text"]))
    blocks = [ReviewBlock(index, sources.get(index), list(paragraphs[index].values()))
              for index in sorted(sources) if paragraphs[index] or sources.get(index)]
    return ReviewText(blocks, context)


CONTEXT_PAGE_SIZE = 200  # "Other sentences" per page: a long briefing's page stays small


@dataclass(frozen=True)
class ContextPage:
    """One page of the sentences without a draft; each keeps its briefing-wide index."""

    sentences: list[ContextSentence]
    number: int  # 1-based
    pages: int  # at least 1
    total: int


def context_pages(context: list[ContextSentence], size: int = CONTEXT_PAGE_SIZE) -> int:
    """How many pages of ``size`` the context sentences fill (at least one)."""
    return max(1, -(-len(context) // size))


def context_page(context: list[ContextSentence], number: int,
                 size: int = CONTEXT_PAGE_SIZE) -> ContextPage:
    """Page ``number`` (1-based) of the context sentences; raises ValueError for a page outside
    1..context_pages(context)."""
    pages = context_pages(context, size)
    if not 1 <= number <= pages:
        raise ValueError(f"page must be between 1 and {pages}, not {number}")
    start = (number - 1) * size
    return ContextPage(context[start: start + size], number, pages, len(context))


def stored_layout(briefing: Briefing) -> dict[str, list[dict[str, Any]]]:
    """The blocks and numbered sentences stored with the briefing at import.

    A briefing stored before the numbering was kept is read again from its stored text, with the
    same parser, so the numbers are the ones its drafts point at.
    """
    if briefing.sentences:
        return briefing.sentences
    parsed = parse_briefing(briefing.text, published=briefing.published,
                            yardstick=briefing.yardstick, plain=True)
    return layout_record(parsed)


@dataclass(frozen=True)
class DraftEdit:
    """What a manager may change on a draft before publishing it."""

    title: str
    resolution_criteria: str
    closes_at: datetime
    resolve_by: datetime
    probability: float | None
    tags: list[str]


def update_draft(
    session: Session, draft: BriefingDraft, edit: DraftEdit, *, actor: User
) -> BriefingDraft:
    """Save a manager's edits; raises Conflict once published, ValidationFailed for bad fields."""
    require_manager(actor)
    _require_unpublished(draft)
    errors: dict[str, str] = {}
    if edit.probability is not None:
        try:
            check_probability(edit.probability)
        except ValidationFailed as error:
            errors |= error.fields
    if len(normalise_tags(edit.tags)) > MAX_TAGS:
        errors["tags"] = f"Use at most {MAX_TAGS} tags."
    errors |= bounds.text_errors({
        "title": (edit.title, bounds.TITLE), "tags": (", ".join(edit.tags), bounds.TAGS),
        "resolution_criteria": (edit.resolution_criteria, bounds.CRITERIA)})
    errors |= tag_errors(edit.tags) | bounds.date_errors({"closes_at": edit.closes_at,
                                                          "resolve_by": edit.resolve_by})
    if edit.closes_at.tzinfo is None or edit.resolve_by.tzinfo is None:
        errors["closes_at"] = "Give the time zone (times are stored in UTC)."
    elif edit.resolve_by < edit.closes_at:
        errors["resolve_by"] = "The resolve-by date cannot come before the close date."
    if errors:
        raise ValidationFailed(errors)
    typed = edit.resolution_criteria.strip()
    # Criteria follow the title and dates until the manager changes their text by hand.
    hand_written = draft.criteria_edited or typed != draft.resolution_criteria.strip()
    title = " ".join(edit.title.split())
    if edit.closes_at != draft.closes_at:
        # Setting the date rewrites the title's deadline (the phrase as written while it was
        # undated, or the date it had), so title, criteria and close date agree.
        title = with_deadline(title, edit.closes_at.date(),
                              undated=draft.horizon if draft.date_needed else None,
                              add=draft.date_needed and not draft.promoted)
        draft.date_needed = False
    draft.title = title
    draft.closes_at, draft.resolve_by = edit.closes_at, edit.resolve_by
    draft.criteria_edited = hand_written
    briefing = session.get(Briefing, draft.briefing_id)
    draft.resolution_criteria = typed if hand_written else \
        draft_criteria(draft, briefing.publication if briefing else None)
    draft.probability = None if edit.probability is None else round(edit.probability, 4)
    draft.tags = ", ".join(normalise_tags(edit.tags))
    session.add(draft)
    session.flush()
    session.refresh(draft)
    return draft


def accept_draft(session: Session, draft: BriefingDraft, *, actor: User) -> None:
    """Mark a draft for publishing; raises ValidationFailed if it lacks a title or criteria."""
    require_manager(actor)
    _require_unpublished(draft)
    errors: dict[str, str] = {}
    if not draft.title.strip():
        errors["title"] = "Write the question before accepting the draft."
    elif draft.title.endswith(bounds.SHORTENED):  # a suggestion cut to fit: never published so
        errors["title"] = (f"The suggested title was shortened to fit ({bounds.TITLE.hint}); "
                           "rewrite it before accepting.")
    if not draft.resolution_criteria.strip():
        errors["resolution_criteria"] = "Say exactly what counts as YES, and which source decides."
    if errors:
        raise ValidationFailed(errors)
    _set_state(session, draft, DraftState.accepted)


def reject_draft(session: Session, draft: BriefingDraft, *, actor: User) -> None:
    """Leave a draft out of the publication; raises Conflict once published."""
    require_manager(actor)
    _require_unpublished(draft)
    _set_state(session, draft, DraftState.rejected)


def _set_state(session: Session, draft: BriefingDraft, state: DraftState) -> None:
    draft.state = state
    session.add(draft)
    session.flush()


def _require_unpublished(draft: BriefingDraft) -> None:
    if draft.state is DraftState.published:
        raise Conflict("This draft is already published; edit the question instead.")


def promote_sentence(
    session: Session, briefing: Briefing, sentence_index: int, *, actor: User
) -> BriefingDraft:
    """Turn a context sentence into an empty draft for the manager to fill in by hand.

    Raises NotFound for a sentence that is not context, Conflict if it already has a draft or
    the briefing already has ``bounds.MAX_BRIEFING_DRAFTS`` drafts.
    """
    require_manager(actor)
    rows = drafts(session, briefing)
    if any(row.sentence_index == sentence_index for row in rows):
        raise Conflict("That sentence already has a draft.")
    if len(rows) >= bounds.MAX_BRIEFING_DRAFTS:  # the import's bound holds for promotions too
        raise Conflict(f"This briefing already has {len(rows):,} drafts; a briefing may have "
                       f"at most {bounds.MAX_BRIEFING_DRAFTS:,}. Nothing was added.")
    context = review_text(briefing, rows).context
    sentence = next((c for c in context if c.sentence_index == sentence_index), None)
    if sentence is None:
        raise NotFound("No such sentence in this briefing.")
    bounds.check_texts({"sentence": (sentence.text, bounds.QUOTE)})
    # no deadline yet: the one placeholder, flagged for the manager to set
    closes_at = midnight(placeholder_close(briefing.published))
    draft = BriefingDraft(
        briefing_id=briefing.id,  # type: ignore[arg-type]
        block=sentence.block,
        source=sentence.source and bounds.shorten(sentence.source, bounds.SOURCE_NAME),
        sentence_index=sentence.sentence_index, quote=sentence.text, promoted=True,
        date_needed=True,
        yardstick=briefing.yardstick, closes_at=closes_at, resolve_by=closes_at + RESOLVE_GRACE,
    )
    session.add(draft)
    session.flush()
    session.refresh(draft)
    return draft
