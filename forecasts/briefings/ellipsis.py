"""Ellipsis: a second judgment that leaves out what the first one said.

- "Tallinn is likely to expel him, though Riga almost certainly will not": Riga's verb phrase
  is Tallinn's;
- "A tariff hike is likely, while a full ban is not": the ban's judgment is the hike's, negated.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import replace

from forecasts.briefings.clauses import subject_of
from forecasts.briefings.judgments import Reading

_ELIDED = re.compile(r"^\s*(?:do\s+so|so|too|as\s+well|either)?\s*[.!]?\s*$", re.IGNORECASE)
_ELIDED_COPULA = re.compile(r"^(?P<subject>\S.*?)\s+(?:is|are|was|were|looks?|seems?)\s+"
                            r"(?P<neg>not|n['’]t)?\s*(?:so|either|too|as\s+well)?\s*[.!]?\s*$",
                            re.IGNORECASE)


def with_elided(readings: list[Reading]) -> list[Reading]:
    """Readings whose verb phrase was left out take the one before theirs."""
    for before, reading in itertools.pairwise(list(readings)):
        if reading.vp is not None and _ELIDED.match(reading.vp):
            reading.vp, reading.rest = before.vp, before.rest
            if reading.horizon is None and reading.open_horizon is None:
                # "X will likely fine them by 31/03/2027, whereas Y won't": the same deadline
                reading.horizon, reading.open_horizon = before.horizon, before.open_horizon
    return readings


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
