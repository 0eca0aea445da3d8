"""Sentences: a paragraph split into sentences."""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")
ABBREVIATIONS = frozenset((
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
        if last in ABBREVIATIONS or (len(last) == 1 and last.isalpha()):
            continue
        sentences.append(paragraph[start:match.end()].strip())
        start = match.end()
    tail = paragraph[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences

