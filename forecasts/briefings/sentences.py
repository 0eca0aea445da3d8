"""Sentences: a paragraph split into sentences by sentencex (Wikimedia's segmenter).

sentencex knows abbreviations and initials ("The U.S.", "Mr. Smith", "e.g.") and ends a
sentence before any script's capital, so a sentence followed by Greek or Cyrillic text is split
off. Its time is linear in the paragraph's length. The parser numbers the sentences once, across
the whole briefing; that numbering is stored with the briefing and used by the review page.
"""

from __future__ import annotations

from sentencex import segment

# Words that end in a full stop without ending a sentence, for the question's capitalisation.
ABBREVIATIONS = frozenset((
    "mr", "mrs", "ms", "dr", "prof", "gen", "col", "lt", "maj", "capt", "sgt", "st", "no", "vs",
    "etc", "e.g", "i.e", "approx", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "u.s", "u.k", "u.n", "e.u", "fig", "inc", "ltd", "co", "corp",
    "dept", "est", "govt", "pres", "rep", "sen",
))


def split_sentences(paragraph: str) -> list[str]:
    """The sentences of one paragraph, in order, without surrounding spaces."""
    return [sentence.strip() for sentence in segment("en", paragraph) if sentence.strip()]
