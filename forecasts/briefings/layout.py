"""Layout: the title, the byline, ``Source:`` blocks, footers and paragraphs of a briefing."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from dateutil import parser as date_parser

from forecasts.briefings.numbers import labelled_number
from forecasts.briefings.parsed import Block

_SOURCE_LINE = re.compile(r"source\s*:\s*(?P<source>\S.{0,150})", re.IGNORECASE)
_NAME_WORD = r"(?:[A-Z][\w'’.-]*|de|da|del|van|von|der|den|al|el|bin|ibn|la|le|du)"
# Ranks and titles before a name: "Col. (ret.) P. Andersen", "Dr Jane Roe".
_TITLE = r"(?:(?:Col|Gen|Lt|Maj|Capt|Dr|Prof|Adm|Amb)\.?(?:\s+\(ret\.?\))?)"
# "By X", "Written by X", "Prepared by X for the desk", "Lead analyst: X", "Week 48 | by X",
# "Issue 31 · 28 November 2026 · Lead analyst: X" (a dateline's parts before the byline).
_BYLINE = re.compile(
    r"(?:[^|·•]{1,40}[|·•]\s*){0,3}"
    r"(?i:(?:written|prepared|compiled|edited|reported)\s+by|by|authors?\s*:|"
    r"(?:lead\s+|senior\s+)?analysts?\s*:)"
    rf"\s+(?P<name>(?:{_TITLE}\s+)?[A-Z][\w'’.-]*"
    rf"(?:\s+(?:{_NAME_WORD}|and|&)){{0,8}})"
    r"\s*(?:[,|·•–—-]\s*[^.!?]{0,80}|\s+(?:for|at|of|in)\s+[^.!?|]{0,80})?\.?"
)
# The header of a forwarded email, before the briefing itself: not the briefing's text.
_EMAIL_HEADER = re.compile(r"-{2,}\s*(?:forwarded|original)\s+message\s*-{2,}|"
                           r"(?:from|to|cc|date|sent|subject|reply-to)\s*:.*", re.IGNORECASE)
# RFC 3676's signature separator: what follows is the sender's signature.
_SIGNATURE = "--"
_FOOTER = re.compile(
    r"\b(?:un)?subscri(?:be|ption)|keep\s+informed|forward\s+(?:this\s+(?:email\s+)?)?to\s+a\s+friend"
    r"|delivered\s+(?:straight\s+)?to\s+your\s+inbox|sign\s+up\s+(?:for|to)\s+(?:our|the)\b"
    r"|manage\s+(?:your\s+)?(?:preferences|subscription)|update\s+your\s+preferences"
    r"|view\s+(?:this\s+(?:email|newsletter)\s+)?in\s+(?:your\s+)?browser|all\s+rights\s+reserved"
    r"|privacy\s+policy|follow\s+us\s+on|you\s+(?:are\s+receiving|received)\s+this|©"
    r"|get\s+the\s+latest\b",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^(?:[-*•·▪]|\d{1,2}[.)])\s+")
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")
_TERMINAL = re.compile(r"[.!?:;][\"”’')\]]*$")
# A line ending like this was cut by a hard wrap, whatever the next line starts with.
_RUNS_ON = re.compile(r"(?:,|\b(?:and|or|but|the|a|an|of|to|in|on|at|by|for|with|from|as|that|"
                      r"between|into|than|its|their))$", re.IGNORECASE)
MAX_FOOTER_CHARS = 300
# Where a footer names the publication itself, most specific first.
_PUBLICATION_IN_FOOTER = (
    re.compile(r"get\s+the\s+latest\s+(?:from\s+)?(?P<name>.+?)\s+(?:news|updates|analysis|"
               r"briefings?|insights?|newsletters?)\b", re.IGNORECASE),
    re.compile(r"you\s+(?:are\s+receiving|received)\s+this\s+(?:email\s+|newsletter\s+)?because\s+"
               r"you\s+(?:subscribed|signed\s+up)\s+(?:to|for)\s+(?P<name>[^.|]+)", re.IGNORECASE),
    re.compile(r"©\s*(?:(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)\d\d)?\s+)?(?P<name>[^.|,©]+)"),
    re.compile(r"subscribe\s+to\s+(?:the\s+)?(?P<name>[A-Z][^.|]+?)(?=\s+(?:for|to|and|at|on|"
               r"newsletter|today|now)\b|[.|!]|$)"),
)
# A masthead's issue number or date is not part of the publication's name.
_MASTHEAD_TAIL = re.compile(
    r"\s*(?:[-–—:|,]\s*|\s+)(?:(?:issue|no\.|vol\.|volume|edition|week|weekly\s+edition)\b.*|"
    r"\d{1,2}\s+\w+\s+\d{4}.*|\w+\s+\d{1,2},?\s+\d{4}.*|\d{4}-\d\d-\d\d.*)$",
    re.IGNORECASE,
)
_GENERIC_NAME = re.compile(r"^(?:our|the|this|all|us|our\s+newsletter|the\s+newsletter)$",
                           re.IGNORECASE)


@dataclass
class _Line:
    kind: str  # "blank", "source", "byline", "footer", "heading", "text"
    text: str
    marked: bool = False  # a Markdown heading ("## Alliances"), or an HTML one converted


@dataclass
class Layout:
    """What the lines of a briefing say about it, before sentences are read."""

    title: str | None = None
    author: str | None = None
    blocks: list[tuple[str | None, list[str]]] = field(default_factory=lambda: [(None, [])])
    footers: list[str] = field(default_factory=list)

    @property
    def publication(self) -> str | None:
        """The publication's name as the text gives it: a footer's, else the masthead's."""
        for pattern in _PUBLICATION_IN_FOOTER:
            for footer in self.footers:
                if (match := pattern.search(footer)) and (name := _clean_name(match["name"])):
                    return name
        if not self.title:
            return None
        masthead = re.split(r"\s+[—–|]\s+|\s+-\s+", self.title, maxsplit=1)[0]
        return _clean_name(_MASTHEAD_TAIL.sub("", masthead))


