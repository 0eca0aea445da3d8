"""Briefings: import one, review its drafts, publish them as questions, and each term's record.

An import stores the briefing's text and one :class:`BriefingDraft` per estimative judgement the
parser found. A manager edits, accepts or rejects each draft, promotes context sentences by hand,
then publishes the accepted ones in one go: each becomes an open question linked to its briefing
and draft, and the briefing's own probability is recorded as a forecast by the publication's
pseudo-forecaster ("<publication> (stated)"), so the publication is scored like everyone.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from forecasts import bounds, briefing_parser, estimative
from forecasts.briefing_parser import MAX_BRIEFING_BYTES, BriefingError, ParsedBriefing
from forecasts.errors import Conflict, NotFound, ValidationFailed
from forecasts.forecasting import check_probability
from forecasts.models import (
    Briefing,
    BriefingDraft,
    DraftState,
    Forecast,
    Outcome,
    Question,
    User,
    UserKind,
)
from forecasts.questions import (
    MAX_TAGS,
    QuestionCreate,
    check_question,
    normalise_tags,
    require_manager,
    set_tags,
    tag_errors,
)

NO_ASSESSMENTS = (
    "No assessments found: no sentence states a likelihood (e.g. “unlikely”, “will”, "
    "“almost certainly”). Nothing was stored."
)
RESOLVE_GRACE = timedelta(days=14)
STATED = " (stated)"


def parse(text: str | bytes, *, published: date, yardstick: str) -> ParsedBriefing:
    """Parse without storing; raises ValidationFailed for unreadable input, a bad yardstick or
    a date outside 1970–2200."""
    bounds.check_dates({"published": published})
    try:
        return briefing_parser.parse_briefing(text, published=published, yardstick=yardstick)
    except estimative.UnknownYardstickError:
        names = ", ".join(estimative.YARDSTICKS)
        raise ValidationFailed({"yardstick": f"Choose a yardstick: {names}."}) from None
    except BriefingError as error:
        raise ValidationFailed({"text": str(error)}) from None


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

    Raises NotAllowed for a non-manager, ValidationFailed for unreadable input, an unknown
    yardstick or a briefing with no assessments (nothing is stored then).
    """
    if importer is not None:
        require_manager(importer)
    body = readable_text(text)
    bounds.check_texts({"text": (body, bounds.BRIEFING_TEXT),
                        "publication": (publication, bounds.PUBLICATION)})
    parsed = parse(body, published=published, yardstick=yardstick)
    if not parsed.drafts:
        raise ValidationFailed({"text": NO_ASSESSMENTS})
    name = " ".join(publication.split()) or parsed.title or f"Briefing of {parsed.published}"
    briefing = Briefing(
        title=bounds.shorten(parsed.title or "", bounds.TITLE),
        publication=bounds.shorten(name, bounds.PUBLICATION),
        author=bounds.shorten(parsed.author or "", bounds.AUTHOR), published=parsed.published,
        yardstick=parsed.yardstick, text=body,
        imported_by_id=importer.id if importer else None, imported_at=now,
    )
    session.add(briefing)
    session.flush()
    rows = [_draft_row(briefing, draft) for draft in parsed.drafts]
    session.add_all(rows)
    session.flush()
    for row, draft in zip(rows, parsed.drafts, strict=True):
        if draft.condition_ref is not None:
            row.condition_draft_id = rows[draft.condition_ref].id
    session.commit()
    session.refresh(briefing)
    return briefing


def readable_text(text: str | bytes) -> str:
    """The briefing as the parser reads it: bytes decoded, HTML turned into text (no scripts).

    Raises ValidationFailed for empty, binary, undecodable or oversized input.
    """
    try:
        if isinstance(text, bytes):
            return briefing_parser.decode_briefing(text)
        if len(text.encode("utf-8", errors="surrogatepass")) > MAX_BRIEFING_BYTES:
            return briefing_parser.decode_briefing(text.encode("utf-8", errors="surrogatepass"))
        if briefing_parser.looks_like_html(text):
            return briefing_parser.html_to_text(text)
        return text
    except BriefingError as error:
        raise ValidationFailed({"text": str(error)}) from None


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=UTC)


def _draft_row(briefing: Briefing, draft: briefing_parser.Draft) -> BriefingDraft:
    closes_at = _midnight(draft.closes_at)
    return BriefingDraft(
        briefing_id=briefing.id,  # type: ignore[arg-type]
        block=draft.block, source=draft.source and bounds.shorten(draft.source, bounds.SOURCE_NAME),
        publication=bounds.shorten(draft.source or briefing.publication, bounds.PUBLICATION),
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
            .group_by(BriefingDraft.briefing_id, BriefingDraft.state)
        )
        for briefing_id, state, n in rows:
            counts[briefing_id][DraftState(state).value] = n
    return counts


