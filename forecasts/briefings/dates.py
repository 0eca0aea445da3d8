"""Calendar dates in deadlines: numeric dates ("by 30/06/2027"), holidays ("until Christmas",
"before Easter") and quarters counted from the briefing's own ("by the end of next quarter").

A numeric date whose two parts are both 12 or under ("05/06/2027") reads two ways: it is never
guessed, and the draft is flagged for the manager to date.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from dateutil.easter import easter
from dateutil.relativedelta import relativedelta

# "before D" and "ahead of D" close on D; "by D", "no later than D" let D itself count, so
# they close the day after (as "by June" closes on 1 July). "until D" closes on D, as
# "until June" does.
INCLUSIVE = frozenset(("by", "through", "no later than", "not later than", "on or before"))
DATE_PREP = (r"(?P<prep>on\s+or\s+before|no\s+later\s+than|not\s+later\s+than|ahead\s+of|"
              r"prior\s+to|before|by|until|till|through)")


def next_after(published: date, month: int, day: int = 1) -> date:
    """The first ``month``/``day`` after ``published``."""
    when = date(published.year, month, day)
    return when if when > published else date(published.year + 1, month, day)


_HOLIDAYS = {"christmas eve": (12, 24), "christmas": (12, 25), "christmas day": (12, 25),
             "new year's eve": (12, 31), "new year": (1, 1), "new year's": (1, 1),
             "new year's day": (1, 1)}


def holiday(match: re.Match[str], published: date) -> date:
    """The next Christmas, New Year or Easter after ``published``; "by" lets the day count."""
    name = " ".join(match["day"].lower().replace("’", "'").split())
    if name.startswith("easter"):  # a moveable feast: the Western date, from dateutil
        when = easter(published.year)
        when = when if when > published else easter(published.year + 1)
    else:
        when = next_after(published, *_HOLIDAYS[name])
    inclusive = " ".join(match["prep"].lower().split()) in INCLUSIVE
    return when + timedelta(days=1) if inclusive else when


def relative_quarter(match: re.Match[str], published: date) -> date:
    """The end of the briefing's quarter ("this quarter") or of the one after ("next quarter")."""
    start = date(published.year, (published.month - 1) // 3 * 3 + 1, 1)
    later = 0 if match["which"].lower() in ("this", "current") else 1
    return start + relativedelta(months=3 * (later + 1))


# Numeric dates: "30/06/2027" (day first), "06/30/2027" (month first), "2027/06/30"; dots and
# dashes too. One with both parts 12 or under reads two ways: it is never guessed.
# "on 15/09/2027" too: the day an event is set for.
SLASHED = re.compile(DATE_PREP[:-1] + r"|on)\s+(?:the\s+)?(?P<date>(?P<a>\d{1,2})(?P<sep>[/.-])"
                     r"(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})"
                     r"|(?P<iy>\d{4})(?P<isep>[/.])(?P<im>\d{1,2})(?P=isep)(?P<id>\d{1,2}))\b",
                     re.I)


def slashed_reading(match: re.Match[str]) -> date | str | None:
    """The date a numeric date names; "ambiguous" when both readings are dates; None when
    neither is."""
    if match["iy"]:
        parts = [(int(match["iy"]), int(match["im"]), int(match["id"]))]
    else:
        year = int(match["y"]) + (2000 if len(match["y"]) == 2 else 0)
        a, b = int(match["a"]), int(match["b"])
        parts = [(year, b, a), (year, a, b)] if a != b else [(year, a, b)]
    dates = []
    for year, month, day in parts:
        try:
            dates.append(date(year, month, day))
        except ValueError:
            continue
    if len(dates) > 1:
        return "ambiguous"
    return dates[0] if dates else None


def slashed_date(match: re.Match[str], published: date) -> date | None:
    """The close date a numeric date gives ("by 30/06/2027" closes on 1 July); None for one
    that reads two ways or none, which ``horizons.open_horizon`` then flags."""
    when = slashed_reading(match)
    if not isinstance(when, date):
        return None  # ambiguous or impossible: open_horizon flags it for the manager
    # "by D" and "on D" let D itself count
    inclusive = " ".join(match["prep"].lower().split()) in INCLUSIVE | {"on"}
    return when + timedelta(days=1) if inclusive else when


# "by the end of next week", "this week": weeks run Monday to Sunday.
WEEK = re.compile(r"(?:(?:by|until|in|during|within)\s+|(?P<before>before\s+))?"
                  r"(?P<end>the\s+end\s+of\s+)?"
                  r"(?P<which>this|next|the\s+coming|the\s+following)\s+week\b", re.IGNORECASE)


def relative_week(match: re.Match[str], published: date) -> date:
    """The Monday after the briefing's week ("this week", "before next week") or after the
    next one ("next week", "by the end of next week")."""
    monday_after = published + timedelta(days=7 - published.weekday())
    this_week = match["which"].lower() == "this" or (match["before"] and not match["end"])
    return monday_after if this_week else monday_after + timedelta(days=7)


# "this decade", "by the end of the decade": to the start of the next one.
DECADE = re.compile(r"(?:(?:in|during|within|by\s+the\s+end\s+of|before\s+the\s+end\s+of)\s+)?"
                    r"(?:this|the\s+current|the)\s+decade\b", re.IGNORECASE)


def decade_end(match: re.Match[str], published: date) -> date:
    """The first day of the next decade ("this decade" in 2026 ends on 2030-01-01)."""
    return date(published.year // 10 * 10 + 10, 1, 1)


# "before the 2027/28 winter" (its start), "through the 2027/2028 winter" (its end).
WINTER_SPAN = re.compile(r"(?P<prep>before|by|until|through|during|in|over)\s+the\s+"
                         r"(?P<y1>20\d\d)\s*[/–-]\s*(?:20)?\d\d\s+winter\b", re.IGNORECASE)


def winter_span(match: re.Match[str], published: date) -> date:
    """A winter named by its two years: it starts in December and ends in March."""
    year = int(match["y1"])
    return date(year, 12, 1) if match["prep"].lower() == "before" else date(year + 1, 3, 1)
