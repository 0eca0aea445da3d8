"""Stated numbers: a number a sentence gives for a judgment, in whatever shape it is written.

- "likely ... we put the chance at about 60 %": the number wins over the word, and the
  stated-number clause leaves the sentence (and so the title) wherever it stands;
- "We put the chance of a ceasefire at 20 %": on its own, the number is the judgment;
- odds in any word order ("The odds are 4 to 1 against X", "We give odds of 4 to 1 that X");
- a label and its number ("Snap election in Sofia: 40 %", "Probability that X: 0.4").
"""

from __future__ import annotations

import re
from datetime import date

from forecasts.briefings import estimative
from forecasts.briefings.deadlines import horizon_of
from forecasts.briefings.judgments import ANCHOR, Reading
from forecasts.briefings.numbers import (
    ANY,
    ODDS_STATEMENT,
    STATED_ESTIMATE,
    STATED_PASSIVE,
    labelled_number,
    odds_judgment,
    probability_in,
)
from forecasts.briefings.wording import clause_question, gerund_question, positive_vp, trim


def stated_estimate(text: str) -> re.Match[str] | None:
    """A number the sentence states for a judgment ("we put the chance at about 60 %")."""
    return STATED_ESTIMATE.search(text) or ODDS_STATEMENT.match(text) or \
        STATED_PASSIVE.search(text)


def without_stated(text: str, stated: re.Match[str]) -> str:
    """The sentence without its stated-number clause when that clause names nothing of its own
    ("…, we put the chance at about 60 %"), so it never reaches a title; else unchanged."""
    if stated.re is ODDS_STATEMENT or stated["what"] or stated["after"]:
        return text
    before = re.sub(r"[\s,;:(—–-]*(?:\b(?:and|so|but|with)\s+)?$", "", text[: stated.start()])
    after = re.sub(r"^[\s)\]]*", "", text[stated.end():])
    if not before:
        return text
    return f"{before}, {after}" if after.strip(" .!") else f"{before}{after}"


def with_stated_number(stated: re.Match[str], readings: list[Reading],
                       published: date) -> list[Reading]:
    """A number the sentence states for its judgment wins over the word ("likely ... we put the
    chance at about 60 %"); on its own ("we put the chance of a ceasefire at 20 %") it is one."""
    found = probability_in(stated["number"])
    if found is None:
        return readings
    term = " ".join(stated["number"].split())
    pending = [r for r in readings if r.numbers is None]
    if pending:
        # The estimate follows the judgment it quantifies: the nearest one before it.
        reading = pending[-1]
        reading.numbers, reading.negated = found, False
        number_tail = rf"\s+(?:at|to\s+be|as)\s+[^,;]*?{re.escape(stated['number'])}.*$"
        if reading.vp is not None:
            reading.vp = re.sub(number_tail, "", reading.vp)
        reading.rest = re.sub(number_tail, "", reading.rest)
        reading.term = f"{reading.term} ({term})"
        return readings
    after = stated.groupdict().get("after")
    if readings or not (stated["what"] or after):
        return readings
    what: str = stated["what"] or after  # type: ignore[assignment]  # one is set (checked above)
    said_that = after is not None or \
        re.search(rf"\bthat\s+{re.escape(what)}", stated[0]) is not None
    return [_number_reading(what, said_that, term, found, published)]


def _number_reading(what: str, said_that: bool, term: str, found: tuple[float, float],
                    published: date) -> Reading:
    """The judgment a number states about ``what``: a gerund ("Hungary vetoing the package"),
    a noun phrase ("a snap poll") or, after "that", a clause whose negation counts."""
    what, horizon, unknown = horizon_of(what, published)
    negated = False
    vp: str | None
    if said_that and (parsed := clause_question(trim(what))) and parsed[1]:
        subject, (vp, negated) = parsed[0], positive_vp(parsed[1])
    else:
        subject, vp = gerund_question(trim(what))
    return Reading(subject=subject, vp=vp, rest="", term=term, rung=None, numbers=found,
                   negated=negated, horizon=horizon, open_horizon=unknown)