# --------------------------------------------------------------------------------------------
# The review: the briefing by block and sentence, edits, accept, reject, promote.


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
    context: list[briefing_parser.ContextSentence]


def review_text(briefing: Briefing, rows: list[BriefingDraft]) -> ReviewText:
    """Re-read the stored text; sentences with a draft are marked, the others may be promoted."""
    parsed = briefing_parser.parse_briefing(briefing.text, published=briefing.published,
                                            yardstick=briefing.yardstick)
    drafted = {row.sentence_index for row in rows}
    blocks, index = [], 0
    for block in parsed.blocks:
        paragraphs = []
        for paragraph in block.paragraphs:
            sentences = []
            for sentence in briefing_parser.split_sentences(paragraph):
                sentences.append(Sentence(index, sentence, index in drafted))
                index += 1
            paragraphs.append(sentences)
        blocks.append(ReviewBlock(block.index, block.source, paragraphs))
    context = [c for c in parsed.context if c.sentence_index not in drafted]
    return ReviewText(blocks, context)


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
    draft.title = " ".join(edit.title.split())
    draft.resolution_criteria = edit.resolution_criteria.strip()
    draft.closes_at, draft.resolve_by = edit.closes_at, edit.resolve_by
    draft.probability = None if edit.probability is None else round(edit.probability, 4)
    draft.tags = ", ".join(normalise_tags(edit.tags))
    session.add(draft)
    session.commit()
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
    session.commit()


def _require_unpublished(draft: BriefingDraft) -> None:
    if draft.state is DraftState.published:
        raise Conflict("This draft is already published; edit the question instead.")


def promote_sentence(
    session: Session, briefing: Briefing, sentence_index: int, *, actor: User
) -> BriefingDraft:
    """Turn a context sentence into an empty draft for the manager to fill in by hand.

    Raises NotFound for a sentence that is not context, Conflict if it already has a draft.
    """
    require_manager(actor)
    rows = drafts(session, briefing)
    if any(row.sentence_index == sentence_index for row in rows):
        raise Conflict("That sentence already has a draft.")
    context = review_text(briefing, rows).context
    sentence = next((c for c in context if c.sentence_index == sentence_index), None)
    if sentence is None:
        raise NotFound("No such sentence in this briefing.")
    bounds.check_texts({"sentence": (sentence.text, bounds.QUOTE)})
    closes_at = _midnight(briefing.published) + timedelta(days=182)
    draft = BriefingDraft(
        briefing_id=briefing.id,  # type: ignore[arg-type]
        block=sentence.block,
        source=sentence.source and bounds.shorten(sentence.source, bounds.SOURCE_NAME),
        publication=bounds.shorten(sentence.source or briefing.publication, bounds.PUBLICATION),
        sentence_index=sentence.sentence_index, quote=sentence.text, promoted=True,
        yardstick=briefing.yardstick, closes_at=closes_at, resolve_by=closes_at + RESOLVE_GRACE,
    )
    session.add(draft)
    session.commit()
    session.refresh(draft)
    return draft


# --------------------------------------------------------------------------------------------
# Publishing: accepted drafts become open questions, with the publication's stated forecast.


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
    opens_at = _midnight(briefing.published)
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


# --------------------------------------------------------------------------------------------
# How each estimative term has fared, per publication.


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


def term_record(session: Session, publication: str | None = None) -> list[TermRecord]:
    """Per (publication, yardstick, term) over published drafts; annulled questions not counted.

    ``resolved`` counts YES and NO outcomes; ``happened`` counts YES.
    """
    resolved = case((col(Question.outcome).in_([Outcome.yes, Outcome.no]), 1), else_=0)
    happened = case((Question.outcome == Outcome.yes, 1), else_=0)
    query = (
        select(BriefingDraft.publication, BriefingDraft.yardstick, BriefingDraft.term,
               func.min(BriefingDraft.band), func.min(BriefingDraft.low),
               func.max(BriefingDraft.high), func.count(), func.sum(resolved), func.sum(happened))
        .join(Question, col(Question.briefing_draft_id) == BriefingDraft.id)
        .where(col(BriefingDraft.term).is_not(None))
        .group_by(BriefingDraft.publication, BriefingDraft.yardstick, BriefingDraft.term)
    )
    if publication is not None:
        query = query.where(BriefingDraft.publication == publication)
    records = [TermRecord(pub, ys, term, band, low, high, int(said), int(res or 0), int(hap or 0))
               for pub, ys, term, band, low, high, said, res, hap in session.exec(query)]
    return sorted(records, key=lambda r: (r.publication.lower(), r.yardstick, r.low or 0, r.term))
