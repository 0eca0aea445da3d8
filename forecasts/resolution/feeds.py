"""Judging an RSS/Atom feed: a keyword or RE2 pattern, and entry dates read without guessing.

An entry counts only when the feed states its date in RFC 822/2822 (RSS ``pubDate``) or RFC
3339/ISO 8601 (Atom) form with a time zone. feedparser's own date handling guesses (it reads
``2026/03/15`` as the 1st of the current month), so the raw text is parsed here instead; an
entry whose date cannot be read this way has "no usable date". Such an entry never fires YES,
and while one matches the pattern the feed proposes no NO either: unreadable data is never
evidence.

Patterns run on RE2 (linear time in the text), so no pattern can stall the checks.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import feedparser
import re2

from forecasts.resolution.comparison import BadAnswer

MAX_PATTERN_MEMORY = 8 << 20  # bytes RE2 may use for one compiled pattern
RULE = ("Matches the entry's title and summary, ignoring case; a regular expression uses RE2 "
        "syntax (no backreferences or lookarounds). An entry counts only when its date is "
        "stated in RFC 2822 (e.g. Sun, 15 Nov 2026 09:00:00 GMT) or ISO 8601 with a zone; a "
        "matching entry with any other date is evidence for neither YES nor NO.")


class PatternError(ValueError):
    """The pattern cannot be compiled by RE2; the message says why."""


def compile_pattern(pattern: str, *, is_regex: bool) -> Any:
    """A case-insensitive RE2 matcher for a keyword or a regular expression.

    Raises PatternError for a pattern RE2 does not accept (including backreferences and
    lookarounds, which cannot run in linear time).
    """
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False
    options.max_mem = MAX_PATTERN_MEMORY
    try:
        return re2.compile(pattern if is_regex else re2.escape(pattern), options)
    except re2.error as error:
        reason = error.args[0].decode() if error.args and isinstance(error.args[0], bytes) \
            else str(error)
        raise PatternError(f"Not a regular expression RE2 can run: {reason}.") from None


def stated_date(raw: object) -> datetime | None:
    """The moment an RFC 2822 or RFC 3339/ISO 8601 date with a zone names, in UTC; else None."""
    if not isinstance(raw, str) or not raw.strip():
        return None
    text = raw.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        try:
            moment = parsedate_to_datetime(text)
        except (ValueError, TypeError, IndexError):
            return None
        if moment.tzinfo is None and text.endswith("-0000"):  # RFC 2822: UTC, zone unknown
            moment = moment.replace(tzinfo=UTC)
    if moment.tzinfo is None:
        return None  # a time without a zone would be a guess
    return moment.astimezone(UTC)


@dataclass(frozen=True)
class FeedFinding:
    """What a feed says: the first matching entry in the window, matches without a usable
    date, and whether the feed was malformed (what it lost may have matched)."""

    entries: int
    match: dict[str, Any] | None
    undated_matches: int
    malformed: bool = False


def read_feed(body: bytes, matcher: Any, *, starts: datetime, ends: datetime) -> FeedFinding:
    """Look for an entry matching ``matcher`` published in [``starts``, ``ends``).

    Raises BadAnswer when the body is not a feed.
    """
    # A stream, never bytes: feedparser treats a bytes or str argument as a file name or URL
    # first, so an answer reading "/etc/passwd" would be opened as a local file.
    parsed = feedparser.parse(io.BytesIO(body))
    if not parsed.entries and (parsed.bozo or not parsed.get("version")):
        raise BadAnswer("The answer is not an RSS or Atom feed.")
    undated = 0
    for entry in parsed.entries:
        text = f"{entry.get('title', '')} {entry.get('summary', '')}"
        if not matcher.search(text):
            continue
        # dict.get: the raw keys, without feedparser's fallback from one to the other
        when = stated_date(dict.get(entry, "published")) or stated_date(dict.get(entry, "updated"))
        if when is None:
            undated += 1
        elif starts <= when < ends:
            return FeedFinding(len(parsed.entries), {
                "title": str(entry.get("title", "")), "link": str(entry.get("link", "")),
                "published": when.isoformat()}, undated, bool(parsed.bozo))
    return FeedFinding(len(parsed.entries), None, undated, bool(parsed.bozo))