def _clean_name(text: str) -> str | None:
    name = " ".join(text.split()).strip(" .,:;|-–—")
    name = re.sub(r"\s+(?:all\s+rights\s+reserved|ltd|limited|inc)\.?$", "", name,
                  flags=re.IGNORECASE).strip(" .,")
    if not name or len(name) > 120 or _GENERIC_NAME.match(name):
        return None
    return name


def split_source(text: str) -> tuple[str, date | None]:
    """A ``Source:`` line's name and its date kept apart: "Reuters, 27 November 2026" gives
    ("Reuters", 2026-11-27); a line without a trailing date keeps its whole text as the name."""
    name, separator, tail = text.rpartition(",")
    if not separator:
        name, separator, tail = text.rpartition(" - ")
    if separator and name.strip() and re.search(r"\d", tail) and len(tail) <= 40:
        try:
            found = date_parser.parse(tail.strip(" ."), dayfirst=True, fuzzy=False)
        except (ValueError, OverflowError):
            return text, None
        return name.strip(), found.date()
    return text, None


def _classify(raw: str, *, opening: bool = False) -> _Line:
    line = " ".join(raw.replace("\u00a0", " ").replace("\u200b", "").split())
    if not line:
        return _Line("blank", "")
    if opening and _EMAIL_HEADER.fullmatch(line):
        return _Line("header", line)
    if source := _SOURCE_LINE.fullmatch(line):
        return _Line("source", source["source"].strip())
    if byline := _BYLINE.fullmatch(line):
        return _Line("byline", byline["name"].strip())
    if len(line) <= MAX_FOOTER_CHARS and _FOOTER.search(line):
        return _Line("footer", line)
    if _MARKDOWN_HEADING.match(line):
        return _Line("heading", _MARKDOWN_HEADING.sub("", line), marked=True)
    return _Line("text", _BULLET.sub("", line))


