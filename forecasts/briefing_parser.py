"""Turn an analyst's briefing into draft forecasting questions, one per estimative judgement.

Pure functions and dataclasses: no database, no Flask, no clock (the caller passes ``published``).

Public API::

    parse_briefing(text, *, published, yardstick="icd203", default_horizon_months=6)
        -> ParsedBriefing        # text: str, or bytes (decoded with decode_briefing)
    decode_briefing(raw: bytes) -> str   # UTF-8/UTF-16 text, HTML converted with html_to_text
    html_to_text(html: str) -> str       # visible text, one block element a line; no script/style
    BriefingError(ValueError)            # empty, binary, undecodable, over MAX_BRIEFING_BYTES

``ParsedBriefing`` has ``title`` (first heading or None), ``author`` (from a "By <name>" line),
``blocks`` (each ``Source: <publication>`` line opens a :class:`Block`; text before the first one
is a block with source None, kept only if it has text), ``drafts`` (:class:`Draft`, in document
order) and ``context`` (:class:`ContextSentence`: every sentence that is not an assessment, so a
manager can promote one by hand). Bylines, ``Source:`` lines and newsletter footers are neither.

A :class:`Draft` always asks the POSITIVE question and ``probability`` is P(YES): "NATO will not
confront ..." gives "Will NATO confront ...?" with the remote band; "X is unlikely" gives
"Will X ...?" with the unlikely band. A conditional judgement ("only likely in the event of X",
"if X, Y will probably ...", "unless X, ...", "would ... if X") gives a draft for P(Y | X) with
``condition`` = X and ``condition_ref`` = the index in ``drafts`` of a separate draft for X itself,
which has ``is_condition=True`` and no term or probability. For "unless X", ``condition_negated``
is True: the draft is P(Y | not X). "In such a scenario" refers back to the last condition named.
Numbers beat words: "likely (60-70 %)" gives low 0.6, high 0.7, point 0.65. Statements of fact
and bare hedges ("could", "may", "might", "would" without a condition) go to ``context``.

``closes_at`` comes from a horizon in the clause ("before March", "in the next six months", "by
2027", "within weeks" ...) relative to ``published``, else ``published + default_horizon_months``.
The question asks whether the event happens before ``closes_at`` (or, for "continue"/"remain",
whether the state holds until it). Tags are the countries, organisations and regions named in the
sentence (``forecasts/data/gazetteer.json``); a coordinated sibling's own words are left out.
"""

from __future__ import annotations

import itertools
import json
import re
import warnings
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup, Comment, MarkupResemblesLocatorWarning
from dateutil.relativedelta import relativedelta

from forecasts import estimative

MAX_BRIEFING_BYTES = 2 * 1024 * 1024
# Longer "sentences" are tables or run-on dumps; matching them costs time and yields nonsense.
MAX_SENTENCE_CHARS = 1500
GAZETTEER_PATH = Path(__file__).parent / "data" / "gazetteer.json"


class BriefingError(ValueError):
    """The briefing cannot be read: empty, binary or undecodable, or too large."""


@dataclass(frozen=True)
class Block:
    """The text under one ``Source:`` line (source None for text before the first one)."""

    index: int
    source: str | None
    paragraphs: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass(frozen=True)
class ContextSentence:
    """A sentence that is not an assessment; ``sentence_index`` counts across the whole briefing."""

    block: int
    source: str | None
    sentence_index: int
    text: str


@dataclass
class Draft:
    """A draft question prefilled from one estimative judgement (or from a condition it names)."""

    quote: str
    source: str | None
    block: int
    sentence_index: int
    term: str | None
    probability: float | None
    low: float | None
    high: float | None
    yardstick: str
    band: str | None
    negated: bool
    conditional: bool
    condition: str | None
    title: str
    resolution_criteria: str
    closes_at: date
    tags: list[str] = field(default_factory=list)
    condition_negated: bool = False
    condition_ref: int | None = None
    is_condition: bool = False

    def to_dict(self, *, extended: bool = False) -> dict[str, Any]:
        """JSON-ready values; ``extended`` adds sentence_index, band and the condition links."""
        values = {
            "quote": self.quote,
            "source": self.source,
            "term": self.term,
            "probability": self.probability,
            "low": self.low,
            "high": self.high,
            "conditional": self.conditional,
            "condition": self.condition,
            "title": self.title,
            "resolution_criteria": self.resolution_criteria,
            "closes_at": self.closes_at.isoformat(),
            "tags": list(self.tags),
            "block": self.block,
            "yardstick": self.yardstick,
            "negated": self.negated,
        }
        if extended:
            values |= {
                "sentence_index": self.sentence_index,
                "band": self.band,
                "condition_negated": self.condition_negated,
                "condition_ref": self.condition_ref,
                "is_condition": self.is_condition,
            }
        return values


