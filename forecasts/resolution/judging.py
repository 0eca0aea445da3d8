"""Judging a source's answer against its rule: a JSON value's comparison, or a feed's entries."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import feedparser
from jsonpointer import JsonPointer, JsonPointerException

from forecasts.resolution.fetching import Fetcher, FetchFailed
from forecasts.resolution.sources import Comparison, SourceKind


class BadAnswer(Exception):
    """The source answered, but not with something the rule can be judged on."""


@dataclass(frozen=True)
class Due:
    """A source to check, copied out of the session so worker threads never touch the ORM."""

    source_id: int
    question_id: int
    kind: SourceKind
    url: str
    pointer: str
    comparison: Comparison | None
    value: str
    pattern: str
    pattern_is_regex: bool
    no_event_means_no: bool
    auto_apply: bool
    created_by_id: int
    failures: int
    opens_at: datetime
    closed_at: datetime
    resolve_by: datetime

    @property
    def deadline(self) -> datetime:
        """After this a source that has not fired proposes NO."""
        return self.resolve_by if self.kind is SourceKind.http_json else self.closed_at


@dataclass(frozen=True)
class Verdict:
    """What one check found."""

    ok: bool
    fired: bool = False
    status: int | None = None
    value: str = ""
    error: str = ""
    facts: dict[str, Any] = field(default_factory=dict)


def check(fetcher: Fetcher, due: Due, now: datetime) -> Verdict:
    """Fetch and judge one source (safe in a worker thread: no database)."""
    status: int | None = None
    try:
        status, body = fetcher.get(due.url)
        if due.kind is SourceKind.http_json:
            return _judge_json(due, body, status, now)
        return _judge_feed(due, body, status, now)
    except FetchFailed as failure:
        return Verdict(ok=False, status=failure.status, error=str(failure))
    except BadAnswer as error:
        return Verdict(ok=False, status=status, error=str(error))


def _judge_json(due: Due, body: bytes, status: int | None, now: datetime) -> Verdict:
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise BadAnswer("The answer is not JSON.") from None
    try:
        found = JsonPointer(due.pointer).resolve(document)
    except JsonPointerException:
        raise BadAnswer(f"Nothing at {due.pointer or '(root)'} in the answer.") from None
    holds = compare(found, due.comparison or Comparison.equal, due.value)
    shown = json.dumps(found)[:500]
    facts = {"value": shown, "url": due.url, "pointer": due.pointer, "status": status,
             "fetched_at": now.isoformat(), "rule": f"{_rule(due)}"}
    return Verdict(ok=True, fired=holds, status=status, value=shown, facts=facts)


def _rule(due: Due) -> str:
    comparison = due.comparison.value if due.comparison else "=="
    return f"value {comparison} {due.value!r}"


def compare(found: Any, comparison: Comparison, expected: str) -> bool:
    """Does ``found`` (a JSON value) satisfy ``comparison`` against the manager's ``expected``?"""
    if comparison is Comparison.contains:
        return _contains(found, expected)
    if comparison in (Comparison.at_least, Comparison.at_most):
        number = _number(found)
        return number >= float(expected) if comparison is Comparison.at_least \
            else number <= float(expected)
    equal = _equal(found, expected)
    return equal if comparison is Comparison.equal else not equal


def _contains(found: Any, expected: str) -> bool:
    if isinstance(found, str):
        return expected.lower() in found.lower()
    if isinstance(found, list):
        return any(_equal(item, expected) for item in found)
    if isinstance(found, dict):
        return expected in found
    raise BadAnswer(f"Cannot look inside {json.dumps(found)[:80]} for {expected!r}.")


def _number(found: Any) -> float:
    if isinstance(found, bool) or not isinstance(found, int | float | str):
        raise BadAnswer(f"{json.dumps(found)[:80]} is not a number.")
    try:
        return float(found)
    except ValueError:
        raise BadAnswer(f"{json.dumps(found)[:80]} is not a number.") from None


def _equal(found: Any, expected: str) -> bool:
    if isinstance(found, bool):
        return expected.strip().lower() == str(found).lower()
    if isinstance(found, int | float):
        try:
            return float(expected) == found
        except ValueError:
            return False
    if found is None:
        return expected.strip().lower() in ("null", "none")
    if isinstance(found, str):
        return found == expected
    return json.dumps(found, sort_keys=True) == expected


def _judge_feed(due: Due, body: bytes, status: int | None, now: datetime) -> Verdict:
    parsed = feedparser.parse(body)
    if not parsed.entries and (parsed.bozo or not parsed.get("version")):
        raise BadAnswer("The answer is not an RSS or Atom feed.")
    pattern = due.pattern if due.pattern_is_regex else re.escape(due.pattern)
    matcher = re.compile(pattern, re.IGNORECASE)
    facts: dict[str, Any] = {"url": due.url, "status": status, "fetched_at": now.isoformat(),
                             "entries": len(parsed.entries)}
    for entry in parsed.entries:
        published = entry.get("published_parsed") or entry.get("updated_parsed")
        if not published:
            continue
        when = datetime(*published[:6], tzinfo=UTC)
        text = f"{entry.get('title', '')} {entry.get('summary', '')}"
        if due.opens_at <= when < due.closed_at and matcher.search(text):
            facts.update(title=entry.get("title", ""), link=entry.get("link", ""),
                         published=when.isoformat())
            return Verdict(ok=True, fired=True, status=status, value=facts["title"], facts=facts)
    return Verdict(ok=True, status=status, value=f"{len(parsed.entries)} entries, none matching",
                   facts=facts)
