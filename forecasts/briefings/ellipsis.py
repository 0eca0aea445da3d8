"""Ellipsis: a second judgment that leaves out what the first one said.

- "Tallinn is likely to expel him, though Riga almost certainly will not": Riga's verb phrase
  is Tallinn's;
- "A tariff hike is likely, while a full ban is not": the ban's judgment is the hike's, negated.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import replace

from forecasts.briefings.clauses import subject_of
from forecasts.briefings.judgments import Reading

_ELIDED = re.compile(r"^\s*(?:do\s+so|so|too|as\s+well|either)?\s*[.!]?\s*$", re.IGNORECASE)
_ELIDED_COPULA = re.compile(r"^(?P<subject>\S.*?)\s+(?:is|are|was|were|looks?|seems?)\s+"
                            r"(?P<neg>not|n['’]t)?\s*(?:so|either|too|as\s+well)?\s*[.!]?\s*$",
                            re.IGNORECASE)


def with_elided(readings: list[Reading],
                lower_first: Callable[[str], str] = lambda text: text) -> list[Reading]:
    """Readings whose verb phrase was left out take the one before theirs; a noun left out
    after a possessive ("although we doubt Peru's will", "not complete its own") is the one the
    judgment before names. ``lower_first`` lowers a common noun's sentence-initial capital."""
    for before, reading in itertools.pairwise(list(readings)):
        if _POSSESSIVE_ALONE.match(reading.subject.strip()) and (noun := _head_noun(
                before.subject)):
            reading.subject = f"{reading.subject.strip()} {lower_first(noun)}"
        if reading.vp is not None and (own := _OWN.search(reading.vp)) and (
                noun := _possessed_noun(f"{before.vp or ''} {before.rest}")):
            reading.vp = f"{reading.vp[:own.end()]} {noun}{reading.vp[own.end():]}"
        if reading.vp is not None and _ELIDED.match(reading.vp):
            reading.vp, reading.rest = before.vp, before.rest
            if reading.horizon is None and reading.open_horizon is None:
                # "X will likely fine them by 31/03/2027, whereas Y won't": the same deadline
                reading.horizon, reading.open_horizon = before.horizon, before.open_horizon
    return readings


# "Peru's" with its noun left out; "its own" / "their own" closing a verb phrase.
_POSSESSIVE_ALONE = re.compile(r"^(?:[A-Z][\w.-]*\s+){0,3}[A-Z][\w.-]*['’]s?$")
_OWN = re.compile(r"\b(?:its|their|his|her|our)\s+own(?=[\s.!]*$|\s+(?:too|either|as\s+well|"
                  r"before|by|until|in|at|this|next|within)\b)", re.IGNORECASE)
_HEAD_END = re.compile(r"\s(?:of|in|on|at|for|with|from|by|over|into|across|to|near|"
                       r"before|until|within)\s.*$", re.IGNORECASE)
_LEADING = re.compile(r"^(?:(?:the|a|an|its|their|his|her|our|this|these|those)\s+|"
                      r"[A-Z][\w.-]*['’]s?\s+)+")
_POSSESSED = re.compile(r"\b(?:its|their|his|her|our)\s+(?P<noun>[\w-]+(?:\s+[\w-]+){0,3})",
                        re.IGNORECASE)
# Adjectives a possessed noun drops when another's is meant: "its own" barrier, not "eastern".
_OWNER_ADJECTIVES = frozenset(("eastern", "western", "northern", "southern", "new", "own",
                               "main", "national", "first", "second", "planned", "proposed"))


def _head_noun(subject: str) -> str | None:
    """The noun a subject names, without its determiner, owner or prepositional phrase:
    "Copper output in Chile" gives "Copper output", "Chile's lithium exports" "lithium
    exports"."""
    noun = _LEADING.sub("", _HEAD_END.sub("", f"{subject.strip()} ")).strip()
    # a subject that is only a name ("Poland") leaves no noun to share
    return noun if noun and (noun != subject.strip() or " " in noun) else None


def _possessed_noun(phrase: str) -> str | None:
    """The last noun a phrase gives an owner ("finish its eastern border barrier by June"
    gives "border barrier"), without adjectives another owner's would not share."""
    found = list(_POSSESSED.finditer(phrase))
    if not found:
        return None
    words = _HEAD_END.sub("", f" {found[-1]['noun']} ").split()
    words = [w for w in words if w.lower() not in ("by", "before", "until", "in", "at", "within")]
    while len(words) > 1 and words[0].lower() in _OWNER_ADJECTIVES:
        words = words[1:]
    return " ".join(words) or None


def elided_copula(clause: str, before: Reading) -> Reading | None:
    """'…, while a full ban is not': the judgment before, of a new subject, negated when the
    clause says "not"; None for any other clause."""
    match = _ELIDED_COPULA.match(clause.strip())
    if match is None or before.term is None:
        return None
    negated = before.negated != bool(match["neg"])
    term = before.term.removesuffix(" … not")
    return replace(before, subject=subject_of(match["subject"]),
                   term=f"{term} … not" if negated and not before.negated else term,
                   negated=negated, condition=None, siblings=[], distributive=False)
