"""Levels stated of a likelihood: "the probability of a snap election is low", "the chances
that X happens are slim", "prospects for a deal are slim", read as the hedge with that level."""

from __future__ import annotations

import re

from forecasts.briefings import estimative
from forecasts.briefings.judgments import Reading
from forecasts.briefings.wording import gerund_question, trim

# "The probability of a snap election is low", "the chances that X happens are slim": a level
# stated of a likelihood, read as the hedge with that level ("low probability", "slim chance").
LEVEL_OF = re.compile(
    r"^(?:the\s+)?(?P<kind>probability|likelihood|chances?|odds|prospects?|risk)\s+"
    r"(?P<link>of|that|for)\s+"
    r"(?P<body>\S.*?)\s+(?:is|are|remains?|looks?|seems?|appears?)\s+(?:(?P<very>very|extremely)\s+)?"
    r"(?P<level>low|slim|small|slight|remote|high|good|strong|(?:about\s+|roughly\s+)?even)[.!]?$",
    re.IGNORECASE)
_LEVEL_PHRASE = {"low": "low probability", "slim": "slim chance", "small": "small chance",
                 "slight": "slight chance", "remote": "remote chance", "high": "high probability",
                 "good": "good chance", "strong": "strong chance"}


# Both a likelihood noun and a level, in either order: the cheap test before the clauses.
LEVEL_WORDS = re.compile(
    r"\b(?:probability|likelihood|chances?|odds|prospects?|risk)\b.*\b(?:low|slim|small|slight|"
    r"remote|high|good|strong|even)\b", re.IGNORECASE)


def level_of(clause: str) -> Reading | None:
    """The judgment a clause states as a level of likelihood ("the probability of X is low",
    "prospects for X are slim"), read as the hedge with that level; None for any other."""
    match = LEVEL_OF.match(clause.strip())
    if match is None:
        return None
    level = match["level"].lower().split()[-1]
    if level == "even":
        phrase = "even odds"
    elif match["very"]:
        phrase = "remote chance" if level in ("low", "slim", "small", "slight") \
            else "very good chance"
    else:
        phrase = _LEVEL_PHRASE[level]
    body = trim(match["body"])
    subject, vp = (f"the odds that {body}", None) if match["link"].lower() == "that" \
        else gerund_question(body)  # "of Riga hosting the summit"; a noun phrase stays one
    return Reading(subject=subject, vp=vp, rest="", term=phrase,
                   rung=estimative.PHRASES[phrase], numbers=None, negated=False)
