"""Numbers analysts give for a likelihood: percentages, ranges, "1 in 5", odds, stated estimates.

``probability_in(text)`` reads any of them as ``(low, high)`` in [0, 1]:

- "60 %", "60 percent", "20-30 %", "20 to 30 per cent", "between 20 and 30 %";
- "1 in 5", "one in five", "one-in-five", "one chance in five";
- odds "3 to 1" (for: 3/4), "3 to 1 against" or "odds of 3 to 1 against" (1/4), "3-to-1 odds".

``STATED_ESTIMATE`` finds a sentence's own number for a judgment: "we put the chance at about
60 %", "we estimate the probability of a ceasefire at 20-30 %", "we assess the odds at 3 to 1".
A number stated for the same judgment wins over its word.
"""

from __future__ import annotations

import re

_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
          "eight": 8, "nine": 9, "ten": 10, "twenty": 20, "hundred": 100, "a": 1}
_COUNT = r"(?:\d{1,3}(?:,\d{3})*|one|two|three|four|five|six|seven|eight|nine|ten|twenty|hundred)"
_PCT_UNIT = r"(?:%|percent|per\s*cent)"
_ONE_NUMBER = r"\d{1,3}(?:\.\d+)?"
# The probability phrases, for regexes elsewhere; each group-free so it can be embedded.
PERCENT = (rf"(?:between\s+)?{_ONE_NUMBER}\s*{_PCT_UNIT}?\s*(?:-|–|—|to|and)\s*{_ONE_NUMBER}\s*"
           rf"{_PCT_UNIT}|{_ONE_NUMBER}\s*{_PCT_UNIT}")
IN_N = rf"(?:an?\s+)?{_COUNT}(?:-|\s+)(?:chance\s+)?in(?:-|\s+)(?:a\s+)?{_COUNT}"
ODDS = rf"{_COUNT}(?:-|\s+)to(?:-|\s+){_COUNT}(?:\s+odds)?(?:\s+(?:against|on|in\s+favou?r))?"
ANY = rf"(?:{PERCENT}|{IN_N}|{ODDS})"
_APPROX = r"(?:(?:about|around|roughly|approximately|some|near|nearly|close\s+to|perhaps|only|" \
          r"just|at\s+least|at\s+most|no\s+more\s+than|less\s+than|under|over|above|below)\s+)?"
STATED_ESTIMATE = re.compile(
    r"\b(?:we|i|analysts?|they|the\s+\w+\s+(?:team|desk))\s+(?:now\s+|still\s+)?"
    r"(?:put|puts|place|places|estimate|estimates|assess|assesses|judge|judges|set|sets|rate|"
    r"rates|peg|pegs|see|sees|give|gives)\s+"
    r"(?:(?:it|this|that)\s+at\s+|(?:the\s+|a\s+|its\s+)?(?:chances?|probability|likelihood|odds|"
    r"risk)(?:\s+(?:of|that)\s+(?P<what>[^,;]+?))?\s+(?:at|to\s+be|as)\s+)"
    + _APPROX + rf"(?P<number>{ANY})(?:\s+that\s+(?P<after>[^;]+))?",
    re.IGNORECASE,
)
# "The odds of a ceasefire before June are 3 to 1 against."
ODDS_STATEMENT = re.compile(
    r"^(?:the\s+)?(?:odds|chances?|probability|likelihood)\s+(?:of|that)\s+(?P<what>.+?)\s+"
    r"(?:are|is|stand\s+at|are\s+put\s+at|sit\s+at)\s+" + _APPROX + rf"(?P<number>{ANY})",
    re.IGNORECASE,
)


def _count(text: str) -> float:
    word = text.lower().replace(",", "")
    return float(word) if word.isdigit() else float(_WORDS[word])


def probability_in(text: str) -> tuple[float, float] | None:
    """(low, high) for the first number phrase in ``text``; None when it has none or it is not
    a probability (over 100 %, "5 in 3", "0 to 0")."""
    lowered = " ".join(text.lower().split())
    if match := re.search(rf"({_COUNT})(?:-|\s+)(?:chance\s+)?in(?:-|\s+)(?:a\s+)?({_COUNT})",
                          lowered):
        hits, out_of = _count(match[1]), _count(match[2])
        return (hits / out_of,) * 2 if 0 < hits <= out_of else None
    odds = re.search(rf"({_COUNT})(?:-|\s+)to(?:-|\s+)({_COUNT})(?:\s+odds)?"
                     r"(?P<side>\s+(?:against|on|in\s+favou?r))?", lowered)
    # "20 to 30 %" is a range of percentages, not odds.
    if (match := odds) and not re.match(rf"\s*{_PCT_UNIT}", lowered[match.end():]):
        first, second = _count(match[1]), _count(match[2])
        if first + second == 0:
            return None
        against = (match["side"] or "").strip() == "against"
        p = second / (first + second) if against else first / (first + second)
        return (p, p)
    if not re.search(_PCT_UNIT, lowered):
        return None
    numbers = [float(n) for n in re.findall(_ONE_NUMBER, lowered)]
    if not numbers or len(numbers) > 2 or max(numbers) > 100:
        return None
    return min(numbers) / 100, max(numbers) / 100
