"""Sentence shapes rewritten into the forms the judgment grammar reads, before it reads them.

- a rubric before the judgment ("Odds: …", "Bottom line: …"), dropped;
- contractions: "there's", "it's", "we'd" ("we'd give odds", "we'd be surprised");
- "X has a small chance of Ying" as "X is a small chance of Ying";
- "A 1-in-4 chance exists that X" as "There is a 1-in-4 chance that X";
- "X is at even odds" as "X is even odds";
- an inverted "only if" ("Only if C is X likely") in plain order ("If C, X is likely");
- asides that state no likelihood ("will, in our view, probably"), read past.
"""

from __future__ import annotations

import re

from forecasts.briefings.judgments import JUDGEMENT_TERMS
from forecasts.briefings.wording import trim

# "There's a small chance", "it's likely": read as their full forms.
_CONTRACTED_IS = re.compile(r"\b(there|it|that|this|what)['’]s\b", re.IGNORECASE)
_CONTRACTED_WOULD = re.compile(r"\b(we|i|they|analysts)['’]d\b", re.IGNORECASE)
# Asides that state no likelihood, read past: "will, in our view, probably", "is, on balance,
# likely", "we assess, with low confidence, that", "(moderate confidence)". The confidence is
# read from the sentence as written.
_ASIDE = re.compile(
    r",\s*(?:in\s+our\s+(?:view|judge?ment|assessment|estimation|opinion)|on\s+balance|"
    r"for\s+now|for\s+the\s+time\s+being|however|therefore|moreover|nevertheless|"
    r"with\s+(?:low|moderate|medium|high)\s+confidence)\s*,\s*|"
    r"\s*\((?:with\s+)?(?:low|moderate|medium|high)\s+confidence\)|"
    r"\s*\((?:analytic\s+)?confidence\s*[:=–—-]\s*(?:low|moderate|medium|high)\)|"
    # "…, and we have low confidence in this": said of the judgment, not a part of it
    r",?\s+and\s+(?:we|i)\s+(?:have|hold|place)\s+(?:only\s+)?(?:low|moderate|medium|high)\s+"
    r"confidence\s+in\s+(?:this|that|it|these)(?:\s+(?:judge?ment|assessment|view|estimate))?"
    r"(?=\s*[.;!]?\s*$)", re.IGNORECASE)
# "X has a small chance of Ying" reads as "X is a small chance of Ying", which the grammar knows
# (a number's form, "has a 30 % chance of", is read directly).
_HAS_CHANCE = re.compile(r"\b(?:has|have|stands?)\s+(?=(?:only\s+)?an?\s+(?:[\w-]+\s+){0,2}"
                         r"(?:chance|possibility|prospect|likelihood|probability)\s+of\b)",
                         re.IGNORECASE)
# "A 1-in-4 chance exists that X", "a real possibility remains that X": "There is ... that X".
_EXISTS = re.compile(r"^(?:an?|some)\s+(?=[^,;]{0,60}?\b(?:chance|possibility|probability|"
                     r"likelihood|risk|prospect)\s+(?:exists|remains)\s+(?:that|of)\b)",
                     re.IGNORECASE)
_EXISTS_VERB = re.compile(r"\b(chance|possibility|probability|likelihood|risk|prospect)\s+"
                          r"(?:exists|remains)\s+(?=that\b|of\b)", re.IGNORECASE)
# "A deal is at even odds", "the vote stands at evens": the odds word is the judgment.
_AT_EVENS = re.compile(r"\b(is|are|remains?|looks?|stands?|seems?)\s+at\s+(?=(?:even\s+odds|evens|"
                       r"even\s+money)\b)", re.IGNORECASE)
# A rubric before the judgment ("Odds: we give it 2 to 1 against …", "Bottom line: X will …").
_RUBRIC = re.compile(r"^(?:odds|probability|likelihood|assessment|outlook|forecast|our\s+view|"
                     r"our\s+call|bottom\s+line|key\s+judge?ments?|judge?ment|view|verdict)\s*:\s+"
                     r"(?=\S)", re.IGNORECASE)
