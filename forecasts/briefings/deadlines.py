"""Deadlines: a clause's horizon phrases taken out of it, as the date they name or as a phrase
a manager must date. A title then carries exactly one deadline, its own."""

from __future__ import annotations

import re
from datetime import date

from forecasts.briefings.horizons import (
    OPEN_HORIZON,
    find_horizons,
    month_event_end,
    open_horizon,
)


def horizon_of(clause: str, published: date) -> tuple[str, tuple[date, str] | None, str | None]:
    """The clause without its deadline phrases, the date they name, and an undated deadline.

    Every deadline phrase leaves the clause, so a title carries exactly one: with several
    ("in the coming months, before March") the earliest date holds; a deadline with no date
    ("before the next G20 summit", "by 05/06/2027", which reads two ways) is returned as
    written for the manager to date. An event named by its month only ("at the February
    meeting") closes at the end of that month, the next one after ``published``.
    """
    found = find_horizons(clause, published)
    for _, phrase in found:
        clause = remove_phrase(clause, phrase)
    unknown = open_horizon(clause)
    if unknown is not None:
        clause = remove_phrase(clause, unknown)
        if month := month_event_end(unknown, published):
            found, unknown = [*found, (month, unknown)], None
    if not found:
        return clause, None, unknown
    when = min(when for when, _ in found)
    return clause, (when, " ".join(phrase for _, phrase in found)), unknown


def remove_phrase(text: str, phrase: str) -> str:
    """``text`` without the first ``phrase``, its spaces and punctuation tidied."""
    cleaned = text.replace(phrase, " ", 1)
    cleaned = re.sub(r"\s+([,.;:!?])", r"\1", cleaned)
    cleaned = re.sub(r"^[\s,;:]+", "", cleaned)
    return re.sub(r",\s*,", ",", " ".join(cleaned.split()))


def event_in_month(phrase: str, published: date) -> bool:
    """Whether a deadline phrase is an event dated only by its month ("at the February
    meeting"): its close date is the month's end, and the criteria keep the phrase."""
    return OPEN_HORIZON.search(phrase) is not None and \
        month_event_end(phrase, published) is not None
