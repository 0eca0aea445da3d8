"""Horizons: "before March", "within six months", "by 1 June 2027" as dates after publication."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from dateutil import parser as date_parser
from dateutil.relativedelta import relativedelta

from forecasts.briefings.dates import (
    DATE_PREP,
    DECADE,
    INCLUSIVE,
    SLASHED,
    WEEK,
    WINTER_SPAN,
    decade_end,
    holiday,
    next_after,
    relative_quarter,
    relative_week,
    slashed_date,
    slashed_reading,
    winter_span,
)

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
    span: dict[str, Any] = {f"{unit}s": count}  # relativedelta's keywords are typed one by one
    return relativedelta(**span)


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
    whole_month = edge == "end" or (prep in ("by", "through") and not edge) or prep in ("in",
                                                                                      "during")
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


_SEASON_STARTS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}
_QUARTERS = {"first": 1, "1st": 1, "q1": 1, "second": 2, "2nd": 2, "q2": 2, "third": 3, "3rd": 3,
             "q3": 3, "fourth": 4, "4th": 4, "q4": 4}
_PART_ENDS = {"early": 5, "mid": 7}  # by the end of April, of June; "late" runs to the year's end


def _year_of(match: re.Match[str], published: date) -> int | None:
    groups = match.re.groupindex
    if "y" in groups and match["y"]:
        return int(match["y"])
    if "rel" in groups and match["rel"]:
        return published.year + (match["rel"].lower() == "next")
    return None


def _part_of_year(match: re.Match[str], published: date) -> date:
    year = _year_of(match, published) or published.year
    part = match["part"].lower()
    return date(year + 1, 1, 1) if part == "late" else date(year, _PART_ENDS[part], 1)


def _quarter(match: re.Match[str], published: date) -> date:
    end_month = _QUARTERS[match["q"].lower()] * 3 + 1  # the month after the quarter: 4, 7, 10, 13

    def end_of(year: int) -> date:
        return date(year, end_month, 1) if end_month <= 12 else date(year + 1, 1, 1)

    year = _year_of(match, published)
    if year is not None:
        return end_of(year)
    return end_of(published.year) if end_of(published.year) > published \
        else end_of(published.year + 1)


def _season_edge(match: re.Match[str], published: date) -> date:
    season = match["season"].lower()
    prep, edge = match["prep"].lower(), (match["edge"] or "").lower()
    whole = edge == "end" or (prep in ("in", "during", "through") and not edge)
    month = _SEASON_ENDS[season] if whole else _SEASON_STARTS[season]
    if match["y"]:
        # Winter 2027 runs from December 2027, so it ends in March 2028.
        return date(int(match["y"]) + (whole and season == "winter"), month, 1)
    return next_after(published, month)


# An explicit calendar date: "1 June 2027", "the 1st of June", "June 1, 2027", "2027-06-01".
_DAY = r"(?:the\s+)?\d{1,2}(?:st|nd|rd|th)?"
_MONTH_NAME = (r"(?:" + "|".join(m.capitalize() for m in _MONTHS)
               + r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)")
_WEEKDAY = r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?"
_CALENDAR_DATE = (
    r"(?P<date>" + _WEEKDAY + r"(?:\d{4}-\d{2}-\d{2}"
    r"|" + _DAY + r"\s+(?:of\s+)?" + _MONTH_NAME + r"(?:,?\s+(?P<y1>\d{4}))?"
    r"|" + _MONTH_NAME + r"\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+(?P<y2>\d{4}))?)"
    r")\b"
)
def _parsed_date(text: str, year: int) -> date | None:
    """``text`` read by dateutil ("the" is a word it does not skip), ``year`` where it has none."""
    try:
        return date_parser.parse(re.sub(r"\bthe\s+", "", text, flags=re.I),
                                 default=datetime(year, 1, 1)).date()
    except (ValueError, OverflowError):
        return None


def _calendar_date(match: re.Match[str], published: date) -> date | None:
    """The close date an explicit calendar date gives; None for one no calendar has
    ("31 June"). A date without its year is the next one after ``published``."""
    has_year = bool(match["y1"] or match["y2"]) or re.search(r"\d{4}-", match["date"])
    years = [published.year] if has_year else range(published.year, published.year + 9)
    for year in years:
        if (when := _parsed_date(match["date"], year)) is None:
            continue  # "29 February" in a common year: try the next year
        if has_year or when > published:
            inclusive = " ".join(match["prep"].lower().split()) in INCLUSIVE
            return when + timedelta(days=1) if inclusive else when
    return None


_DATED = re.compile(DATE_PREP + r"\s+" + _CALENDAR_DATE, re.I)



# "the spring session", "the summer recess": a season naming an event is that event's deadline.
_NOT_AN_EVENT = r"(?!\s+(?:session|sitting|term|recess|offensive|campaign|meeting|summit|plenary|" \
    r"elections?|council|congress|review|budget|holidays?|break|exams?|games|olympics)\b)"
_HORIZONS: list[tuple[re.Pattern[str], Callable[[re.Match[str], date], date | None]]] = [
    (_DATED, _calendar_date),
    (re.compile(_NEXT + _NUMBER + r"\s+" + _UNIT, re.I), _counted),
    (re.compile(r"within\s+(?:the\s+next\s+)?" + _NUMBER + r"\s+" + _UNIT, re.I), _counted),
    (re.compile(r"(?:" + _NEXT + r"(?P<few>(?:few|several|couple\s+of)\s+)?|within\s+)"
                r"(?P<unit>day|week|month|year)(?P<plural>s)?", re.I), _vague),
    (re.compile(r"(?:before|by|until)\s+(?:the\s+)?(?:end\s+of\s+(?:the|this)\s+year|year[-\s]end)"
                r"|this\s+year", re.I), _year_end),
    (re.compile(r"(?:before|by)\s+the\s+end\s+of\s+(?P<y>\d{4})", re.I), _year_end),
    # "for the rest of the year", "through the remainder of 2027": to the year's end
    (re.compile(r"(?:for|through|during|over|in)\s+(?:the\s+)?(?:rest|remainder)\s+of\s+"
                r"(?:the\s+|this\s+)?year", re.I), _year_end),
    (re.compile(r"(?:for|through|during|over|in)\s+(?:the\s+)?(?:rest|remainder)\s+of\s+"
                r"(?P<y>\d{4})", re.I), _year_end),
    # "before next year" ends this year; "before the end of next year", like "by", ends next year
    (re.compile(r"(?:(?:by|until|before)\s+the\s+end\s+of\s+|(?P<before>before\s+)|"
                r"(?:by|until)\s+)?next\s+year", re.I), _next_year),
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
    (WEEK, relative_week),
    (re.compile(r"(?:this|the\s+coming|over\s+the|during\s+the|through\s+the)\s+"
                r"(?P<season>winter|spring|summer|autumn|fall)\b" + _NOT_AN_EVENT, re.I), _season),
    (re.compile(r"(?P<prep>before|by|until|in|during|through)\s+(?:the\s+)?(?:(?P<edge>end|start|"
                r"beginning)\s+of\s+(?:the\s+)?)?(?P<season>winter|spring|summer|autumn|fall)"
                r"(?:\s+(?:of\s+)?(?P<y>20\d\d))?\b" + _NOT_AN_EVENT, re.I), _season_edge),
    (DECADE, decade_end),
    (WINTER_SPAN, winter_span),
    (re.compile(r"(?:in|during|by|before|until|through)\s+(?:the\s+)?(?P<part>early|late|mid)[-\s]?"
                r"(?:(?P<y>20\d\d)|(?P<rel>next|this)\s+year)\b", re.I), _part_of_year),
    (re.compile(r"(?:in|during|by|before|until|through)\s+(?:the\s+)?(?:end\s+of\s+(?:the\s+)?)?"
                r"(?:(?P<q>first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter|(?P<q2>Q[1-4]))"
                r"(?:\s+(?:of\s+)?(?:(?P<y>20\d\d)|(?P<rel>next|this)\s+year))?\b", re.I),
     lambda m, p: _quarter(_QuarterMatch(m), p)),  # type: ignore[arg-type]  # read by group name
    # "by the end of next quarter", "this quarter", "in the coming quarter": calendar quarters
    # counted from the briefing's own.
    (re.compile(r"(?:(?:by|before|until|in|during|through|within)\s+)?(?:the\s+)?(?:end\s+of\s+)?"
                r"(?:the\s+)?(?P<which>this|next|current|coming|following)\s+quarter\b", re.I),
     relative_quarter),
    (SLASHED, slashed_date),
    (re.compile(r"(?P<prep>before|by|until|till|through|ahead\s+of)\s+(?P<day>Christmas\s+Eve|"
                r"Christmas(?:\s+Day)?|New\s+Year['’]s\s+Eve|New\s+Year(?:['’]s(?:\s+Day)?)?|"
                r"Easter(?:\s+Sunday)?)\b",
                re.I), holiday),
    (re.compile(r"(?i:(?P<prep>in|during)\s+(?:(?P<edge>early|late|mid)[-\s]?)?)" + _MONTH
                + r"(?:\s+(?P<y>\d{4}))?\b"), _month),
]
# An event or period the text names as a deadline but gives no date for.
_EVENT = (r"(?:elections?|summit|vote|referendum|congress|conference|meeting|council|assembly|"
          r"forum|ministerial|"
          r"talks|negotiations|deadline|session|plenary|inauguration|handover|harvest|games|olympics|"
          r"world\s+cup|anniversary|review|budget|hearing|trial|verdict|visit|recess|holidays?|"
          r"season|quarter|rains|monsoon|strike|truce|ceasefire|offensive|campaign|audit|"
          r"end\s+of\s+(?:the\s+)?(?:term|mandate|session|conflict|war|decade))")
# "before the next G20 summit", "until the budget vote": the whole event, compound nouns too.
OPEN_HORIZON = re.compile(
    r"(?:\b(?:before|by|until|ahead\s+of|prior\s+to|in\s+time\s+for|no\s+later\s+than|"
    r"in\s+the\s+run-up\s+to)\s+(?:the\s+|a\s+|its\s+|their\s+|his\s+|her\s+)?"
    # "at the February meeting", "at its next summit": "at" only before a determiner
    r"|\bat\s+(?:the|its|their|this|next)\s+)"
    rf"(?:[\w'’.-]+\s+){{0,4}}?{_EVENT}(?:\s+{_EVENT})*\b"
    r"(?:\s+(?:in|of)\s+[A-Z][\w-]+)?",
    re.IGNORECASE,
)


class _QuarterMatch:
    """A quarter match read the same way whether it was written "first quarter" or "Q1"."""

    def __init__(self, match: re.Match[str]) -> None:
        self.re = match.re
        self._match = match

    def __getitem__(self, name: str) -> str | None:
        if name == "q":
            return self._match["q"] or self._match["q2"]
        return self._match[name]


def find_horizons(text: str, published: date) -> list[tuple[date, str]]:
    """Every horizon phrase in ``text`` (not overlapping, in order) with the date it names.

    A phrase naming a date on or before ``published`` is ignored.
    """
    found: list[tuple[int, int, date, str]] = []
    for pattern, resolve in _HORIZONS:
        for match in pattern.finditer(text):
            if not _word_bounded(text, match):
                continue
            when = resolve(match, published)
            if when is not None and when > published:
                found.append((match.start(), match.end(), when, match[0]))
    kept: list[tuple[int, int, date, str]] = []
    for start, end, when, phrase in sorted(found, key=lambda f: (f[0], -(f[1] - f[0]))):
        if not kept or start >= kept[-1][1]:
            kept.append((start, end, when, phrase))
    return [(when, phrase) for _, _, when, phrase in kept]


# "before the spring session ends", "by then": a deadline that is a clause or points back.
_CLAUSE_DEADLINE = re.compile(
    r"\b(?:before|until|till|by\s+the\s+time)\s+(?:the\s+|a\s+|its\s+|their\s+)?[\w'’-]+"
    r"(?:\s+[\w'’-]+){0,4}?\s+(?:ends|is\s+over|concludes|closes|starts|begins|opens|expires|"
    r"runs\s+out)\b|\b(?:by|before|until)\s+(?:then|that\s+(?:time|point|date))\b", re.IGNORECASE)


def open_horizon(text: str) -> str | None:
    """A deadline the text names without a date ("before the next G20 summit", "before the
    session ends", "by then") or with one no calendar has ("by 31 June 2027"), if any."""
    match = _CLAUSE_DEADLINE.search(text) or OPEN_HORIZON.search(text)
    if match:
        return match[0]
    for dated in _DATED.finditer(text):
        # 2000 is a leap year, so only a date no year has fails.
        if _word_bounded(text, dated) and _parsed_date(dated["date"], 2000) is None:
            return dated[0]
    for slashed in SLASHED.finditer(text):  # "by 05/06/2027" reads two ways; "by 31/31/2027" none
        if _word_bounded(text, slashed) and not isinstance(slashed_reading(slashed), date):
            return slashed[0]
    return None


def month_event_end(phrase: str, published: date) -> date | None:
    """The end (the next month's first day) of the month a deadline names for an event ("at
    the February meeting", "before the October elections"): the event may fall on any day of
    it. The next such month after ``published``; None when the phrase names no month."""
    match = re.search(_MONTH + r"(?:\s+(?P<y>20\d\d))?", phrase, re.IGNORECASE)
    if match is None or _DATED.search(phrase):  # "by 31 June": the day is wrong, so is the month
        return None
    month = _MONTHS.index(match["month"].lower()) + 1
    if match["y"]:
        return date(int(match["y"]), month, 1) + relativedelta(months=1)
    end = date(published.year, month, 1) + relativedelta(months=1)
    return end if end > published else end + relativedelta(years=1)


def find_horizon(text: str, published: date) -> tuple[date, str] | None:
    """The first horizon phrase in ``text`` and the date it names; None if there is none.

    A phrase naming a date on or before ``published`` is ignored.
    """
    found = find_horizons(text, published)
    return found[0] if found else None


def _word_bounded(text: str, match: re.Match[str]) -> bool:
    before = text[match.start() - 1] if match.start() else " "
    after = text[match.end()] if match.end() < len(text) else " "
    # "by 2027/13/40" is one (broken) date, not the year 2027 followed by noise
    runs_on = re.match(r"[/.-]\d", text[match.end(): match.end() + 2]) is not None
    return not before.isalnum() and not after.isalnum() and not runs_on

