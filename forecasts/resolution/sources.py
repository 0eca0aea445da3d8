"""Automatic resolution sources: what a manager tells the checker to watch for a question.

`http_json`: fetch a URL, take the value at a JSON Pointer (RFC 6901), compare it with a value;
YES when the comparison holds at a check on or before the resolve-by date.
`feed`: fetch an RSS/Atom feed; YES when an entry matching a keyword or regular expression was
published between the question's opening and closing.
With `no_event_means_no`, a source that has not fired by its deadline (resolve-by for
`http_json`, the close for `feed`) proposes NO.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from jsonpointer import JsonPointer, JsonPointerException
from sqlmodel import Session, col, select

from forecasts import bounds, outbound
from forecasts.errors import Conflict, ValidationFailed
from forecasts.models import Comparison, Question, ResolutionSource, SourceKind, User
from forecasts.models.resolution import ALERT_AFTER_FAILURES
from forecasts.outbound import IPNetwork, OutboundError
from forecasts.questions.catalog import require_manager
from forecasts.resolution import proposals
from forecasts.resolution.comparison import as_decimal
from forecasts.resolution.feeds import PatternError, compile_pattern


@dataclass(frozen=True)
class SourceInput:
    """What a manager submits to set a question's source."""

    kind: str
    url: str
    pointer: str = ""
    comparison: str = ""
    value: str = ""
    pattern: str = ""
    pattern_is_regex: bool = False
    no_event_means_no: bool = True
    auto_apply: bool = False


def check_input(data: SourceInput, allowed: Iterable[IPNetwork] = ()) -> None:
    """Raise ValidationFailed naming each field that cannot work.

    The URL must be http(s) and resolve to public addresses (or ones in ``allowed``, the
    SOURCE_ALLOWED_NETWORKS setting): the same rule every check applies again when it fetches.
    """
    errors: dict[str, str] = {}
    if data.kind not in set(SourceKind):
        errors["kind"] = "Choose a JSON URL or a feed."
    try:
        outbound.check_url(data.url, allowed)
    except OutboundError as error:
        errors["url"] = str(error)
    if data.kind == SourceKind.http_json:
        errors.update(_check_json_rule(data))
    elif data.kind == SourceKind.feed:
        errors.update(_check_feed_rule(data))
    errors.update(bounds.text_errors({
        "url": (data.url, bounds.URL), "pointer": (data.pointer, bounds.POINTER),
        "value": (data.value, bounds.SOURCE_VALUE), "pattern": (data.pattern, bounds.PATTERN),
    }))
    if errors:
        raise ValidationFailed(errors)


def _check_json_rule(data: SourceInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    try:
        JsonPointer(data.pointer.strip())
    except JsonPointerException:
        errors["pointer"] = "A JSON Pointer is empty or starts with / (e.g. /data/0/status)."
    if data.comparison not in set(Comparison):
        errors["comparison"] = "Choose ==, !=, >=, <= or contains."
    elif (data.comparison in (Comparison.at_least, Comparison.at_most)
            and as_decimal(data.value) is None):
            errors["value"] = "Compare >= and <= with a number (e.g. 5, -0.25 or 1e3)."
    return errors


def _check_feed_rule(data: SourceInput) -> dict[str, str]:
    if not data.pattern.strip():
        return {"pattern": "Give a keyword or a regular expression to look for."}
    try:
        compile_pattern(data.pattern.strip(), is_regex=data.pattern_is_regex)
    except PatternError as error:
        return {"pattern": str(error)}
    return {}


def set_source(
    session: Session,
    question: Question,
    data: SourceInput,
    *,
    actor: User,
    now: datetime,
    allowed: Iterable[IPNetwork] = (),
) -> ResolutionSource:
    """Attach or replace the question's source; checking starts afresh at ``now``.

    ``allowed`` are the networks besides public ones the URL may point into. Raises NotAllowed
    for non-managers, Conflict for a resolved question, ValidationFailed for a source that
    cannot work (including a refused address or a pattern RE2 cannot compile).
    """
    require_manager(actor)
    if question.outcome is not None:
        raise Conflict("The question is resolved already.")
    check_input(data, allowed)
    source = source_of(session, question.id) or ResolutionSource(  # type: ignore[arg-type]
        question_id=question.id, created_by_id=actor.id,  # type: ignore[arg-type]
        created_at=now, next_check_at=now, kind=SourceKind(data.kind), url="",
    )
    is_json = data.kind == SourceKind.http_json
    source.kind = SourceKind(data.kind)
    source.url = data.url.strip()
    source.pointer = data.pointer.strip() if is_json else ""
    source.comparison = Comparison(data.comparison) if is_json else None
    source.value = data.value.strip() if is_json else ""
    source.pattern = "" if is_json else data.pattern.strip()
    source.pattern_is_regex = data.pattern_is_regex and not is_json
    source.no_event_means_no = data.no_event_means_no
    source.auto_apply = data.auto_apply
    source.created_by_id = actor.id  # type: ignore[assignment]
    source.next_check_at, source.failures, source.last_error = now, 0, ""
    session.add(source)
    proposals.forget_dismissed(session, question.id)  # type: ignore[arg-type]
    session.flush()
    session.refresh(source)
    return source


def remove_source(session: Session, question: Question, *, actor: User) -> None:
    """Stop checking the question automatically; raises NotAllowed for non-managers."""
    require_manager(actor)
    source = source_of(session, question.id)  # type: ignore[arg-type]
    if source is not None:
        session.delete(source)
        session.flush()


def source_of(session: Session, question_id: int) -> ResolutionSource | None:
    """The question's source, if it has one."""
    return session.exec(
        select(ResolutionSource).where(ResolutionSource.question_id == question_id)
    ).first()


def failing_sources(session: Session) -> list[tuple[ResolutionSource, Question]]:
    """Sources whose checks keep failing, with their questions, for managers' attention."""
    rows = session.exec(
        select(ResolutionSource, Question)
        .join(Question, col(Question.id) == ResolutionSource.question_id)
        .where(ResolutionSource.failures >= ALERT_AFTER_FAILURES, col(Question.outcome).is_(None))
        .order_by(col(ResolutionSource.id))
    )
    return list(rows.all())
