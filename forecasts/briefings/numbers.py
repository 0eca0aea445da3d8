"""Numbers analysts give for a likelihood: percentages, ranges, "1 in 5", odds, stated estimates.

``probability_in(text)`` reads any of them as ``(low, high)`` in [0, 1]:

- "60 %", "60 percent", "20-30 %", "20 to 30 per cent", "between 20 and 30 %";
- "1 in 5", "one in five", "one-in-five", "one chance in five";
- odds "3 to 1" (for: 3/4), "3 to 1 against" or "odds of 3 to 1 against" (1/4), "3-to-1 odds",
  "3-to-1 on" and "3 to 1 in favour" (3/4);
- a decimal probability ("0.4") only where a label states it ("Probability that X: 0.4").

``ODDS_JUDGMENT`` reads a sentence that is one judgment in odds, in any word order: "The odds
are 4 to 1 against X", "We give odds of 4 to 1 that X", "X is 3-to-1 on". Odds in words
("odds-on", "evens", "even odds") are hedges, on the ladder in ``estimative``.

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
_SIDE = r"(?:against|on|in\s+favou?r)"
_ODDS_CORE = rf"{_COUNT}(?:-|\s+)to(?:-|\s+){_COUNT}(?:\s+odds)?(?:\s+{_SIDE})?"
# "X: 40%", "Probability that X: 0.4": a label's number, where a bare decimal is a probability.
DECIMAL = r"0?\.\d{1,4}"
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
# "…, with the chance put at 60 %", "(probability estimated at 20-30 %)": stated in passing.
STATED_PASSIVE = re.compile(
    r"(?:\bwith\s+)?(?:the\s+|a\s+|its\s+)?\b(?:chances?|probability|likelihood|odds)\s+"
    r"(?:(?:now\s+)?(?:put|estimated|assessed|set|seen|pegged|placed|judged)\s+)?(?:at|of)\s+"
    + _APPROX + rf"(?P<number>{ANY})(?P<what>)(?P<after>)(?=\s*[).;!]?\s*$)",
    re.IGNORECASE,
)
# "The odds of a ceasefire before June are 3 to 1 against."
ODDS_STATEMENT = re.compile(
    r"^(?:the\s+)?(?:odds|chances?|probability|likelihood)\s+(?:of|that)\s+(?P<what>.+?)\s+"
    r"(?:are|is|stand\s+at|are\s+put\s+at|sit\s+at)\s+" + _APPROX + rf"(?P<number>{ANY})",
    re.IGNORECASE,
)

_WHAT = r"(?:that\s+(?P<after>\S.+?)|(?:of\s+|on\s+|for\s+)?(?P<what>\S.+?))\s*[.!]?$"
ODDS_JUDGMENT = (
    # "The odds are 4 to 1 against X", "The odds now stand at 3-to-1 on that X"
    re.compile(r"^(?:the\s+)?odds\s+(?:now\s+|still\s+)?(?:are|stand\s+at|sit\s+at|look\s+like)\s+"
               + _APPROX + rf"(?P<number>{_ODDS_CORE})\s+" + _WHAT, re.IGNORECASE),
    # "We give odds of 4 to 1 against X", "Analysts quote 2-to-1 odds that X"
    re.compile(r"^(?:we|i|analysts?|markets?|bookmakers|the\s+\w+\s+(?:team|desk))\s+"
               r"(?:now\s+|still\s+|would\s+)?(?:give|gives|offer|offers|quote|quotes|lay|lays|"
               r"set|sets|make|makes|put|puts)\s+(?:it\s+)?(?:the\s+)?(?:odds\s+(?:of|at)\s+)?"
               + _APPROX + rf"(?P<number>{_ODDS_CORE})\s+" + _WHAT, re.IGNORECASE),
    # "We rate a devaluation as a 3-to-1 shot", "we see X as 2 to 1 against"
    re.compile(r"^(?:we|i|analysts?|markets?)\s+(?:now\s+|still\s+)?(?:rate|see|regard|consider|"
               r"view|count)\s+(?P<what>\S.+?)\s+as\s+(?:an?\s+)?" + _APPROX
               + rf"(?P<number>{_COUNT}(?:-|\s+)to(?:-|\s+){_COUNT}(?:\s+{_SIDE}|\s+shot))"
               r"(?P<after>)\s*[.!]?$", re.IGNORECASE),
    # "A snap poll is 3-to-1 against", "X looks 2 to 1 on", "X is a 3-to-1 shot"
    re.compile(r"^(?!(?:the\s+)?(?:odds|chances?|probability|likelihood)\b)"
               r"(?P<what>\S.+?)\s+(?:is|are|looks?|remains?|stands?\s+at)\s+(?:an?\s+)?"
               + _APPROX + rf"(?P<number>{_COUNT}(?:-|\s+)to(?:-|\s+){_COUNT}\s+(?:{_SIDE}|shot))"
               r"(?P<after>)\s*[.!]?$", re.IGNORECASE),
)


def odds_judgment(sentence: str) -> re.Match[str] | None:
    """The match when the whole sentence is one judgment stated in odds, with groups ``number``
    (the odds and their side), and ``what`` (a noun or gerund phrase) or ``after`` (a clause)."""
    for pattern in ODDS_JUDGMENT:
        if (match := pattern.match(sentence.strip())) and probability_in(match["number"]):
            return match
    return None


# "Snap election in Sofia: 40%", "Probability that the bank cuts rates before March: 0.4".
_LABEL_KIND = (r"(?:(?:the\s+)?(?P<kind>probability|chances?|likelihood|odds|risk)\s+"
               r"(?P<link>that|of)\s+)?")
LABELLED_NUMBER = re.compile(
    # "X: 40%", "X — 40 per cent", "X (40%)"
    rf"^{_LABEL_KIND}(?P<what>[^:;()]{{3,200}}?)\s*(?:(?::|\s[–—]|\s-)\s*(?P<number>{ANY}|{DECIMAL})"
    rf"|\(\s*(?P<pnumber>{ANY}|{DECIMAL})\s*\))\s*[.!]?$"
    # "40%: X"
    rf"|^(?P<fnumber>{ANY})\s*(?::|\s[–—]|\s-)\s*"
    + _LABEL_KIND.replace("kind", "fkind").replace("link", "flink") +
    r"(?P<fwhat>[^:;]{3,200}?)\s*[.!]?$",
    re.IGNORECASE)
# Labels that measure a quantity: "Inflation: 4%", "Turnout: 55%" are statistics, not forecasts.
_MEASURES = re.compile(
    r"\b(?:inflation|growth|gdp|turnout|unemployment|rate|rates|yield|yields|share|deficit|"
    r"surplus|debt|margin|approval\s+ratings?|support|poll|polling|price|prices|tariff|tax|interest|"
    r"increase|decrease|change|ratio|output|percent|percentage|majority|vote\s+share|capacity|"
    r"utili[sz]ation|coverage|completion|progress|exports?|imports?|production|sales|revenues?|"
    r"spending|reserves|storage|levels?|volumes?|fill|population|wages?|costs?|emissions|"
    r"consumption|demand|supply|stocks?|savings|profits?|turnover|inflows?|outflows?|"
    r"arrivals|employment|literacy|stake|index|fell|rose|grew|was|were)\b"
    # a label dated in a past or current year ("Share of renewables in 2025") reports a figure
    r"|\b(?:in|of|for|since)\s+(?:19|20)\d\d\b", re.IGNORECASE)


def labelled_number(sentence: str) -> tuple[str, bool, tuple[float, float], str] | None:
    """(what, is a clause, (low, high), the number as written) for a label and its probability
    ("X: 40%"); None for a statistic ("Inflation: 4%") or anything else."""
    match = LABELLED_NUMBER.match(sentence.strip())
    if match is None:
        return None
    number = match["number"] or match["pnumber"] or match["fnumber"]
    what, kind = match["what"] or match["fwhat"], match["kind"] or match["fkind"]
    link = match["link"] or match["flink"]
    if re.fullmatch(DECIMAL, number.strip()):
        found: tuple[float, float] | None = (float(number),) * 2 if 0 < float(number) < 1 else None
        if kind is None:  # a bare decimal is a probability only under that name
            return None
    else:
        found = probability_in(number)
    if found is None or (kind is None and _MEASURES.search(what)):
        return None
    return what.strip(), (link or "").lower() == "that", found, " ".join(number.split())


def words_only(term: str | None) -> str | None:
    """The words of a term without its numbers: "probably (60 %)" gives "probably", "60 %" and
    "1 in 5 chance" give None. A term record is for words; the number stays on the forecast."""
    if term is None:
        return None
    words = re.sub(r"\([^()]*\d[^()]*\)", " ", term)
    words = re.sub(ANY + "|" + DECIMAL, " ", words, flags=re.IGNORECASE)
    words = " ".join(words.split()).strip(" ,;:-–—")
    bare = re.sub(r"\b(?:chance|probability|likelihood|risk|odds|shot|an?|of|at|about|not)\b",
                  "", words, flags=re.IGNORECASE)
    return words if bare.strip(" ,;:-–—…") else None


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
        # "a 3-to-1 shot" is a long shot's odds: against, as bookmakers quote them
        shot = re.match(r"\s*(?:odds\s+)?shot\b", lowered[match.end():]) is not None
        against = (match["side"] or "").strip() == "against" or shot
        # "N to M on" and "in favour" are the same as plain "N to M": N for, M against.
        p = second / (first + second) if against else first / (first + second)
        return (p, p)
    if not re.search(_PCT_UNIT, lowered):
        return None
    numbers = [float(n) for n in re.findall(_ONE_NUMBER, lowered)]
    if not numbers or len(numbers) > 2 or max(numbers) > 100:
        return None
    return min(numbers) / 100, max(numbers) / 100
