"""Questions: drafting, publishing, editing with history, and closing (lists: questions.listing)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, Session, col, select

from forecasts import bounds
from forecasts.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from forecasts.models import (
    Action,
    Forecast,
    Question,
    QuestionBase,
    QuestionRevision,
    QuestionTag,
    ResolutionEvent,
    Role,
    Tag,
    User,
)
from forecasts.names import name_key, stored_spelling, tidy_name
from forecasts.notifications import webhooks

MAX_TAGS = 12
QUESTION_TEXTS = {
    "title": bounds.TITLE, "description": bounds.DESCRIPTION,
    "resolution_criteria": bounds.CRITERIA, "source_name": bounds.SOURCE_NAME,
    "source_url": bounds.URL, "source_quote": bounds.QUOTE,
}


class Status(StrEnum):
    draft = "draft"
    upcoming = "upcoming"
    open = "open"
    closed = "closed"
    resolved = "resolved"


class QuestionCreate(QuestionBase):
    """What a manager submits to create or edit a question."""

    tags: list[str] = Field(default_factory=list)


def status(question: Question, now: datetime) -> Status:
    """Where the question stands at ``now``."""
    if question.outcome is not None:
        return Status.resolved
    if question.published_at is None:
        return Status.draft
    if now >= question.closed_at:
        return Status.closed
    if now < question.opens_at:
        return Status.upcoming
    return Status.open


def check_question(data: QuestionCreate) -> None:
    """Raise ValidationFailed naming each field that breaks a rule."""
    errors = _bound_errors(data)
    if not data.title.strip():
        errors["title"] = "Write the question."
    if not data.resolution_criteria.strip():
        errors["resolution_criteria"] = (
            "Say exactly what counts as YES, and which source decides."
        )
    for name in ("opens_at", "closes_at", "resolve_by"):
        if getattr(data, name).tzinfo is None:
            errors[name] = "Give the time zone (times are stored in UTC)."
    if not errors and data.closes_at <= data.opens_at:
        errors["closes_at"] = "The close date must come after the open date."
    if not errors and data.resolve_by < data.closes_at:
        errors["resolve_by"] = "The resolve-by date cannot come before the close date."
    if len(normalise_tags(data.tags)) > MAX_TAGS:
        errors["tags"] = f"Use at most {MAX_TAGS} tags."
    if "source_url" not in errors and (problem := bounds.url_problem(data.source_url)):
        errors["source_url"] = problem
    if errors:
        raise ValidationFailed(errors)


def _bound_errors(data: QuestionCreate) -> dict[str, str]:
    """Each field over its length, holding a control character, or dated outside 1970–2200."""
    texts = {name: (getattr(data, name), limit) for name, limit in QUESTION_TEXTS.items()}
    errors = bounds.text_errors({**texts, "tags": (", ".join(data.tags), bounds.TAGS)})
    errors |= bounds.date_errors({name: getattr(data, name)
                                  for name in ("opens_at", "closes_at", "resolve_by")})
    if "tags" not in errors:
        errors |= tag_errors(data.tags)
    return errors


def tag_errors(tags: list[str]) -> dict[str, str]:
    """A message for the first tag over ``bounds.TAG``'s length or with a control character."""
    for tag in tags:
        problem = bounds.TAG.problem(tidy_name(tag))
        if problem:
            return {"tags": f"Tag “{bounds.shorten(tag, bounds.TextLimit(40))}”: {problem}"}
    return {}


def normalise_tags(tags: list[str]) -> list[str]:
    """Trim, drop empties and duplicates (case-insensitively), keep the first spelling.

    Lengths are checked by ``tag_errors`` first: nothing is cut here.
    """
    seen: dict[str, str] = {}
    for tag in tags:
        cleaned = tidy_name(tag)
        if cleaned and name_key(cleaned) not in seen:
            seen[name_key(cleaned)] = cleaned
    return list(seen.values())


def create_question(
    session: Session, data: QuestionCreate, *, author: User, now: datetime
) -> Question:
    """Save a new draft; raises NotAllowed for non-managers, ValidationFailed for bad fields."""
    require_manager(author)
    check_question(data)
    question = Question(
        **data.model_dump(exclude={"tags"}), created_by_id=author.id, created_at=now  # type: ignore[arg-type]
    )
    session.add(question)
    session.flush()
    set_tags(session, question, data.tags)
    session.flush()
    session.refresh(question)
    return question