@dataclass(frozen=True)
class ParsedBriefing:
    """Everything parse_briefing found in one briefing."""

    title: str | None
    author: str | None
    published: date
    yardstick: str
    blocks: tuple[Block, ...]
    drafts: tuple[Draft, ...]
    context: tuple[ContextSentence, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready values (drafts in their extended form)."""
        return {
            "title": self.title,
            "author": self.author,
            "published": self.published.isoformat(),
            "yardstick": self.yardstick,
            "blocks": [{"index": b.index, "source": b.source, "text": b.text} for b in self.blocks],
            "drafts": [draft.to_dict(extended=True) for draft in self.drafts],
            "context": [asdict(sentence) for sentence in self.context],
        }


# --------------------------------------------------------------------------------------------
# Input: bytes to text, HTML to text, refusals.

_HTML_SNIFF = re.compile(r"^\s*(?:<!doctype\s+html|<html\b|<head\b|<body\b)|<(?:p|div|h[1-6]|br)\b",
                         re.IGNORECASE)
_BLOCK_TAGS = ("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "section", "article",
               "header", "footer", "blockquote", "pre", "title", "table", "ul", "ol", "dd", "dt")
_INVISIBLE_TAGS = ("script", "style", "noscript", "template", "head", "svg", "iframe")


def decode_briefing(raw: bytes) -> str:
    """Decode an uploaded briefing (UTF-8, or UTF-16 with a byte-order mark); HTML becomes text.

    Raises BriefingError if it is larger than MAX_BRIEFING_BYTES, binary, or not valid text.
    """
    _check_size(len(raw))
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = _decode(raw, "utf-16")
    else:
        if b"\x00" in raw:
            raise BriefingError("This file looks binary (it contains NUL bytes); upload the "
                                "briefing as plain text or HTML.")
        text = _decode(raw, "utf-8-sig")
    _check_text(text)
    return html_to_text(text) if looks_like_html(text) else text


def looks_like_html(text: str) -> bool:
    """True when the text is an HTML document or fragment rather than plain text."""
    return bool(_HTML_SNIFF.search(text[:4096]))


def html_to_text(html: str) -> str:
    """The visible text of an HTML page, one block element a line; scripts and styles dropped."""
    with warnings.catch_warnings():
        # A short fragment such as "report.html" makes bs4 warn that it resembles a file name.
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        soup = BeautifulSoup(html, "html.parser")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    for tag in soup.find_all(_INVISIBLE_TAGS):
        tag.decompose()
    for comment in soup.find_all(string=lambda node: isinstance(node, Comment)):
        comment.extract()
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    lines = [" ".join(line.split()) for line in soup.get_text().splitlines()]
    lines = [line for line in lines if line]
    if title and not soup.find("h1"):
        lines.insert(0, title)
    return "\n".join(lines)


def _decode(raw: bytes, encoding: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as error:
        raise BriefingError(
            f"This file is not readable text (byte {error.start} is not valid "
            f"{encoding.upper()}); save the briefing as UTF-8 and try again."
        ) from None


def _check_size(size: int) -> None:
    if size > MAX_BRIEFING_BYTES:
        limit = MAX_BRIEFING_BYTES // (1024 * 1024)
        raise BriefingError(
            f"This briefing is {size / 1024 / 1024:.1f} MB; the limit is {limit} MB. "
            "Split it and import the parts."
        )


def _check_text(text: str) -> None:
    if "\x00" in text:
        raise BriefingError("This text contains NUL characters, so it looks binary; paste or "
                            "upload the briefing as plain text or HTML.")
    if not text.strip():
        raise BriefingError("The briefing is empty: there is no text to read.")


def _validated_text(text: str | bytes) -> str:
    if isinstance(text, bytes):
        return decode_briefing(text)
    if len(text) > MAX_BRIEFING_BYTES:
        _check_size(len(text))
    _check_size(len(text.encode("utf-8", errors="surrogatepass")))
    _check_text(text)
    return html_to_text(text) if looks_like_html(text) else text


# --------------------------------------------------------------------------------------------
# Layout: title, byline, Source blocks, footers, paragraphs.

_SOURCE_LINE = re.compile(r"source\s*:\s*(?P<source>\S.{0,150})", re.IGNORECASE)
_NAME_WORD = r"(?:[A-Z][\w'’.-]*|de|da|del|van|von|der|den|al|el|bin|ibn|la|le|du)"
_BYLINE = re.compile(
    rf"(?i:by|written\s+by|author\s*:)\s+(?P<name>[A-Z][\w'’.-]*(?:\s+{_NAME_WORD}){{0,5}})"
    r"\s*(?:[,|–—-]\s*[^.!?]{0,80})?\.?"
)
_FOOTER = re.compile(
    r"\b(?:un)?subscri(?:be|ption)|keep\s+informed|forward\s+(?:this\s+(?:email\s+)?)?to\s+a\s+friend"
    r"|delivered\s+(?:straight\s+)?to\s+your\s+inbox|sign\s+up\s+(?:for|to)\s+(?:our|the)\b"
    r"|manage\s+(?:your\s+)?(?:preferences|subscription)|update\s+your\s+preferences"
    r"|view\s+(?:this\s+(?:email|newsletter)\s+)?in\s+(?:your\s+)?browser|all\s+rights\s+reserved"
    r"|privacy\s+policy|follow\s+us\s+on|you\s+(?:are\s+receiving|received)\s+this|©",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^(?:[-*•·▪]|\d{1,2}[.)])\s+")
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")
_TERMINAL = re.compile(r"[.!?:;][\"”’')\]]*$")
# A line ending like this was cut by a hard wrap, whatever the next line starts with.
_RUNS_ON = re.compile(r"(?:,|\b(?:and|or|but|the|a|an|of|to|in|on|at|by|for|with|from|as|that|"
                      r"between|into|than|its|their))$", re.IGNORECASE)
MAX_FOOTER_CHARS = 300


@dataclass
class _Line:
    kind: str  # "blank", "source", "byline", "footer", "heading", "text"
    text: str


@dataclass
class _Layout:
    title: str | None = None
    author: str | None = None
    blocks: list[tuple[str | None, list[str]]] = field(default_factory=lambda: [(None, [])])


def _classify(raw: str) -> _Line:
    line = " ".join(raw.replace("\u00a0", " ").replace("\u200b", "").split())
    if not line:
        return _Line("blank", "")
    if source := _SOURCE_LINE.fullmatch(line):
        return _Line("source", source["source"].strip())
    if byline := _BYLINE.fullmatch(line):
        return _Line("byline", byline["name"].strip())
    if len(line) <= MAX_FOOTER_CHARS and _FOOTER.search(line):
        return _Line("footer", line)
    if _MARKDOWN_HEADING.match(line):
        return _Line("heading", _MARKDOWN_HEADING.sub("", line))
    return _Line("text", _BULLET.sub("", line))


def _is_heading_like(line: _Line, following: _Line | None) -> bool:
    """A short line without closing punctuation, not a hard-wrapped line that runs on."""
    if line.kind != "text" or _TERMINAL.search(line.text) or _RUNS_ON.search(line.text):
        return False
    if len(line.text) > 100 or len(line.text.split()) > 14:
        return False
    runs_on = following is not None and following.kind == "text" and following.text[:1].islower()
    return not runs_on


def _mark_headings(lines: list[_Line]) -> None:
    previous_open = False  # the last text line ended mid-sentence: this one continues it
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else None
        if line.kind == "text" and not previous_open and _is_heading_like(line, following):
            line.kind = "heading"
        previous_open = line.kind == "text" and not _TERMINAL.search(line.text)


def _layout(text: str) -> _Layout:
    lines = [_classify(raw) for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    _mark_headings(lines)
    layout = _Layout()
    open_paragraph = False
    seen_text = False
    for line in lines:
        if line.kind == "heading" and not seen_text and layout.title is None:
            layout.title = line.text
        elif line.kind == "byline" and layout.author is None:
            layout.author = line.text
        elif line.kind == "source":
            layout.blocks.append((line.text, []))
        elif line.kind == "text":
            paragraphs = layout.blocks[-1][1]
            if open_paragraph and paragraphs:
                paragraphs[-1] = f"{paragraphs[-1]} {line.text}"
            else:
                paragraphs.append(line.text)
            seen_text = True
        open_paragraph = line.kind == "text" and not _TERMINAL.search(line.text)
    return layout


# --------------------------------------------------------------------------------------------
# Sentences.

_SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")
_ABBREVIATIONS = frozenset((
    "mr", "mrs", "ms", "dr", "prof", "gen", "col", "lt", "maj", "capt", "sgt", "st", "no", "vs",
        "etc", "e.g", "i.e", "approx", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
        "sept", "oct", "nov", "dec", "u.s", "u.k", "u.n", "e.u", "fig", "inc", "ltd", "co", "corp",
        "dept", "est", "govt", "pres", "rep", "sen",
))


def split_sentences(paragraph: str) -> list[str]:
    """Split a paragraph into sentences, keeping abbreviations and initials together."""
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(paragraph):
        words = paragraph[start:match.start()].split()
        last = words[-1].lower().rstrip(".") if words else ""
        if last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha()):
            continue
        sentences.append(paragraph[start:match.end()].strip())
        start = match.end()
    tail = paragraph[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


# --------------------------------------------------------------------------------------------
# Horizons: "before March", "in the next six months", "by 2027" ... relative to publication.

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18,
    "twenty-four": 24, "thirty-six": 36,
}
_NUMBER = r"(?P<n>\d{1,3}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"
_UNIT = r"(?P<unit>day|week|month|year)s?"
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
           "october", "november", "december")
_MONTH = r"(?P<month>" + "|".join(m.capitalize() for m in _MONTHS) + r")"
_SEASON_ENDS = {"winter": 3, "spring": 6, "summer": 9, "autumn": 12, "fall": 12}
# A bare "in the coming months" names no number; these stand in, chosen once.
_VAGUE_SPANS = {"day": relativedelta(days=14), "week": relativedelta(weeks=6),
                "month": relativedelta(months=6), "year": relativedelta(years=2)}
_FEW_SPANS = {"day": relativedelta(days=7), "week": relativedelta(weeks=4),
              "month": relativedelta(months=3), "year": relativedelta(years=3)}
_NEXT = r"(?:in|over|during|within|for)\s+the\s+(?:next|coming|following)\s+"


def _span(unit: str, count: int) -> relativedelta:
    return relativedelta(**{f"{unit}s": count})


def _counted(match: re.Match[str], published: date) -> date:
    count = int(match["n"]) if match["n"].isdigit() else _NUMBER_WORDS[match["n"].lower()]
    return published + _span(match["unit"].lower(), count)


def _vague(match: re.Match[str], published: date) -> date:
    unit = match["unit"].lower()
    if match["plural"] is None:
        return published + _span(unit, 1)
    spans = _FEW_SPANS if match["few"] else _VAGUE_SPANS
    return published + spans[unit]


def _year_end(match: re.Match[str], published: date) -> date:
    year = int(match["y"]) if "y" in match.re.groupindex else published.year
    return date(year + 1, 1, 1)


def _next_year(match: re.Match[str], published: date) -> date:
    return date(published.year + (1 if match["before"] else 2), 1, 1)


def _half(match: re.Match[str], published: date) -> date:
    next_year = (match["rel"] or "").lower() == "next"
    year = int(match["y"]) if match["y"] else published.year + next_year
    return date(year, 7, 1) if match["half"].lower() == "first" else date(year + 1, 1, 1)


def _mid_year(match: re.Match[str], published: date) -> date:
    return date(int(match["y"]) if match["y"] else published.year, 7, 1)


def _month(match: re.Match[str], published: date) -> date:
    month = _MONTHS.index(match["month"].lower()) + 1
    year = int(match["y"]) if match["y"] else published.year
    if not match["y"] and month <= published.month:
        year += 1
    prep, edge = match["prep"].lower(), (match["edge"] or "").lower()
    whole_month = edge == "end" or (prep in ("by", "through") and not edge)
    first = date(year, month, 1)
    return first + relativedelta(months=1) if whole_month else first


def _calendar_year(match: re.Match[str], published: date) -> date:
    year = int(match["y"])
    return date(year, 1, 1) if match["prep"].lower() == "before" else date(year + 1, 1, 1)


def _short_term(_: re.Match[str], published: date) -> date:
    return published + relativedelta(months=3)


def _this_month(match: re.Match[str], published: date) -> date:
    months = 2 if match["which"].lower() == "next" else 1
    return date(published.year, published.month, 1) + relativedelta(months=months)


def _season(match: re.Match[str], published: date) -> date:
    end = date(published.year, _SEASON_ENDS[match["season"].lower()], 1)
    return end if end > published else date(published.year + 1, end.month, 1)


_HORIZONS = [
    (re.compile(_NEXT + _NUMBER + r"\s+" + _UNIT, re.I), _counted),
    (re.compile(r"within\s+(?:the\s+next\s+)?" + _NUMBER + r"\s+" + _UNIT, re.I), _counted),
    (re.compile(r"(?:" + _NEXT + r"(?P<few>(?:few|several|couple\s+of)\s+)?|within\s+)"
                r"(?P<unit>day|week|month|year)(?P<plural>s)?", re.I), _vague),
    (re.compile(r"(?:before|by|until)\s+(?:the\s+)?(?:end\s+of\s+(?:the|this)\s+year|year[-\s]end)"
                r"|this\s+year", re.I), _year_end),
    (re.compile(r"(?:before|by)\s+the\s+end\s+of\s+(?P<y>\d{4})", re.I), _year_end),
    (re.compile(r"(?P<before>before\s+)?(?:(?:by|until)\s+(?:the\s+end\s+of\s+)?)?next\s+year",
                re.I), _next_year),
    (re.compile(r"(?:in|through|during|over|by\s+the\s+end\s+of|before\s+the\s+end\s+of)\s+the\s+"
                r"(?P<half>first|second)\s+half\s+of\s+(?:(?P<rel>next|this|the)\s+year|(?P<y>\d{4}))",
                re.I), _half),
    (re.compile(r"(?:by|before)\s+(?:the\s+)?mid-?(?:(?P<y>\d{4})|year)", re.I), _mid_year),
    (re.compile(r"(?i:(?P<prep>before|by|until|through|till)\s+(?:the\s+(?P<edge>end|start|"
                r"beginning)\s+of\s+)?)" + _MONTH + r"(?:\s+(?P<y>\d{4}))?\b"), _month),
    (re.compile(r"(?P<prep>by|before|in|during|through)\s+(?P<y>20\d\d)\b", re.I), _calendar_year),
    (re.compile(r"(?:in|over)\s+the\s+(?:short|near)(?:\s|-)term", re.I), _short_term),
    (re.compile(r"(?:by\s+the\s+end\s+of\s+|before\s+the\s+end\s+of\s+)?(?P<which>next|this)\s+month",
                re.I), _this_month),
    (re.compile(r"(?:this|the\s+coming|over\s+the|during\s+the|through\s+the)\s+"
                r"(?P<season>winter|spring|summer|autumn|fall)\b", re.I), _season),
]


def find_horizon(text: str, published: date) -> tuple[date, str] | None:
    """The first horizon phrase in ``text`` and the date it names; None if there is none.

    A phrase naming a date on or before ``published`` is ignored.
    """
    found: list[tuple[int, int, date, str]] = []
    for pattern, resolve in _HORIZONS:
        for match in pattern.finditer(text):
            if not _word_bounded(text, match):
                continue
            when = resolve(match, published)
            if when > published:
                found.append((match.start(), -len(match[0]), when, match[0]))
                break
    if not found:
        return None
    _, _, when, phrase = min(found)
    return when, phrase


def _word_bounded(text: str, match: re.Match[str]) -> bool:
    before = text[match.start() - 1] if match.start() else " "
    after = text[match.end()] if match.end() < len(text) else " "
    return not before.isalnum() and not after.isalnum()


# --------------------------------------------------------------------------------------------
# Gazetteer tags.


@cache
def _gazetteer() -> tuple[re.Pattern[str], dict[str, str]]:
    entries = json.loads(GAZETTEER_PATH.read_text(encoding="utf-8"))
    canonical: dict[str, str] = {}
    for section in ("countries", "organisations", "regions"):
        for name, aliases in entries[section].items():
            for alias in (name, *aliases):
                canonical.setdefault(alias, name)
    names = sorted(canonical, key=len, reverse=True)
    alternation = "|".join(re.escape(name) for name in names)
    # A hyphen may precede a name ("intra-NATO", "Russian-annexed") but not follow a plural.
    pattern = re.compile(rf"(?<![\w])(?:{alternation})(?:s|’s|'s)?(?!\w)")
    return pattern, canonical


def tags_for(text: str) -> list[str]:
    """Canonical names of the countries, organisations and regions named in ``text``."""
    pattern, canonical = _gazetteer()
    tags: list[str] = []
    for match in pattern.finditer(text):
        name = _strip_plural(match[0], canonical)
        tag = canonical.get(name)
        if tag and tag not in tags:
            tags.append(tag)
    return tags


def _strip_plural(found: str, canonical: dict[str, str]) -> str:
    if found in canonical:
        return found
    for suffix in ("’s", "'s", "s"):
        if found.endswith(suffix) and found[: -len(suffix)] in canonical:
            return found[: -len(suffix)]
    return found


# --------------------------------------------------------------------------------------------
# Finding assessments in a clause.


def _alternation(phrases: list[str]) -> str:
    ordered = sorted(phrases, key=len, reverse=True)
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered)


_MODAL_WORDS = {"will", "would", "will continue to"}
_JUDGEMENTS = [p for p in estimative.known_phrases() if p not in _MODAL_WORDS]
_ADVERBS = [p for p in _JUDGEMENTS if (p.endswith("ly") and "unlikely" not in p) or p == "probably"]
# After a copula these adverbs judge the present ("is probably behind the attack"), not the future.
_PRESENT_ADVERBS = {"probably", "very probably", "almost certainly", "certainly"}
_NOUN_TERMS = ("chance", "possibility", "odds", "toss-up", "fifty-fifty")
_J = _alternation(_JUDGEMENTS)
_ADV = _alternation(_ADVERBS)
_NUM_PAREN = r"\s*\((?P<{name}>[^()]{{0,40}}?\d[^()]{{0,40}}?)\)"
# Comparatives ("more likely", "less likely") compare; they are not judgements, so not listed.
_QUALIFIERS = (r"(?:(?:only|still|also|now|increasingly|both|each|all|therefore|thus|even|however|"
               r"equally|similarly|so|already)\s+)*")
_COPULA = r"is|are|was|were|remains?|seems?|appears?|looks?"
_PLURAL_COPULA = {"are", "were", "remain", "seem", "appear", "look"}
_PERCENT = (r"(?P<pct>\d{1,3}(?:\.\d+)?\s*(?:%|percent|per\s*cent)?\s*(?:-|–|—|to)\s*"
            r"\d{1,3}(?:\.\d+)?\s*(?:%|percent|per\s*cent)|\d{1,3}(?:\.\d+)?\s*(?:%|percent|per\s*cent))")
_ANCHOR = re.compile(
    rf"(?<![\w'’])(?:"
    rf"(?P<cop>{_COPULA})\s+(?P<neg>not\s+)?{_QUALIFIERS}(?P<neg2>not\s+)?(?P<article>an?\s+)?"
    rf"(?P<term>{_J})(?![\w-])(?:{_NUM_PAREN.format(name='num')})?"
    rf"|(?P<pctverb>{_COPULA}|has|have|stands?|gives?)\s+(?:only\s+)?(?:an?\s+)?{_PERCENT}\s+"
    rf"(?P<pctkind>chance|probability|likelihood|risk)"
    rf"|(?:(?P<pre>{_ADV})(?:{_NUM_PAREN.format(name='prenum')})?\s+)?"
    rf"(?P<modal>will|won['’]t|would|wouldn['’]t)\s+(?P<mneg>not\s+)?"
    rf"(?:(?P<adv>{_ADV}|possibly|perhaps)\s+)?(?:{_NUM_PAREN.format(name='mnum')}\s+)?"
    rf"(?P<mneg2>not\s+)?(?P<cont>continue\s+to\s+)?"
    rf")",
    re.IGNORECASE,
)
_RELATIVE_END = re.compile(r"(?:^|[\s,])(?:which|who|whom|whose|that|where|when)$", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r";\s+|,?\s+but\s+|,\s+(?:while|whereas|although|though|yet)\s+",
                           re.IGNORECASE)
_CONDITION_WORDS = (r"only\s+if|if|unless|(?:only\s+)?in\s+the\s+event\s+(?:of|that)|"
                    r"provided\s+(?:that\s+)?|as\s+long\s+as|so\s+long\s+as")
_LEADING_CONDITION = re.compile(rf"^(?P<conn>{_CONDITION_WORDS}|should)\s+(?P<rest>.+)$",
                                re.IGNORECASE)
_TRAILING_CONDITION = re.compile(
    rf"(?:,\s*)?(?<!even\s)\b(?P<conn>{_CONDITION_WORDS})\s+(?P<cond>.+)$", re.IGNORECASE
)
_ANAPHORIC_CONDITION = re.compile(
    r"^(?:in\s+(?:such|that|this|either)\s+(?:a\s+)?(?:scenario|case|event)|if\s+so|in\s+that\s+event|"
    r"should\s+(?:that|this)\s+happen|if\s+(?:that|this)\s+happens|were\s+that\s+to\s+happen)"
    r"\s*,?\s+",
    re.IGNORECASE,
)
_REASON = re.compile(
    r"\s*(?:,\s*|\s+)(?:due\s+to|because|owing\s+to|thanks\s+to|as\s+a\s+result\s+of|even\s+if|"
    r"even\s+though|in\s+spite\s+of)\b.*$"
    r"|\s*,\s*(?:since|as|while|which|who|given|amid|despite|although|though|whereas|not\s+least)\b.*$"
    r"|\s+[–—]\s+.*$",
    re.IGNORECASE,
)
_COORDINATED = re.compile(r"^\s*,?\s*as\s+(?:is|are|was|were|would|will|does|do)\s+(?P<other>.+)$",
                          re.IGNORECASE)
_TRAILING_COORDINATED = re.compile(r",\s*as\s+(?:is|are|was|were|would|will|does|do)\s+"
                                   r"(?P<other>[^,]+)$", re.IGNORECASE)
_FRAMING_THAT = re.compile(
    r"^.*\b(?:means?|meant|suggests?|indicates?|implies|imply|shows?|showed|ensures?|signals?|"
    r"assess(?:es|ed)?|judges?|judged|believes?|believed|thinks?|estimates?|expects?|considers?|"
    r"concludes?|notes?|argues?|says?|said|warns?|predicts?|reckons?)\s+that\s+",
    re.IGNORECASE,
)
_FRAMING_LEAD = re.compile(
    r"^(?:we|i|analysts?|officials|observers|the\s+\w+\s+community)\s+(?:also\s+|now\s+|still\s+)?"
    r"(?:assess|judge|believe|think|estimate|consider|anticipate|forecast|calculate)(?:s|ed)?\s+"
    r"(?:with\s+\w+\s+confidence\s+)?(?:that\s+)?",
    re.IGNORECASE,
)
_EXPECT = re.compile(
    r"^(?:we|i|analysts?|officials|observers)\s+(?P<neg>do\s+not\s+|don['’]t\s+)?(?:also\s+)?"
    r"expect\s+(?P<subject>.+?)\s+to\s+(?P<vp>.+)$",
    re.IGNORECASE,
)
_CONNECTIVE = re.compile(
    r"^(?:however|meanwhile|moreover|furthermore|additionally|nevertheless|nonetheless|still|overall|"
    r"consequently|therefore|thus|hence|as\s+a\s+result|in\s+turn|in\s+addition|at\s+the\s+same\s+time|"
    r"for\s+now|for\s+its\s+part|by\s+contrast|in\s+contrast|in\s+any\s+case|crucially|notably|"
    r"importantly|ultimately|similarly|likewise|instead|indeed|even\s+so|in\s+short|on\s+balance|"
    r"(?:in|on|at|by|for|with|without|despite|given|after|before|during|over|under|amid|following|since|"
    r"until|through|throughout|across|within|beyond|against|absent|barring|once|when|while|although|"
    r"though|because|as)\b[^,]{0,80})\s*,\s+",
    re.IGNORECASE,
)
_PREPOSITION = re.compile(r"\s(?:of|in|on|with|between|among|from|by|for|over|against|into|"
                          r"across|to)\s", re.IGNORECASE)
_DETERMINER = re.compile(r"(?:a|an|the|any|some|further|new|renewed|fresh|more)\s", re.IGNORECASE)
_RELATIVE_ASIDE = re.compile(r",\s*(?:which|who)\b[^,]*(?:,|$)", re.IGNORECASE)
_FOCUS = re.compile(r"^(?:even|only|also|just|both|and|but|so|then|yet)\s+", re.IGNORECASE)
_HEDGE_ADVERBS = {"possibly", "perhaps"}
_CONTINUING = re.compile(r"^(?:continue|remain|stay|keep|persist|endure)\b", re.IGNORECASE)
_IMPERSONAL = re.compile(r"^(?:it|there|this)$", re.IGNORECASE)
_IMPERSONAL_REST = re.compile(
    r"^\s*(?:chance|probability|likelihood|possibility|risk|odds)?\s*"
    r"(?:that\s+(?P<clause>.+)|of\s+(?P<phrase>.+))$",
    re.IGNORECASE,
)
_OF_GERUND = re.compile(r"^\s*of\s+(?P<phrase>\w+ing\b.*)$", re.IGNORECASE)
_TRAILING_NUMBER = re.compile(r"\s*\((?P<num>[^()]{0,40}?\d[^()]{0,40}?)\)\s*[.!?]?\s*$")


@dataclass
class _Condition:
    text: str
    connective: str
    negated: bool
    ref: int | None = None  # index of its draft, once added


@dataclass
class _Reading:
    """One judgement found in a clause, before it becomes a Draft."""

    subject: str
    vp: str | None  # a base-form verb phrase, or None when the judgement is about a noun phrase
    rest: str
    term: str
    rung: int | None
    numbers: tuple[float, float] | None
    negated: bool
    distributive: bool = False  # "X and Y are unlikely": one judgement for each
    condition: _Condition | None = None
    horizon: tuple[date, str] | None = None
    siblings: list[str] = field(default_factory=list)


def _parse_percent(text: str) -> tuple[float, float] | None:
    lowered = text.lower()
    if "%" not in lowered and "percent" not in lowered and "per cent" not in lowered:
        return None
    numbers = [float(n) for n in re.findall(r"\d{1,3}(?:\.\d+)?", text)]
    if not numbers or len(numbers) > 2 or max(numbers) > 100:
        return None
    return min(numbers) / 100, max(numbers) / 100


def _paren_number(match: re.Match[str], group: str) -> tuple[float, float] | None:
    return _parse_percent(match[group]) if match[group] else None


def _judgement(match: re.Match[str]) -> tuple[str, int | None, tuple[float, float] | None, bool]:
    """(term as found, ladder rung, numbers, negated) for an anchor match."""
    if match["term"]:
        negated = bool(match["neg"]) != bool(match["neg2"])
        term = " ".join(match["term"].lower().split())
        numbers = _paren_number(match, "num")
        found = f"not {term}" if negated else term
        found = f"{found} ({match['num'].strip()})" if numbers else found
        return found, estimative.PHRASES[term], numbers, negated
    if match["pct"]:
        return f"{match['pct']} {match['pctkind']}", None, _parse_percent(match["pct"]), False
    return _modal_judgement(match)


def _modal_judgement(match: re.Match[str]) -> tuple[str, int | None, tuple[float, float] | None,
                                                   bool]:
    modal = match["modal"].lower().replace("’", "'")
    negated = (bool(match["mneg"]) != bool(match["mneg2"])) != ("n't" in modal)
    base = "would" if modal.startswith("would") else "will"
    adverb = match["pre"] or match["adv"]
    numbers = _paren_number(match, "prenum") or _paren_number(match, "mnum")
    number = f" ({(match['prenum'] or match['mnum']).strip()})" if numbers else ""
    if adverb:
        word = " ".join(adverb.lower().split())
        found = word + (" not" if negated else "") + number
        return found, estimative.PHRASES[word], numbers, negated
    phrase = "will continue to" if match["cont"] else base
    found = (f"{base} not" if negated else phrase) + number
    return found, estimative.PHRASES[phrase], numbers, negated


def _is_judgement(match: re.Match[str], subject: str, has_condition: bool) -> bool:
    """Whether an anchor is a forecast: not in a relative clause, not a bare hedge or adjective."""
    if not subject.strip() or _RELATIVE_END.search(subject.rstrip()):
        return False
    if (match["adv"] or "").lower() in _HEDGE_ADVERBS:
        return False
    term = " ".join((match["term"] or "").lower().split())
    if match["article"] and not term.endswith(_NOUN_TERMS):
        return False  # "a likely outcome": an adjective before a noun, not a judgement
    modal = (match["modal"] or "").lower()
    return has_condition or not modal.startswith("would")  # "would" without "if" is a hedge


def _reading_at(clause: str, match: re.Match[str], has_condition: bool) -> _Reading | None:
    """Read the judgement anchored at ``match``, or None if the anchor is not one."""
    subject = clause[: match.start()]
    if not _is_judgement(match, subject, has_condition):
        return None
    term, rung, numbers, negated = _judgement(match)
    vp, rest = _split_predicate(match, clause[match.end():])
    if match["term"] and vp is None and term in _PRESENT_ADVERBS:
        return None
    copula = (match["cop"] or "").lower()
    distributive = copula in _PLURAL_COPULA and (
        vp is None or bool(re.search(r"\b(?:both|each)\b", match[0], re.IGNORECASE)))
    return _Reading(subject=subject, vp=vp, rest=rest, term=term, rung=rung, numbers=numbers,
                    negated=negated, distributive=distributive)


def _split_predicate(match: re.Match[str], after: str) -> tuple[str | None, str]:
    if match["modal"]:
        return ("continue to " if match["cont"] else "") + after, ""
    infinitive = re.match(r"\s+(?P<not>not\s+)?to\s+(?!the\b|a\b|an\b)(?P<vp>\S.*)$", after,
                          re.IGNORECASE)
    if infinitive:  # "likely not to X" keeps its "not" for _negated_vp
        return ("not " if infinitive["not"] else "") + infinitive["vp"], ""
    return None, after


def _first_reading(clause: str, has_condition: bool) -> _Reading | None:
    for match in _ANCHOR.finditer(clause):
        reading = _reading_at(clause, match, has_condition)
        if reading is not None:
            return reading
    return None


def _expectation(clause: str) -> _Reading | None:
    """'We expect X to Y' reads as 'X is expected to Y'."""
    match = _EXPECT.match(clause)
    if not match:
        return None
    return _Reading(subject=match["subject"], vp=match["vp"], rest="", term="expected",
                    rung=estimative.PHRASES["expected"], numbers=None, negated=bool(match["neg"]))


def _connective(found: str) -> str:
    word = " ".join(found.lower().split())
    return "if" if word == "only if" else word.removeprefix("only ").strip()


def _leading_condition(clause: str, last_condition: _Condition | None
                       ) -> tuple[str, _Condition | None]:
    """Peel a leading condition ("If X, ...", "Unless X, ...", "In such a scenario, ...")."""
    if anaphor := _ANAPHORIC_CONDITION.match(clause):
        return clause[anaphor.end():], last_condition
    lead = _LEADING_CONDITION.match(clause)
    if not lead:
        return clause, None
    rest = lead["rest"]
    first_anchor = _ANCHOR.search(rest)
    # The condition ends at the last comma before the main clause's judgement.
    cut = rest.rfind(",", 0, first_anchor.start() if first_anchor else len(rest))
    if cut <= 0:
        return clause, None
    connective = _connective(lead["conn"])
    condition = _Condition(_trim(rest[:cut]), connective, negated=connective == "unless")
    return rest[cut + 1:].strip(), condition


def _trailing_condition(text: str) -> tuple[str, _Condition | None]:
    match = _TRAILING_CONDITION.search(text)
    if not match or not _trim(match["cond"]):
        return text, None
    connective = _connective(match["conn"])
    cond = _trim(_REASON.sub("", match["cond"]))
    return text[: match.start()], _Condition(cond, connective, negated=connective == "unless")


def _peel_trailing_condition(reading: _Reading) -> _Reading:
    if reading.vp is not None:
        reading.vp, reading.condition = _trailing_condition(reading.vp)
    else:
        reading.rest, reading.condition = _trailing_condition(reading.rest)
    return reading


def _peel_number(reading: _Reading) -> _Reading:
    """'Russia is likely to hold Kherson (70 %).': a closing percentage beats the word."""
    text = reading.vp if reading.vp is not None else reading.rest
    match = _TRAILING_NUMBER.search(text)
    numbers = _parse_percent(match["num"]) if match else None
    if match is None or numbers is None or reading.numbers is not None:
        return reading
    reading.numbers = numbers
    reading.term = f"{reading.term} ({match['num'].strip()})"
    if reading.vp is not None:
        reading.vp = text[: match.start()]
    else:
        reading.rest = text[: match.start()]
    return reading


def _negated_vp(reading: _Reading) -> _Reading:
    """'is likely not to X' and 'is likely to not X' negate the judgement too."""
    if reading.vp and re.match(r"not\s+", reading.vp, re.IGNORECASE):
        reading.vp = reading.vp[4:].lstrip()
        reading.negated = not reading.negated
    return reading


def _impersonal(reading: _Reading) -> _Reading:
    """Read 'It is likely that X will Y', 'There is a remote chance of X', 'X has a 30 % chance
    of Ying' as questions about X."""
    if reading.vp is not None:
        return reading
    if not _IMPERSONAL.match(_subject(reading.subject)):
        gerund = _OF_GERUND.match(reading.rest)
        vp = _gerund_question(f"it {gerund['phrase']}")[1] if gerund else None
        if vp is not None:
            reading.vp, reading.rest = vp, ""
        return reading
    match = _IMPERSONAL_REST.match(reading.rest)
    if match is None:
        return reading
    if match["phrase"]:
        reading.subject, reading.vp = _gerund_question(_trim(match["phrase"]))
        reading.rest = ""
        return reading
    return _embedded(reading, _trim(match["clause"]))


def _embedded(reading: _Reading, clause: str) -> _Reading:
    """The question inside 'that ...': its own modal is only tense, but its negation counts."""
    inner = _first_reading(clause, has_condition=True)
    if inner is not None and inner.vp is not None:
        inner = _negated_vp(inner)
        reading.subject, reading.vp = inner.subject, inner.vp
        reading.negated = reading.negated != inner.negated
    elif parsed := _clause_question(clause):
        reading.subject, reading.vp = parsed
    else:
        reading.subject, reading.vp = "it", f"happen that {clause}"
    reading.rest = ""
    return reading


def _trim(text: str) -> str:
    return text.strip().strip(",;:").strip().rstrip(".!?").strip()


def _subject(text: str) -> str:
    """The noun phrase a judgement is about: framing, connectives and asides removed."""
    subject = _FRAMING_THAT.sub("", text.strip())
    subject = _FRAMING_LEAD.sub("", subject)
    previous = None
    while previous != subject:
        previous = subject
        subject = _FOCUS.sub("", _CONNECTIVE.sub("", subject))
    subject = _RELATIVE_ASIDE.sub("", subject)
    # Not _trim: a subject can end in an abbreviation's full stop ("The U.S.").
    return subject.strip().strip(",;:").strip()


def _clauses(sentence: str) -> list[str]:
    """Independent clauses: split at ';', 'but', 'while' ... and at 'and' between two judgements."""
    clauses: list[str] = []
    for piece in _CLAUSE_BREAK.split(sentence):
        clauses.extend(_split_on_and(piece))
    return [clause for clause in clauses if clause.strip()]


def _split_on_and(piece: str) -> list[str]:
    anchors = list(_ANCHOR.finditer(piece))
    for first, second in itertools.pairwise(anchors):
        between = piece[first.end(): second.start()]
        joint = list(re.finditer(r",?\s+and\s+", between))
        if joint and between[joint[-1].end():].strip():
            cut = first.end() + joint[-1].start()
            rest_start = first.end() + joint[-1].end()
            return [piece[:cut], *_split_on_and(piece[rest_start:])]
    return [piece]


def _coordinated_subjects(reading: _Reading, raw_subject: str) -> list[str]:
    """'X and Y are unlikely' gives X and Y, when the 'and' joins two noun phrases."""
    both = re.match(r"\s*both\s", raw_subject, re.IGNORECASE) is not None
    if not (reading.distributive or both) or "(" in reading.subject:
        return [reading.subject]
    parts = re.split(r"\s+and\s+", reading.subject)
    if len(parts) != 2 or not _joins_noun_phrases(*parts):
        return [reading.subject]
    return parts


def _joins_noun_phrases(left: str, right: str) -> bool:
    """False for 'Greek and Turkish clashes', 'clashes between Greece and Turkey', 'talks with
    Iran and Syria': there the 'and' sits inside one noun phrase."""
    if len(left.split()) == 1 and len(right.split()) > 1:
        return False
    if re.search(r"\bbetween\b", left, re.IGNORECASE):
        return False
    right_is_phrase = _DETERMINER.match(right) or _PREPOSITION.search(right)
    return not _PREPOSITION.search(left) or bool(right_is_phrase)


def _with_coordination(reading: _Reading) -> list[_Reading]:
    """Expand 'X is unlikely, as are Y' and 'X and Y are unlikely' into one reading each."""
    raw_subject, reading.subject = reading.subject, _subject(reading.subject)
    readings = [replace(reading, subject=s) for s in _coordinated_subjects(reading, raw_subject)]
    tail = reading.vp if reading.vp is not None else reading.rest
    match = (_TRAILING_COORDINATED if reading.vp is not None else _COORDINATED).search(tail)
    if match:
        own, other = tail[: match.start()], _trim(_REASON.sub("", match["other"]))
        field_name = "vp" if reading.vp is not None else "rest"
        readings = [replace(r, **{field_name: own}) for r in readings]
        readings.append(replace(reading, subject=other, **{field_name: own if reading.vp else ""}))
    subjects = [r.subject for r in readings]
    for r in readings:
        r.siblings = [s for s in subjects if s != r.subject]
    return readings


def _readings(clause: str, last_condition: _Condition | None) -> list[_Reading]:
    """Every judgement in one clause, each with its condition (if any)."""
    body, condition = _leading_condition(clause.strip(), last_condition)
    has_condition = condition is not None or bool(_TRAILING_CONDITION.search(body))
    reading = _expectation(body) or _first_reading(body, has_condition)
    if reading is None:
        return []
    reading = _negated_vp(_peel_number(_peel_trailing_condition(reading)))
    if condition is not None:
        reading.condition = condition
    elif reading.condition is None and reading.term.startswith("would"):
        return []
    return _with_coordination(_impersonal(reading))


# --------------------------------------------------------------------------------------------
# Questions: from a reading to a yes/no title.

_VERBS = frozenset((
    "accept", "achieve", "acquire", "advance", "agree", "align", "allow", "annex", "announce",
    "approve", "arm", "arrest", "attack", "attempt", "back", "ban", "become", "begin", "block",
    "bomb", "borrow", "boycott", "break", "bring", "build", "call", "cancel", "cap", "capture",
    "cease", "change", "clash", "close", "collapse", "commit", "complete", "conduct", "confront",
    "continue", "control", "cooperate", "coordinate", "cross", "cut", "deal", "declare", "default",
    "defeat", "defend", "deliver", "deny", "deploy", "destroy", "deteriorate", "detonate",
    "devalue", "die", "disrupt", "dissolve", "do", "drop", "ease", "elect", "embargo", "emerge",
    "end", "enforce", "engage", "enter", "erupt", "escalate", "establish", "evacuate", "exit",
    "expand", "expel", "extend", "face", "fail", "fall", "fight", "fire", "flee", "follow", "form",
    "fracture", "freeze", "gain", "give", "go", "grant", "grow", "halt", "hand", "have", "hike",
    "hit", "hold", "host", "impose", "improve", "increase", "intensify", "intervene", "introduce",
    "invade", "invest", "invoke", "join", "kill", "launch", "lead", "leave", "lift", "loosen",
    "lose", "maintain", "make", "meet", "merge", "mobilise", "mobilize", "move", "nationalise",
    "nationalize", "negotiate", "normalise", "normalize", "occupy", "offer", "open", "order",
    "oust", "overthrow", "pass", "pay", "permit", "prompt", "protest", "provide", "provoke", "pull",
    "push", "quit", "raise", "ratify", "reach", "rebel", "recapture", "recognise", "recognize",
    "reconcile", "recover", "reduce", "reform", "reject", "rejoin", "release", "remain", "remove",
    "renew", "reopen", "replace", "resign", "resist", "respond", "restart", "restore", "restrict",
    "resume", "retake", "retaliate", "retreat", "return", "revoke", "riot", "rise", "sanction",
    "secure", "seize", "sell", "send", "sever", "shift", "shoot", "shut", "sign", "sink", "split",
    "spread", "stabilise", "stabilize", "stage", "start", "stay", "step", "stop", "strike",
    "succeed", "supply", "support", "surrender", "suspend", "take", "target", "test", "threaten",
    "tighten", "topple", "trade", "trigger", "unite", "use", "utilise", "utilize", "veto",
    "violate", "vote", "wage", "win", "withdraw", "worsen", "yield",
))
_IRREGULAR = {
    "took": "take", "struck": "strike", "fell": "fall", "began": "begin", "broke": "break",
    "held": "hold", "left": "leave", "lost": "lose", "made": "make", "sent": "send",
    "shot": "shoot", "withdrew": "withdraw", "became": "become", "brought": "bring",
    "built": "build",
    "fought": "fight", "gave": "give", "grew": "grow", "led": "lead", "met": "meet", "paid": "pay",
    "rose": "rise", "sold": "sell", "sank": "sink", "went": "go", "did": "do", "does": "do",
    "has": "have", "had": "have", "won": "win", "goes": "go",
}
_AUX_BE = {"is", "are", "was", "were"}
_DEFINITE = re.compile(r"^(?:the|this|that|these|those|its|their|his|her|our)\b|^\S+['’]s\b",
                       re.IGNORECASE)


def _base_form(word: str) -> str | None:
    """The base form of a known verb in -s, -es, -ies, -ed or -ing form (or already base)."""
    lower = word.lower()
    if lower in _IRREGULAR:
        return _IRREGULAR[lower]
    candidates = [lower]
    if lower.endswith("ing"):
        stem = lower[:-3]
        candidates += [stem, stem + "e", stem[:-1]]
    elif lower.endswith("ied"):
        candidates.append(lower[:-3] + "y")
    elif lower.endswith("ed"):
        candidates += [lower[:-2], lower[:-1], lower[:-3]]
    elif lower.endswith("ies"):
        candidates.append(lower[:-3] + "y")
    elif lower.endswith("s"):
        candidates += [lower[:-1], lower[:-2]]
    return next((c for c in candidates if c in _VERBS), None)


def _clause_question(clause: str) -> tuple[str, str | None] | None:
    """(subject, base-form verb phrase) for a finite clause such as 'Russia uses WMDs'."""
    words = clause.split()
    will = next((i for i, w in enumerate(words) if w.lower() == "will"), None)
    if will:
        return " ".join(words[:will]), " ".join(words[will + 1:])
    for index in range(1, len(words)):
        word = words[index]
        if not word[:1].islower():
            continue
        if word in _AUX_BE:
            return " ".join(words[:index]), " ".join(["be", *words[index + 1:]])
        base = _base_form(word)
        following = words[index + 1] if index + 1 < len(words) else ""
        if base and not (word.endswith("s") and _base_form(following) == following.lower()):
            return " ".join(words[:index]), " ".join([base, *words[index + 1:]])
    return None


def _gerund_question(phrase: str) -> tuple[str, str | None]:
    """(subject, verb phrase) for 'Russia utilising WMDs'; (phrase, None) for a noun phrase."""
    words = _trim(phrase).split()
    for index in range(1, len(words)):
        if words[index].lower().endswith("ing") and (base := _base_form(words[index])):
            return " ".join(words[:index]), " ".join([base, *words[index + 1:]])
    return phrase, None


@dataclass(frozen=True)
class _Casing:
    """Proper nouns seen mid-sentence in the briefing keep their capital at a question's start."""

    proper: frozenset[str]

    def lower_first(self, text: str) -> str:
        first, _, rest = text.partition(" ")
        keep = (first in self.proper or (len(first) > 1 and first.isupper())
                or first.lower().rstrip(".") in _ABBREVIATIONS
                or bool(_gazetteer()[0].match(text)) or any(ch.isupper() for ch in first[1:]))
        return text if keep or not first else f"{first[0].lower()}{first[1:]} {rest}".rstrip()


def _casing(text: str) -> _Casing:
    found = re.findall(r"(?<=[a-z,;:] )([A-Z][\w'’-]+)", text)
    return _Casing(frozenset(found))


def _question(subject: str, vp: str | None, rest: str, deadline: str) -> str:
    """'Will X do Y before D?', or about a noun phrase 'Will there be X before D?'"""
    if vp is not None:
        body = f"{subject} {vp}".strip()
    elif _DEFINITE.match(subject):
        body = f"{subject}{rest} happen".strip()
    else:
        body = f"there be {subject}{rest}".strip()
    # "Will there be X, including Y and Z, before D?": close an NP's aside before the deadline.
    joiner = ", " if vp is None and "," in subject else " "
    return f"Will {_trim(body)}{joiner}{deadline}?"


def _deadline(vp: str | None, closes_at: date) -> str:
    word = "until" if vp and _CONTINUING.match(vp) else "before"
    return f"{word} {closes_at.isoformat()}"


def _resolution(question: str, source: str | None, quote: str, closes_at: date,
                condition: _Condition | None, continuing: bool) -> str:
    when = closes_at.isoformat()
    test = (f"the state it describes still holds on {when}" if continuing
            else f"the event it describes happens before {when}")
    criteria = (f"Resolves YES if credible public reporting shows that {test}; otherwise NO. "
                f"Question: {question} Prefilled from {source or 'the briefing'}: "
                f"\u201c{quote}\u201d")
    if condition is not None:
        met = "happens" if condition.negated else "has not happened"
        criteria += (f" Conditional: annulled if the condition "
                     f"(\u201c{condition.text}\u201d) {met} before {when}.")
    return criteria


# --------------------------------------------------------------------------------------------
# Putting it together.


@dataclass
class _Sentence:
    block: int
    source: str | None
    index: int
    text: str


@dataclass
class _State:
    """What parsing one briefing accumulates as it walks the sentences."""

    published: date
    yardstick: str
    default_close: date
    casing: _Casing
    drafts: list[Draft] = field(default_factory=list)
    context: list[ContextSentence] = field(default_factory=list)
    last_condition: _Condition | None = None
    condition_drafts: dict[str, int] = field(default_factory=dict)


def parse_briefing(text: str | bytes, *, published: date, yardstick: str = "icd203",
                   default_horizon_months: int = 6) -> ParsedBriefing:
    """Find every estimative judgement in a briefing and draft a question for each.

    ``text`` is plain text or HTML (str), or the raw bytes of an upload. Raises BriefingError for
    an empty, binary, undecodable or oversized briefing, estimative.UnknownYardstickError for an
    unknown yardstick and ValueError for a horizon under one month. No assessments is not an
    error: the result has no drafts.
    """
    scale = estimative.yardstick(yardstick)
    if default_horizon_months < 1:
        raise ValueError(f"default_horizon_months must be at least 1, not {default_horizon_months}")
    if isinstance(published, datetime):
        published = published.date()
    body = _validated_text(text)
    layout = _layout(body)
    blocks = _blocks(layout)
    state = _State(published=published, yardstick=scale.name,
                   default_close=published + relativedelta(months=default_horizon_months),
                   casing=_casing(body))
    for sentence in _sentences(blocks):
        _read_sentence(sentence, state)
    return ParsedBriefing(title=layout.title, author=layout.author, published=published,
                          yardstick=scale.name, blocks=tuple(blocks), drafts=tuple(state.drafts),
                          context=tuple(state.context))


def _blocks(layout: _Layout) -> list[Block]:
    kept = [(source, paragraphs) for index, (source, paragraphs) in enumerate(layout.blocks)
            if paragraphs or index > 0]
    return [Block(i, source, tuple(paragraphs)) for i, (source, paragraphs) in enumerate(kept)]


def _sentences(blocks: list[Block]) -> Iterator[_Sentence]:
    index = 0
    for block in blocks:
        for paragraph in block.paragraphs:
            for sentence in split_sentences(paragraph):
                yield _Sentence(block.index, block.source, index, sentence)
                index += 1


def _sentence_readings(text: str, state: _State) -> list[_Reading]:
    if len(text) > MAX_SENTENCE_CHARS or not (_ANCHOR.search(text) or _EXPECT.match(text)):
        return []
    readings: list[_Reading] = []
    for clause in _clauses(text):
        horizon = find_horizon(clause, state.published)
        stripped = _remove_phrase(clause, horizon[1]) if horizon else clause
        for reading in _readings(stripped, state.last_condition):
            reading.horizon = horizon
            readings.append(reading)
    return readings


def _read_sentence(sentence: _Sentence, state: _State) -> None:
    readings = _sentence_readings(sentence.text, state)
    if not readings:
        state.context.append(ContextSentence(sentence.block, sentence.source, sentence.index,
                                             sentence.text))
        return
    for reading in readings:
        _add_drafts(reading, sentence, state)


def _remove_phrase(text: str, phrase: str) -> str:
    cleaned = text.replace(phrase, " ", 1)
    cleaned = re.sub(r"\s+([,.;:!?])", r"\1", cleaned)
    cleaned = re.sub(r"^[\s,;:]+", "", cleaned)
    return re.sub(r",\s*,", ",", " ".join(cleaned.split()))


def _probability(reading: _Reading, yardstick: str) -> tuple[float, float, float, str | None]:
    """(point, low, high, band) for YES, numbers first, a negated judgement mirrored."""
    if reading.numbers is not None:
        low, high = reading.numbers
        if reading.negated:
            low, high = 1 - high, 1 - low
        point = min(max((low + high) / 2, 0.01), 0.99)
        return round(point, 4), round(low, 4), round(high, 4), \
            estimative.band_for(point, yardstick).term
    scale = estimative.yardstick(yardstick)
    rung = reading.rung if reading.rung is not None else estimative.EVEN
    if reading.negated:
        rung = estimative.TOP_RUNG + 1 - rung
    band = scale.band_at(rung)
    return band.point, band.low, band.high, band.term


def _add_drafts(reading: _Reading, sentence: _Sentence, state: _State) -> None:
    closes_at = reading.horizon[0] if reading.horizon else state.default_close
    condition = reading.condition
    if condition is not None and condition.ref is None:
        condition.ref = _condition_draft(condition, sentence, closes_at, state)
    if condition is not None:
        state.last_condition = condition
    state.drafts.append(_draft(reading, sentence, closes_at, state))


def _draft(reading: _Reading, sentence: _Sentence, closes_at: date, state: _State) -> Draft:
    subject = state.casing.lower_first(_subject(reading.subject))
    vp = _trim(_REASON.sub("", reading.vp)) if reading.vp is not None else None
    rest = _REASON.sub("", _trim(reading.rest)) if reading.vp is None else ""
    rest = f" {rest}" if rest and not rest.startswith(",") else rest
    question = _question(subject, vp, rest, _deadline(vp, closes_at))
    condition = reading.condition
    if condition is not None:
        question = f"{condition.connective.capitalize()} {condition.text}, {question[0].lower()}" \
                   f"{question[1:]}"
    point, low, high, band = _probability(reading, state.yardstick)
    tag_text = sentence.text
    for sibling in reading.siblings:
        tag_text = tag_text.replace(sibling, " ")
    return Draft(
        quote=sentence.text, source=sentence.source, block=sentence.block,
        sentence_index=sentence.index, term=reading.term, probability=point, low=low, high=high,
        yardstick=state.yardstick, band=band, negated=reading.negated,
        conditional=condition is not None, condition=condition.text if condition else None,
        title=question,
        resolution_criteria=_resolution(question, sentence.source, sentence.text, closes_at,
                                        condition, bool(vp and _CONTINUING.match(vp))),
        closes_at=closes_at, tags=tags_for(tag_text),
        condition_negated=bool(condition and condition.negated),
        condition_ref=condition.ref if condition else None,
    )


def _condition_draft(condition: _Condition, sentence: _Sentence, closes_at: date,
                     state: _State) -> int:
    """Add (once per distinct condition) a draft asking whether the condition itself happens."""
    key = " ".join(condition.text.lower().split())
    if key in state.condition_drafts:
        return state.condition_drafts[key]
    question = _condition_question(condition, closes_at, state.casing)
    draft = Draft(
        quote=sentence.text, source=sentence.source, block=sentence.block,
        sentence_index=sentence.index, term=None, probability=None, low=None, high=None,
        yardstick=state.yardstick, band=None, negated=False, conditional=False, condition=None,
        title=question,
        resolution_criteria=_resolution(question, sentence.source, sentence.text, closes_at,
                                        None, continuing=False),
        closes_at=closes_at, tags=tags_for(condition.text) or tags_for(sentence.text),
        is_condition=True,
    )
    state.drafts.append(draft)
    state.condition_drafts[key] = len(state.drafts) - 1
    return len(state.drafts) - 1


def _condition_question(condition: _Condition, closes_at: date, casing: _Casing) -> str:
    deadline = f"before {closes_at.isoformat()}"
    text = condition.text
    if condition.connective == "in the event of":
        subject, vp = _gerund_question(text)
    else:
        subject, vp = _clause_question(text) or (text, "")
        if vp == "":
            return f"Will the following happen {deadline}: {text}?"
    return _question(casing.lower_first(subject), vp, "", deadline)