# Odds in words, for or against: "The odds are (heavily) against X", "the odds favour X".
_WORD_ODDS = re.compile(
    r"^(?:the\s+)?odds\s+(?:now\s+)?(?:(?:are|look|remain|seem|appear)\s+(?P<deg>(?:heavily|firmly|"
    r"strongly|very\s+much)\s+|stacked\s+|(?:heavily|firmly)\s+stacked\s+)?(?P<side>against|"
    r"in\s+favou?r\s+of)|(?P<deg2>strongly\s+|heavily\s+)?(?P<favour>favou?r))\s+"
    r"(?P<what>\S.+?)\s*[.!]?$",
    re.IGNORECASE)
# The words before "chance" in the hedges the yardsticks know: "little", "slim", "good" ...
_CHANCE_WORDS = "|".join(sorted(
    {re.escape(p.rsplit(" ", 1)[0]).replace(r"\ ", r"\s+")
     for p in estimative.PHRASES if p.endswith(" chance")} | {"fifty-fifty"},
    key=len, reverse=True))
# "We give the merger a one-in-five chance of clearing the regulator", "… little chance of …".
_GIVE_CHANCE = re.compile(
    r"^(?:we|i|analysts?)\s+(?:now\s+|still\s+)?(?:give|gives|rate|put)\s+(?P<who>\S.+?)\s+"
    r"(?:only\s+)?(?:an?\s+)?(?:(?P<number>" + ANY + r")|(?P<words>" + _CHANCE_WORDS + r"))\s+"
    r"(?:chance|probability|likelihood|prospect)\s+of\s+(?P<what>\S.+?)\s*[.!]?$", re.IGNORECASE)


def word_judgment(text: str, published: date) -> Reading | None:
    """A sentence that is one judgment stated as odds in words ("the odds are against X") or
    as a chance given to something ("we give the merger little chance of clearing")."""
    if odds := _WORD_ODDS.match(text.strip()):
        strong = bool(odds["deg"] or odds["deg2"])  # "heavily", "stacked", "strongly"
        side = "odds against" if (odds["side"] or "").lower() == "against" else "odds in favour"
        phrase = side.replace("odds ", "odds heavily ") if strong else side
        return _word_reading(odds["what"], phrase, published)
    given = _GIVE_CHANCE.match(text.strip())
    if given is None:
        return None
    what = f"{given['who']} {given['what']}"
    if given["number"] and (found := probability_in(given["number"])):
        return _number_reading(what, False, " ".join(given["number"].split()), found, published)
    words = " ".join((given["words"] or "").lower().split())
    phrase = next((p for p in (f"{words} chance", words) if words and p in estimative.PHRASES), "")
    return _word_reading(what, phrase, published) if phrase else None


def _word_reading(what: str, phrase: str, published: date) -> Reading:
    reading = _number_reading(what, False, phrase, (0.0, 0.0), published)
    reading.numbers, reading.rung = None, estimative.PHRASES[phrase]
    return reading


def number_judgment(text: str, published: date) -> Reading | None:
    """The one judgment of a sentence that is odds in any word order, or a label and its
    number; None for any other sentence."""
    if odds := odds_judgment(_UNFRAMED.sub("", text)):
        found = probability_in(odds["number"])
        if found is None:
            return None
        said_that = odds["after"] is not None and odds["after"] != ""
        what = odds["after"] if said_that else odds["what"]
        return _number_reading(what, said_that, " ".join(odds["number"].split()), found,
                               published)
    labelled = labelled_number(text)
    if labelled is None:
        return None
    what, is_clause, found, number = labelled
    # "Russia is likely to hold Kherson (70 %)" is a judgment with its number, not a label
    if ANCHOR.search(what) or (not is_clause and _FINITE.search(what)):
        return None
    return _number_reading(what, is_clause, number, found, published)


# "We reckon the odds are 4 to 1 against X": the framing is the authors' own, read past.
_UNFRAMED = re.compile(r"^(?:we|i)\s+(?:now\s+|still\s+)?(?:reckon|think|believe|judge|assess|"
                       r"estimate|consider|calculate)\s+(?:that\s+)?(?=(?:the\s+)?odds\b)",
                       re.IGNORECASE)
_FINITE = re.compile(r"\b(?:is|are|was|were|will|would|has|have|had|won['’]t|can|could|may|might|"
                     r"should|must)\b", re.IGNORECASE)