def update_question(
    session: Session, question: Question, data: QuestionCreate, *, editor: User, now: datetime
) -> Question:
    """Apply a manager's edit; once anyone has forecast, changed fields go into the history."""
    require_manager(editor)
    if question.outcome is not None:
        raise Conflict("A resolved question cannot be edited; correct its resolution instead.")
    check_question(data)
    keep_history = has_forecasts(session, question)
    new_values = data.model_dump(exclude={"tags"})
    for name, new in new_values.items():
        old = getattr(question, name)
        if old == new:
            continue
        if keep_history:
            session.add(_revision(question, editor, now, name, old, new))
        setattr(question, name, new)
    old_tags, new_tags = tag_names(session, question), normalise_tags(data.tags)
    if old_tags != new_tags:
        if keep_history:
            session.add(
                _revision(question, editor, now, "tags", ", ".join(old_tags), ", ".join(new_tags))
            )
        set_tags(session, question, new_tags)
    session.add(question)
    session.flush()
    session.refresh(question)
    return question


def _revision(
    question: Question, editor: User, now: datetime, name: str, old: object, new: object
) -> QuestionRevision:
    return QuestionRevision(
        question_id=question.id,  # type: ignore[arg-type]
        editor_id=editor.id,  # type: ignore[arg-type]
        changed_at=now,
        field_name=name,
        old_value=_as_text(old),
        new_value=_as_text(new),
    )


def _as_text(value: object) -> str:
    if isinstance(value, datetime):  # ISO 8601, so pages show it in each reader's zone
        return value.isoformat()
    return str(value)


def publish_question(session: Session, question: Question, *, actor: User, now: datetime) -> None:
    """Make a draft visible to forecasters; raises Conflict if already published."""
    require_manager(actor)
    if question.published_at is not None:
        raise Conflict("This question is already published.")
    if question.closed_at <= now:
        raise Conflict("The close date has passed; move it before publishing.")
    question.published_at = now
    session.add(question)
    webhooks.enqueue(session, "question.published", f"question.published:{question.id}",
                     webhooks.question_data(question), now=now)
    session.flush()


def close_early(
    session: Session, question: Question, *, actor: User, note: str, now: datetime
) -> None:
    """Stop forecasting now (the event happened, or the question broke); recorded in the trail.

    Raises NotAllowed for non-managers, ValidationFailed without a reason, Conflict unless open.
    """
    require_manager(actor)
    if not note.strip():
        raise ValidationFailed({"note": "Say why the question is closing early."})
    if status(question, now) not in (Status.open, Status.upcoming):
        raise Conflict("Only an open question can be closed early.")
    bounds.check_texts({"note": (note, bounds.NOTE)})
    question.closed_early_at = now
    session.add(question)
    session.add(
        ResolutionEvent(
            question_id=question.id, actor_id=actor.id, at=now, action=Action.close,  # type: ignore[arg-type]
            note=note.strip(),
        )
    )
    session.flush()


def reopen(
    session: Session, question: Question, *, actor: User, note: str, now: datetime
) -> None:
    """Undo an early close: forecasting resumes until the scheduled close; kept in the trail.

    Raises NotAllowed for non-managers, ValidationFailed without a reason, Conflict unless the
    question was closed early, is unresolved, and its scheduled close is still ahead.
    """
    require_manager(actor)
    if not note.strip():
        raise ValidationFailed({"note": "Say why the question is reopening."})
    if not reopenable(question, now):
        raise Conflict(_why_not_reopenable(question))
    question.closed_early_at = None
    session.add(question)
    session.add(
        ResolutionEvent(
            question_id=question.id, actor_id=actor.id, at=now,  # type: ignore[arg-type]
            action=Action.reopen,
            note=note.strip(),
        )
    )
    session.flush()


def reopenable(question: Question, now: datetime) -> bool:
    """True for an unresolved question closed early whose scheduled close is still ahead."""
    closed_early = (question.closed_early_at is not None
                    and question.closed_early_at < question.closes_at)
    return question.outcome is None and closed_early and now < question.closes_at


def _why_not_reopenable(question: Question) -> str:
    if question.outcome is not None:
        return "A resolved question cannot be reopened; correct its resolution instead."
    if question.closed_early_at is None or question.closed_early_at >= question.closes_at:
        return "Only a question closed early can be reopened."
    return "Its scheduled close has passed, so the question stays closed."


