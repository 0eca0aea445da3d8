"""Horizons: "before March", "in the next six months", "by 2027" ... as dates after publication."""

from __future__ import annotations

import re
from datetime import date

from dateutil.relativedelta import relativedelta

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
    return relativedelta(**{f"{unit}s": count})


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
    whole_month = edge == "end" or (prep in ("by", "through") and not edge)
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


_HORIZONS = [
    (re.compile(_NEXT + _NUMBER + r"\s+" + _UNIT, re.I), _counted),
    (re.compile(r"within\s+(?:the\s+next\s+)?" + _NUMBER + r"\s+" + _UNIT, re.I), _counted),
    (re.compile(r"(?:" + _NEXT + r"(?P<few>(?:few|several|couple\s+of)\s+)?|within\s+)"
                r"(?P<unit>day|week|month|year)(?P<plural>s)?", re.I), _vague),
    (re.compile(r"(?:before|by|until)\s+(?:the\s+)?(?:end\s+of\s+(?:the|this)\s+year|year[-\s]end)"
                r"|this\s+year", re.I), _year_end),
    (re.compile(r"(?:before|by)\s+the\s+end\s+of\s+(?P<y>\d{4})", re.I), _year_end),
    (re.compile(r"(?P<before>before\s+)?(?:(?:by|until)\s+(?:the\s+end\s+of\s+)?)?next\s+year",
                re.I), _next_year),
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
    (re.compile(r"(?:this|the\s+coming|over\s+the|during\s+the|through\s+the)\s+"
                r"(?P<season>winter|spring|summer|autumn|fall)\b", re.I), _season),
]


def find_horizon(text: str, published: date) -> tuple[date, str] | None:
    """The first horizon phrase in ``text`` and the date it names; None if there is none.

    A phrase naming a date on or before ``published`` is ignored.
    """
    found: list[tuple[int, int, date, str]] = []
    for pattern, resolve in _HORIZONS:
        for match in pattern.finditer(text):
            if not _word_bounded(text, match):
                continue
            when = resolve(match, published)
            if when > published:
                found.append((match.start(), -len(match[0]), when, match[0]))
                break
    if not found:
        return None
    _, _, when, phrase = min(found)
    return when, phrase


def _word_bounded(text: str, match: re.Match[str]) -> bool:
    before = text[match.start() - 1] if match.start() else " "
    after = text[match.end()] if match.end() < len(text) else " "
    return not before.isalnum() and not after.isalnum()