def _is_heading_like(line: _Line, following: _Line | None) -> bool:
    """A short line without closing punctuation, not a hard-wrapped line that runs on."""
    if line.kind != "text" or _TERMINAL.search(line.text) or _RUNS_ON.search(line.text):
        return False
    if len(line.text) > 100 or len(line.text.split()) > 14:
        return False
    if labelled_number(line.text):  # "Snap election in Sofia: 40%" states a judgment
        return False
    runs_on = following is not None and following.kind == "text" and following.text[:1].islower()
    return not runs_on


def _mark_headings(lines: list[_Line]) -> None:
    previous_open = False  # the last text line ended mid-sentence: this one continues it
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else None
        if line.kind == "text" and not previous_open and _is_heading_like(line, following):
            line.kind = "heading"
        previous_open = line.kind == "text" and not _TERMINAL.search(line.text) \
            and not labelled_number(line.text)


def _ends_section(line: _Line, following: _Line | None) -> bool:
    """A section heading: Markdown's or HTML's, a line in capitals ("POLITICS"), or a short
    title line set off by a blank line. A short line running into the next ("Turnout: 38%")
    is not one."""
    letters = [ch for ch in line.text if ch.isalpha()]
    return line.kind == "heading" and (
        line.marked or (bool(letters) and all(ch.isupper() for ch in letters))
        or following is None or following.kind == "blank")


def _new_block(layout: Layout, line: _Line, following: _Line | None) -> None:
    """A ``Source:`` line opens a block; a section heading ends a source block, so the
    section's judgments draw from no outlet unless a Source: line of its own says so."""
    if line.kind == "source":
        if layout.blocks[-1] == (None, []) and len(layout.blocks) > 1:
            layout.blocks[-1] = (line.text, [])  # the heading's own Source: line
        else:
            layout.blocks.append((line.text, []))
    elif _ends_section(line, following) and layout.blocks[-1][0] is not None \
            and layout.blocks[-1][1]:
        layout.blocks.append((None, []))


def read_layout(text: str) -> Layout:
    """Classify every line: title, byline, ``Source:`` blocks, footers, paragraphs."""
    lines: list[_Line] = []
    signed = False
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        signed = signed or raw.rstrip() == _SIGNATURE
        opening = all(line.kind in ("blank", "header") for line in lines)
        lines.append(_Line("footer", raw.strip()) if signed and raw.strip() else
                     _classify(raw, opening=opening))
    _mark_headings(lines)
    layout = Layout()
    open_paragraph = False
    seen_text = False
    for index, line in enumerate(lines):
        if line.kind == "heading" and not seen_text and layout.title is None:
            layout.title = line.text
        elif line.kind == "byline" and layout.author is None:
            layout.author = line.text
        elif line.kind in ("source", "heading"):
            _new_block(layout, line, lines[index + 1] if index + 1 < len(lines) else None)
        elif line.kind == "footer":
            layout.footers.append(line.text)
        elif line.kind == "text":
            paragraphs = layout.blocks[-1][1]
            if open_paragraph and paragraphs:
                paragraphs[-1] = f"{paragraphs[-1]} {line.text}"
            else:
                paragraphs.append(line.text)
            seen_text = True
        # A label and its number ("Snap poll in Sofia: 40%") is a whole line, like a sentence.
        open_paragraph = line.kind == "text" and not _TERMINAL.search(line.text) \
            and not labelled_number(line.text)
    return layout


def blocks_of(layout: Layout) -> list[Block]:
    """The blocks as the parser returns them: one without a source only if it has text."""
    kept = [(source, paragraphs) for source, paragraphs in layout.blocks
            if paragraphs or source is not None]
    blocks = []
    for index, (source, paragraphs) in enumerate(kept):
        name, when = split_source(source) if source else (None, None)
        blocks.append(Block(index, name, tuple(paragraphs), when))
    return blocks