def require_manager(user: User) -> None:
    """Raise NotAllowed unless the user may manage questions."""
    if not user.has_role(Role.manager):
        raise NotAllowed("Only managers can do this.")


def visible_question(session: Session, question_id: int, viewer: User) -> Question:
    """The question if this viewer may see it; drafts are for managers only. Raises NotFound."""
    question = session.get(Question, question_id)
    if question is None or (question.published_at is None and not viewer.has_role(Role.manager)):
        raise NotFound("No such question.")
    return question


def has_forecasts(session: Session, question: Question) -> bool:
    query = select(Forecast.id).where(Forecast.question_id == question.id).limit(1)
    return session.exec(query).first() is not None


def tag_names(session: Session, question: Question) -> list[str]:
    return tags_by_question(session, [question.id])[question.id]  # type: ignore[index]


def tags_by_question(session: Session, question_ids: list[int | None]) -> dict[int, list[str]]:
    """Tag names for many questions in one query."""
    tags: dict[int, list[str]] = defaultdict(list)
    if not question_ids:
        return tags
    rows = session.exec(
        select(QuestionTag.question_id, Tag.name)
        .join(Tag, col(Tag.id) == QuestionTag.tag_id)
        .where(col(QuestionTag.question_id).in_(question_ids))
        .order_by(col(Tag.name))
    )
    for question_id, name in rows:
        tags[question_id].append(name)
    return tags


def all_tags(session: Session, *, drafts: bool = False) -> list[str]:
    """Tags used by at least one published question (or draft too, for managers' lists).

    One row per tag: EXISTS stops at a tag's first question, so a cold page's tag list does not
    read every question's tags (the one step of a first leaderboard that grew with the book).
    """
    used = select(QuestionTag.tag_id).where(QuestionTag.tag_id == Tag.id)
    if not drafts:
        used = used.join(Question, col(Question.id) == QuestionTag.question_id).where(
            col(Question.published_at).is_not(None)
        )
    return sorted(session.exec(select(Tag.name).where(used.exists())), key=name_key)


def find_tag(session: Session, name: str) -> Tag | None:
    """The tag with this name, ignoring case and spacing (see forecasts.names)."""
    return session.exec(select(Tag).where(Tag.key == name_key(name))).first()


def tag_named(session: Session, name: str | None) -> str:
    """The stored spelling of the tag a filter names ("" when none is named): the one rule for
    every tag filter (lists, leaderboards, exports; pages, API and CLI alike), through
    ``names.stored_spelling``, so "SHIPPING" finds "Shipping". Raises ValidationFailed (field
    ``tag``) when no tag has that name."""
    return stored_spelling(session, name, find_tag, "tag")


def set_tags(session: Session, question: Question, names: list[str]) -> None:
    """Replace the question's tags (creating new ones); flushes, the caller commits."""
    names = normalise_tags(names)
    keys = [name_key(name) for name in names]
    existing = {t.key: t for t in session.exec(select(Tag).where(col(Tag.key).in_(keys)))}
    for link in session.exec(select(QuestionTag).where(QuestionTag.question_id == question.id)):
        session.delete(link)
    session.flush()
    for name in names:
        tag = existing.get(name_key(name))
        if tag is None:
            tag = Tag(name=name, key=name_key(name))
            session.add(tag)
            session.flush()
        session.add(QuestionTag(question_id=question.id, tag_id=tag.id))  # type: ignore[arg-type]


def revisions(session: Session, question: Question) -> list[QuestionRevision]:
    query = select(QuestionRevision).where(QuestionRevision.question_id == question.id)
    return list(session.exec(query.order_by(col(QuestionRevision.changed_at))))


def people_involved(session: Session, question: Question) -> dict[int, User]:
    """The users a question page names: its author, editors and whoever closed or resolved it."""
    ids = {question.created_by_id}
    ids.update(session.exec(
        select(ResolutionEvent.actor_id).where(ResolutionEvent.question_id == question.id)
    ))
    ids.update(session.exec(
        select(QuestionRevision.editor_id).where(QuestionRevision.question_id == question.id)
    ))
    return {u.id: u for u in session.exec(select(User).where(col(User.id).in_(ids)))}  # type: ignore[misc]
