"""Input bounds, each stated once: dates, ids, numbers and the length of every text field.

Forms, query strings, CLI options, the domain's checks and the database's column lengths all
read these values, so a limit shown beside a field is the limit the database enforces.

- Dates run from 1970-01-01 to 2200-12-31 (UTC): nothing the service tracks lies outside, and
  pandas' nanosecond timestamps (used by scoring) cover only 1677–2262.
- An id is ASCII digits naming a positive integer the id columns can hold: every id column is
  INTEGER, 32 bits on PostgreSQL, so at most 2**31 - 1 (always below 2**63, the 63-bit bound).
- Numbers are written with ASCII digits only: Python's ``int()``, ``Decimal()`` and
  ``str.isdigit()`` also accept "²", "٣" or "３", which no form here means.
- Text refuses NUL and the other control characters (Unicode category Cc) and lone surrogates
  (which UTF-8 cannot carry); multi-line fields allow tab, line feed and carriage return.
- Text refuses invisible format characters (Unicode category Cf): bidirectional overrides,
  embeddings and isolates (U+202A–U+202E, U+2066–U+2069) make a title or comment display in
  another order than it is stored ("Trojan Source", CVE-2021-42574), and zero-width spaces,
  word joiners, soft hyphens, the BOM and tag characters (U+E0000 block) hide text or make
  look-alike names. Allowed, because writing needs them: the zero-width non-joiner and joiner
  (U+200C, U+200D: Persian, Urdu, Indic scripts, emoji sequences), the implicit direction marks
  (U+200E, U+200F, U+061C: Arabic and Hebrew keyboards type them; unlike overrides they move no
  text) and the visible prepended concatenation marks (U+0600–U+0605, U+06DD, U+070F ...: they
  print, around the digits that follow). Passwords are exempt: they are never shown.
- Every text field has a maximum length in characters (``TextLimit``); over-long input is
  refused with the limit in the message, never cut.
- A briefing makes at most ``MAX_BRIEFING_DRAFTS`` drafts (one per assessment): long real
  reports have tens, and every draft is a form on the review page, so thousands would make a
  page of tens of megabytes that times out.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from forecasts.errors import ValidationFailed

FIRST_DAY = date(1970, 1, 1)
LAST_DAY = date(2200, 12, 31)

BIGINT_MAX = 2**63 - 1  # the 63-bit bound: no id may ever exceed it
ID_MAX = 2**31 - 1  # what an INTEGER id column holds on PostgreSQL (and every id column is one)

_WHOLE = re.compile(r"[0-9]+")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_MULTILINE_ALLOWED = frozenset("\t\n\r")
# Unicode's Cc category is exactly U+0000–U+001F and U+007F–U+009F, Cs U+D800–U+DFFF; a regular
# expression scans a 2 MB briefing in milliseconds, where unicodedata per character takes 1 s.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_MULTILINE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


class OutOfBounds(ValueError):
    """A value outside its bound; ``str(error)`` is a message for the user."""


@dataclass(frozen=True)
class TextLimit:
    """The most characters a text field may hold, and whether it may span lines."""

    max_length: int
    multiline: bool = False
    invisible_allowed: bool = False  # only for text never displayed (passwords)

    @property
    def hint(self) -> str:
        """What a form shows beside the field, e.g. "at most 300 characters"."""
        return f"at most {self.max_length:,} characters"

    def problem(self, value: str) -> str | None:
        """Why ``value`` breaks this limit, or None when it fits."""
        if len(value) > self.max_length:
            return f"Use {self.hint} (this has {len(value):,})."
        return control_problem(value, multiline=self.multiline) or (
            None if self.invisible_allowed else invisible_problem(value))


def control_problem(value: str, *, multiline: bool = False) -> str | None:
    """Why ``value`` holds a character no text field takes, or None.

    Control characters (Cc: NUL, escape, DEL ...) and lone surrogates (Cs) are refused; tab,
    line feed and carriage return only where ``multiline``.
    """
    found = (_CONTROL_MULTILINE if multiline else _CONTROL).search(value)
    if found is None:
        return None
    if found.group() in _MULTILINE_ALLOWED:
        return "Keep this on one line (no tabs or line breaks)."
    return f"Remove the control character {_name(found.group())}."


def _name(char: str) -> str:
    return f"U+{ord(char):04X}" + (" (NUL)" if char == "\0" else "")


# Cf characters that writing needs (see the module's docstring): joiners, implicit direction
# marks, and the prepended concatenation marks, which print.
VISIBLE_OR_NEEDED_FORMAT = frozenset(
    "\u200c\u200d\u200e\u200f\u061c"
    "\u0600\u0601\u0602\u0603\u0604\u0605\u06dd\u070f\u0890\u0891\u08e2"
    "\U000110bd\U000110cd"
)


def _invisible_pattern() -> re.Pattern[str]:
    """Every Cf character but the allowed ones, read from this Python's Unicode database.

    Read rather than written out, so a newer Unicode's format characters are refused too. Only
    the planes where Unicode puts format characters are scanned (0, 1 and 14: planes 2-3 hold
    ideographs, 15-16 private use, the rest nothing), which takes about 50 ms at import.
    """
    planes = (range(0x00000, 0x20000), range(0xE0000, 0xF0000))
    refused = [code for plane in planes for code in plane
               if unicodedata.category(chr(code)) == "Cf"
               and chr(code) not in VISIBLE_OR_NEEDED_FORMAT]
    runs: list[list[int]] = []
    for code in refused:  # as ranges: a class of ranges scans a 2 MB text in milliseconds
        if runs and runs[-1][1] == code - 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return re.compile("[" + "".join(f"\\U{low:08x}-\\U{high:08x}" for low, high in runs)
                      + "]")


_INVISIBLE = _invisible_pattern()


def invisible_problem(value: str) -> str | None:
    """Why ``value`` holds an invisible format character no text field takes, or None.

    Refuses Unicode category Cf but ``VISIBLE_OR_NEEDED_FORMAT``; the message names the
    character and where it is (counting from 1), so it can be found in a long text.
    """
    if value.isascii():  # every format character is outside ASCII; this costs nothing
        return None
    found = _INVISIBLE.search(value)
    if found is None:
        return None
    char = found.group()
    name = unicodedata.name(char, "format character")
    return (f"Remove the invisible character U+{ord(char):04X} ({name.lower()}) at character "
            f"{found.start() + 1:,}: it can make text display differently from what is stored.")


# --- Every text field of every table (and the forms and commands that fill them) ---------

TITLE = TextLimit(300)  # question.title, briefing_draft.title, briefing.title
DESCRIPTION = TextLimit(10_000, multiline=True)  # question.description (background)
CRITERIA = TextLimit(5_000, multiline=True)  # question / briefing_draft resolution_criteria
SOURCE_NAME = TextLimit(200)  # question.source_name, briefing_draft.source
URL = TextLimit(1_000)  # question.source_url, resolution_source.url
QUOTE = TextLimit(5_000, multiline=True)  # question.source_quote, briefing_draft.quote
CONDITION = TextLimit(5_000, multiline=True)  # briefing_draft.condition
TAG = TextLimit(60)  # tag.name
TAGS = TextLimit(800)  # a comma-separated list of tags (at most 12 of 60 characters)
RATIONALE = TextLimit(10_000, multiline=True)  # forecast.rationale
NOTE = TextLimit(5_000, multiline=True)  # a close, reopen, resolve, correct or dismiss note
COMMENT = TextLimit(4_000, multiline=True)  # comment.body: a comment or a clarification
TRAIL_NOTE = TextLimit(20_000, multiline=True)  # resolution_event.note: a typed note + evidence
EVIDENCE = TextLimit(4_000)  # an automatic check's evidence in one line, within a NOTE
REVISION_VALUE = TextLimit(DESCRIPTION.max_length, multiline=True)  # a question field's value
USERNAME = TextLimit(40)
DISPLAY_NAME = TextLimit(80)
EMAIL = TextLimit(254)  # RFC 5321's limit on a forward path
PASSWORD = TextLimit(256, invisible_allowed=True)  # hashed, never shown; length bounds work
TEAM_NAME = TextLimit(80)
POINTER = TextLimit(500)  # resolution_source.pointer (RFC 6901 JSON Pointer)
SOURCE_VALUE = TextLimit(500)  # resolution_source.value
PATTERN = TextLimit(500)  # resolution_source.pattern (keyword or regular expression)
PUBLICATION = TextLimit(200)  # briefing.publication, briefing_draft.publication
AUTHOR = TextLimit(200)
TERM = TextLimit(60)  # an estimative term or band name
BRIEFING_TEXT = TextLimit(2 * 1024 * 1024, multiline=True)  # the parser's 2 MB, in characters
WEBHOOK_SECRET = TextLimit(200)  # webhook.secret, the HMAC key a receiver shares
DELIVERY_ERROR = TextLimit(500)  # webhook_delivery.last_error, one attempt's failure
QUERY_TEXT = TextLimit(1_000)  # a filter value in a query string (words, publication ...)


def text_errors(fields: Mapping[str, tuple[str | None, TextLimit]]) -> dict[str, str]:
    """For each named value that breaks its limit, the message (None values are skipped)."""
    return {name: problem for name, (value, limit) in fields.items()
            if value is not None and (problem := limit.problem(value)) is not None}


def check_texts(fields: Mapping[str, tuple[str | None, TextLimit]]) -> None:
    """Check each named value against its limit; raises ValidationFailed naming every problem."""
    if errors := text_errors(fields):
        raise ValidationFailed(errors)


SHORTENED = " …"  # ends text the service shortened, so readers see it is not whole


def shorten(text: str, limit: TextLimit, marker: str = SHORTENED) -> str:
    """Text made by the service (not typed by a user) brought within ``limit``.

    Cuts at the last word boundary that leaves room for ``marker``, which shows that the text
    was shortened; text that fits is returned as is.
    """
    if len(text) <= limit.max_length:
        return text
    room = limit.max_length - len(marker)
    head = text[:room + 1]
    cut = head.rfind(" ")
    head = head[:cut] if cut > room // 2 else text[:room]
    return head.rstrip() + marker


# --- Counts -------------------------------------------------------------------------------

MAX_BRIEFING_DRAFTS = 300  # drafts (assessments) one briefing import may make
BRIEFING_DRAFTS_HINT = f"at most {MAX_BRIEFING_DRAFTS:,} assessments (one draft each)"
MIN_QUESTIONS_MAX = 10_000  # the leaderboard's "at least N resolved questions" filter (min)
CALIBRATION_BINS = (2, 20)  # fewest and most bins a calibration table may be asked for


def briefing_drafts_problem(count: int) -> str | None:
    """Why a briefing with ``count`` assessments is too many to import, or None when it fits."""
    if count <= MAX_BRIEFING_DRAFTS:
        return None
    return (f"This briefing has {count:,} assessments; a briefing may have at most "
            f"{MAX_BRIEFING_DRAFTS:,} (one draft each). Split it and import the parts. "
            "Nothing was stored.")


# --- Numbers ------------------------------------------------------------------------------


def parse_whole(text: str, *, low: int, high: int, name: str) -> int:
    """A whole number in ``[low, high]`` written in ASCII digits; raises OutOfBounds."""
    message = f"{name} must be a whole number from {low} to {high}."
    raw = text.strip()
    # The length cap keeps int() off huge inputs (and under Python's 4,300-digit limit).
    if not _WHOLE.fullmatch(raw) or len(raw) > len(str(high)) + 20:
        raise OutOfBounds(message)
    value = int(raw)
    if not low <= value <= high:
        raise OutOfBounds(message)
    return value


def parse_id(text: str, *, name: str = "id") -> int:
    """A row id: ASCII digits naming 1 … ID_MAX; raises OutOfBounds."""
    return parse_whole(text, low=1, high=ID_MAX, name=name)


def parse_decimal(text: str, *, name: str = "number") -> Decimal:
    """A finite decimal number in ASCII digits ("12", "-3.5", ".5"); raises OutOfBounds.

    Refuses what ``Decimal`` and ``float`` would also take: "١٢", "1_000", "1e9", "nan", "inf".
    """
    raw = text.strip()
    if not _DECIMAL.fullmatch(raw) or len(raw) > 40:
        raise OutOfBounds(f"{name} must be a number written with the digits 0–9, e.g. 12.5.")
    try:
        return Decimal(raw)
    except InvalidOperation:  # the pattern admits only valid decimals; kept for safety
        raise OutOfBounds(f"{name} must be a number, e.g. 12.5.") from None


# --- Dates --------------------------------------------------------------------------------

DATE_RANGE = f"from {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}"


def day_problem(day: date) -> str | None:
    """Why this day (or a datetime's day, in UTC) is outside 1970–2200, or None."""
    if isinstance(day, datetime):
        if day.tzinfo is not None:
            day = day.astimezone(UTC)
        day = day.date()
    if not FIRST_DAY <= day <= LAST_DAY:
        return f"Give a date {DATE_RANGE}."
    return None


def date_errors(fields: Mapping[str, date | datetime | None]) -> dict[str, str]:
    """For each named date outside the range, the message (None values are skipped)."""
    return {name: problem for name, value in fields.items()
            if value is not None and (problem := day_problem(value)) is not None}


def check_dates(fields: Mapping[str, date | datetime | None]) -> None:
    """Check each named date against the range; raises ValidationFailed naming every problem."""
    if errors := date_errors(fields):
        raise ValidationFailed(errors)


def parse_day(text: str, *, name: str = "date") -> date:
    """A day written YYYY-MM-DD in ASCII digits, within the range; raises OutOfBounds."""
    raw = text.strip()
    try:
        if not _DAY.fullmatch(raw):
            raise ValueError
        day = date.fromisoformat(raw)
    except ValueError:
        raise OutOfBounds(f"{name} must be a date written YYYY-MM-DD, not {raw[:40]!r}.") \
            from None
    if day_problem(day):
        raise OutOfBounds(f"{name} must be a date {DATE_RANGE}.")
    return day


# --- Addresses ----------------------------------------------------------------------------


def url_problem(value: str) -> str | None:
    """Why a stored address from outside is not an absolute http(s) URL, or None (empty is fine).

    Every path that stores one (forms, API, import) asks this, so a ``javascript:`` or
    ``data:`` address is refused wherever it comes in, not only where it is rendered.
    """
    if not value:
        return None
    parts = urlsplit(value.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return "Give an http:// or https:// address."
    return None
