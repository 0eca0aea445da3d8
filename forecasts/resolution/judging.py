"""Judging one source: fetch its document and apply its rule (a JSON comparison or a feed)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from jsonpointer import JsonPointer, JsonPointerException

from forecasts.models import SourceKind
from forecasts.resolution.comparison import BadAnswer, compare, parse_json, shown
from forecasts.resolution.feeds import PatternError, compile_pattern, read_feed
from forecasts.resolution.fetching import Fetcher, FetchFailed
from forecasts.resolution.sources import Comparison


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
    last_checked_at: datetime | None
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
    undecided: bool = False  # read, but what it found is evidence neither way
    checked_at: datetime | None = None  # when the check ran
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
    document = parse_json(body)
    try:
        found = JsonPointer(due.pointer).resolve(document)
    except JsonPointerException:
        raise BadAnswer(f"Nothing at {due.pointer or '(root)'} in the answer.") from None
    holds = compare(found, due.comparison or Comparison.equal, due.value)
    value = shown(found)[:500]
    facts = {"value": value, "url": due.url, "pointer": due.pointer, "status": status,
             "fetched_at": now.isoformat(), "rule": f"{_rule(due)}"}
    return Verdict(ok=True, fired=holds, status=status, value=value, facts=facts)


def _rule(due: Due) -> str:
    comparison = due.comparison.value if due.comparison else "=="
    return f"value {comparison} {due.value!r}"


def _judge_feed(due: Due, body: bytes, status: int | None, now: datetime) -> Verdict:
    try:
        matcher = compile_pattern(due.pattern, is_regex=due.pattern_is_regex)
    except PatternError as error:  # saved before patterns were checked by RE2
        raise BadAnswer(str(error)) from None
    finding = read_feed(body, matcher, starts=due.opens_at, ends=due.closed_at)
    facts: dict[str, Any] = {"url": due.url, "status": status, "fetched_at": now.isoformat(),
                             "entries": finding.entries}
    if finding.match is not None:
        facts.update(finding.match)
        return Verdict(ok=True, fired=True, status=status, value=facts["title"], facts=facts)
    if finding.undated_matches:
        return Verdict(ok=True, undecided=True, status=status, facts=facts,
                       value=f"{finding.undated_matches} matching entries without a usable "
                             "date (RFC 2822 or ISO 8601 with a zone): not evidence either way")
    if finding.malformed:
        return Verdict(ok=True, undecided=True, status=status, facts=facts,
                       value=f"{finding.entries} entries, none matching, but the feed is "
                             "malformed: not evidence for NO")
    return Verdict(ok=True, status=status, value=f"{finding.entries} entries, none matching",
                   facts=facts)