# "Risk of a coup in Bamako — high": a level stated as a label, read as "The risk of … is high".
_LEVEL_LABEL = re.compile(
    r"^(?:the\s+)?(?P<kind>risk|likelihood|probability|chances?|odds|prospects?)\s+(?P<link>of|that)\s+"
    r"(?P<body>[^:;]+?)\s*(?::|\s[–—-])\s*(?P<level>(?:very\s+|extremely\s+)?(?:low|slim|small|"
    r"slight|remote|high|good|strong))\s*[.!]?$", re.IGNORECASE)
# "likely, at about 70 %, that", "a small chance, perhaps 10 %, that": the number in brackets,
# where the grammar reads a number stated beside its word.
_NUMBER_ASIDE = re.compile(
    r"(?P<word>\b(?:" + JUDGEMENT_TERMS + r")(?:\s+(?:chance|possibility|probability))?)\s*,\s*"
    r"(?:at\s+)?(?:about\s+|around\s+|roughly\s+|perhaps\s+|some\s+|say\s+)?"
    r"(?P<number>\d{1,3}(?:\.\d+)?\s*(?:%|per\s*cent|percent)|\d+\s+in\s+\d+)\s*,", re.IGNORECASE)
_NEXT_CLAUSE = re.compile(r"(?:while|whereas|although|though|yet|but|and|or)\b", re.IGNORECASE)


# "Only if Belgrade recognises Kosovo is a deal likely", "Not unless the talks resume will
# Brussels probably lift the ban": the main clause inverts its verb after the condition.
_INVERTED = re.compile(r"^(?P<conn>only\s+if|only\s+when|only\s+once|not\s+unless|not\s+until)\s+"
                       r"(?P<rest>\S.+)$", re.IGNORECASE)
_INVERTED_AUX = re.compile(r"\s(?P<aux>is|are|will|would)\s+(?=\S)", re.IGNORECASE)
_TERM = re.compile(rf"(?<![\w-])(?:{JUDGEMENT_TERMS})(?![\w-])", re.IGNORECASE)


def uninverted(clause: str) -> str:
    """An inverted "only if" clause in plain order: "If C, S is likely ..."; else unchanged."""
    match = _INVERTED.match(clause.strip())
    if match is None:
        return clause
    rest = match["rest"]
    for aux in reversed(list(_INVERTED_AUX.finditer(rest))):
        main = rest[aux.end():]
        term = _TERM.search(main)
        if term is None or not main[: term.start()].strip() or \
                _TERM.search(rest[: aux.start()]):
            continue
        subject, judged = main[: term.start()].strip(), main[term.start():]
        return f"If {trim(rest[: aux.start()])}, {subject} {aux['aux']} {judged}"
    return clause


def normalised(text: str) -> str:
    """The sentence with its contractions, existentials and inversions in plain form."""
    if _EXISTS.match(text):
        text = _EXISTS.sub(lambda m: f"There is {m[0].lower()}", text, count=1)
        text = _EXISTS_VERB.sub(r"\1 ", text, count=1)
    text = _RUBRIC.sub("", text)
    if level := _LEVEL_LABEL.match(text):
        verb = "are" if level["kind"].lower() in ("chances", "odds", "prospects") else "is"
        text = f"The {level['kind']} {level['link']} {level['body']} {verb} {level['level']}."
    # Plain substring tests first: most sentences have no contraction and no "at even(s)".
    if "'" in text or "’" in text:
        text = _CONTRACTED_WOULD.sub(r"\1 would", _CONTRACTED_IS.sub(r"\1 is", text))
    if "%" in text or "cent" in text or " in " in text:
        text = _NUMBER_ASIDE.sub(r"\g<word> (\g<number>)", text)
    if " at even" in text.lower():
        text = _AT_EVENS.sub(r"\1 ", text)
    return uninverted(_HAS_CHANCE.sub("is ", text))


def _past_aside(match: re.Match[str]) -> str:
    """An aside read past; its comma kept where a new clause follows ("even, in our view,
    while ...")."""
    following = match.string[match.end():]
    return ", " if match[0].startswith(",") and _NEXT_CLAUSE.match(following) else " "


def without_asides(text: str) -> str:
    """The sentence without asides that state no likelihood."""
    return _ASIDE.sub(_past_aside, text)
