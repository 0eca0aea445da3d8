"""Deadlines: a clause's horizon phrases taken out of it, as the date they name or as a phrase
a manager must date. A title then carries exactly one deadline, its own."""

from __future__ import annotations

import re
from datetime import date

from dateutil.relativedelta import relativedelta

from forecasts.briefings.horizons import (
    OPEN_HORIZON,
    find_horizons,
    month_event_end,
    open_horizon,
)

DEFAULT_HORIZON_MONTHS = 6


def placeholder_close(published: date, months: int = DEFAULT_HORIZON_MONTHS) -> date:
    """The close date stored for a draft whose deadline a manager must set (flagged "set the
    date"): ``months`` after the briefing's date. Never named in a title or criteria."""
    return published + relativedelta(months=months)


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


# A title's computed deadline: "before 2027-04-01", "until 2027-04-01" (what wording writes).
_TITLE_DEADLINE = re.compile(r"\b(?P<word>before|until|by)\s+(?P<day>\d{4}-\d\d-\d\d)\b")


def title_deadlines(title: str) -> list[date]:
    """Every computed deadline a title states ("before 2027-04-01" gives 2027-04-01)."""
    found = []
    for match in _TITLE_DEADLINE.finditer(title):
        try:
            found.append(date.fromisoformat(match["day"]))
        except ValueError:
            continue  # "2027-02-30" is no day: it cannot agree with a close date either
    return found


def with_deadline(title: str, closes_at: date, *, undated: str | None = None,
                  add: bool = False) -> str:
    """``title`` with its deadline set to ``closes_at``: the undated phrase as written
    (``undated``, "before the rainy season") or any computed deadline is replaced; with ``add``
    (a draft whose sentence named no deadline) a title without one gains it. So a title and
    its close date never tell two deadlines."""
    day = closes_at.isoformat()
    if undated and undated in title:
        word = "until" if undated.lower().startswith(("until", "through")) else "before"
        return title.replace(undated, f"{word} {day}", 1)
    if _TITLE_DEADLINE.search(title):
        return _TITLE_DEADLINE.sub(lambda m: f"{m['word']} {day}", title)
    return f"{title.rstrip().rstrip('?').rstrip()} before {day}?" if add and title else title
