"""Judgments: where a clause states a likelihood, and what term, number and negation it has."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from forecasts.briefings import estimative, numbers


def _alternation(phrases: list[str]) -> str:
    ordered = sorted(phrases, key=len, reverse=True)
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered)


_MODAL_WORDS = {"will", "would", "will continue to"}
# Read as modals ("X could well Y") or as lead-ins ("We doubt that ...", "Chances are ..."), not
# after a copula.
_HEDGED_MODALS = ("could well", "may well", "might well")
_LEAD_INS = ("chances are", "doubt", "in all likelihood", "in all probability")
_JUDGEMENTS = [p for p in estimative.known_phrases()
               if p not in _MODAL_WORDS and p not in _HEDGED_MODALS and p not in _LEAD_INS]
_ADVERBS = [p for p in _JUDGEMENTS if (p.endswith("ly") and "unlikely" not in p) or p == "probably"]
_ADVERBS += ["in all likelihood", "in all probability"]
# After a copula these adverbs judge the present ("is probably behind the attack"), not the future.
_PRESENT_ADVERBS = {"probably", "very probably", "almost certainly", "certainly"}
_NOUN_TERMS = ("chance", "possibility", "odds", "toss-up", "fifty-fifty", "shot", "probability",
               "likelihood", "prospect", "bet", "toss", "flip")
_J = _alternation(_JUDGEMENTS)
_ADV = _alternation(_ADVERBS)
JUDGEMENT_TERMS = _J  # the judgement words, as one regex alternation
_NUM_PAREN = r"\s*\((?P<{name}>[^()]{{0,40}}?\d[^()]{{0,40}}?)\)"
# Comparatives ("more likely", "less likely") compare; they are not judgements, so not listed.
_QUALIFIERS = (r"(?:(?:only|still|also|now|increasingly|both|each|all|therefore|thus|even|however|"
               r"equally|similarly|so|already)\s+)*")
_COPULA = r"is|are|was|were|remains?|seems?|appears?|looks?"
_PLURAL_COPULA = {"are", "were", "remain", "seem", "appear", "look"}
_ABOUT = r"(?:(?:about|around|roughly|some|perhaps|at\s+least|at\s+most|approximately)\s+)?"
ANCHOR = re.compile(
    rf"(?<![\w'’])(?:"
    rf"(?P<cop>{_COPULA})\s+(?P<neg>not\s+)?{_QUALIFIERS}(?P<neg2>not\s+)?(?P<article>an?\s+)?"
    rf"(?P<term>{_J})(?![\w-])(?:{_NUM_PAREN.format(name='num')})?"
    rf"|(?P<pctverb>{_COPULA}|has|have|stands?|gives?)\s+(?:only\s+)?{_ABOUT}(?:an?\s+)?{_ABOUT}"
    rf"(?P<pct>{numbers.ANY})\s+"
    rf"(?P<pctkind>chance|probability|likelihood|risk)"
    rf"|(?:(?P<pre>{_ADV})(?:{_NUM_PAREN.format(name='prenum')})?\s+)?"
    # "…, though Riga probably will." ends at the modal: its verb phrase is the one before
    rf"(?P<modal>will|won['’]t|would|wouldn['’]t|(?:could|may|might)\s+well)"
    rf"(?:\s+|(?=\s*[.!]?\s*$))(?P<mneg>not(?:\s+|(?=\s*[.!]?\s*$)))?"
    rf"(?:(?P<adv>{_ADV}|possibly|perhaps)\s+)?(?:{_NUM_PAREN.format(name='mnum')}\s+)?"
    rf"(?P<mneg2>not\s+)?(?P<cont>continue\s+to\s+)?"
    rf")",
    re.IGNORECASE,
)
_RELATIVE_END = re.compile(r"(?:^|[\s,])(?:which|who|whom|whose|that|where|when)$", re.IGNORECASE)
EXPECT = re.compile(
    r"^(?:we|i|analysts?|officials|observers)\s+(?P<neg>do\s+not\s+|don['’]t\s+)?(?:also\s+)?"
    r"expect\s+(?P<subject>.+?)\s+to\s+(?P<vp>.+)$",
    re.IGNORECASE,
)
_HEDGE_ADVERBS = {"possibly", "perhaps"}
# Reported speech: the judgment is the speaker's, not the publication's.
_REPORTED = re.compile(r"\b(?:said|says|told|announced|announces|claimed|claims|stated|states|"
                       r"insisted|insists|promised|promises|pledged|pledges|vowed|vows)\b",
                       re.IGNORECASE)
# ... or attributed after it: "X is likely, officials said." / "..., say readers".
_ATTRIBUTED = re.compile(r",\s*(?:(?:[\w'’-]+\s+){0,5}(?:said|says|say|told\s+\w+|claimed|claims)"
                         r"|(?:said|says|say|claimed|claims)\s+(?:[\w'’-]+\s*){1,6})[.!]?[\"”’]?$",
                         re.IGNORECASE)
# The authors' own plans ("the indicators we will watch") and open questions ("whether X will
# happen remains unclear") state no likelihood.
_FIRST_PERSON_END = re.compile(r"(?:^|\s)(?:we|i)$", re.IGNORECASE)
_OPEN_QUESTION = re.compile(r"\bwhether\b", re.IGNORECASE)


@dataclass
class Condition:
    text: str
    connective: str
    negated: bool
    ref: int | None = None  # index of its draft, once added


@dataclass
class Reading:
    """One judgement found in a clause, before it becomes a Draft."""

    subject: str
    vp: str | None  # a base-form verb phrase, or None when the judgement is about a noun phrase
    rest: str
    term: str
    rung: int | None
    numbers: tuple[float, float] | None
    negated: bool
    distributive: bool = False  # "X and Y are unlikely": one judgement for each
    condition: Condition | None = None
    horizon: tuple[date, str] | None = None
    open_horizon: str | None = None  # a deadline named without a date: a manager sets it
    siblings: list[str] = field(default_factory=list)
    confidence: str | None = None  # analytic confidence governing this judgment, if stated


def parse_percent(text: str) -> tuple[float, float] | None:
    """(low, high) for a number phrase: a percentage or range, "1 in 5", odds."""
    return numbers.probability_in(text)


def _paren_number(match: re.Match[str], group: str) -> tuple[float, float] | None:
    return parse_percent(match[group]) if match[group] else None


def _judgement(match: re.Match[str]) -> tuple[str, int | None, tuple[float, float] | None, bool]:
    """(term as found, ladder rung, numbers, negated) for an anchor match."""
    if match["term"]:
        negated = bool(match["neg"]) != bool(match["neg2"])
        term = " ".join(match["term"].lower().split())
        numbers = _paren_number(match, "num")
        found = f"not {term}" if negated else term
        found = f"{found} ({match['num'].strip()})" if numbers else found
        return found, estimative.PHRASES[term], numbers, negated
    if match["pct"]:
        return f"{match['pct']} {match['pctkind']}", None, parse_percent(match["pct"]), False
    return _modal_judgement(match)


def _modal_judgement(match: re.Match[str]) -> tuple[str, int | None, tuple[float, float] | None,
                                                   bool]:
    modal = match["modal"].lower().replace("’", "'")
    negated = (bool(match["mneg"]) != bool(match["mneg2"])) != ("n't" in modal)
    base = "would" if modal.startswith("would") else "will"
    adverb = match["pre"] or match["adv"]
    numbers = _paren_number(match, "prenum") or _paren_number(match, "mnum")
    number = f" ({(match['prenum'] or match['mnum']).strip()})" if numbers else ""
    if adverb:
        word = " ".join(adverb.lower().split())
        found = word + (" not" if negated else "") + number
        return found, estimative.PHRASES[word], numbers, negated
    hedged = " ".join(modal.split())
    if hedged in _HEDGED_MODALS:  # "could well": a realistic possibility, never a certainty
        return hedged + (" not" if negated else "") + number, estimative.PHRASES[hedged], \
            numbers, negated
    phrase = "will continue to" if match["cont"] else base
    found = (f"{base} not" if negated else phrase) + number
    return found, estimative.PHRASES[phrase], numbers, negated


def _reported(subject: str) -> bool:
    """A reporting verb before the judgment ("officials said the road will reopen"); a word
    right before it is the subject's noun ("the Baltic states won't"), not a verb."""
    return any(found.end() < len(subject.rstrip()) for found in _REPORTED.finditer(subject))


def _is_judgement(match: re.Match[str], subject: str, has_condition: bool,
                  after: str = "") -> bool:
    """Whether an anchor is a forecast: not in a relative clause, not a bare hedge or adjective,
    not someone else's words reported ("officials said the road will reopen", "X is likely,
    officials said"), not the authors' plans ("we will watch") nor an open question ("whether
    X will happen")."""
    if not subject.strip() or _RELATIVE_END.search(subject.rstrip()):
        return False
    if _reported(subject) or _ATTRIBUTED.search(after.rstrip()):
        return False
    if _OPEN_QUESTION.search(subject):
        return False
    if match["modal"] and not (match["pre"] or match["adv"]) \
            and _FIRST_PERSON_END.search(subject.rstrip()):
        return False
    if (match["adv"] or "").lower() in _HEDGE_ADVERBS:
        return False
    term = " ".join((match["term"] or "").lower().split())
    if match["article"] and not term.endswith(_NOUN_TERMS):
        return False  # "a likely outcome": an adjective before a noun, not a judgement
    modal = (match["modal"] or "").lower()
    return has_condition or not modal.startswith("would")  # "would" without "if" is a hedge


def _reading_at(clause: str, match: re.Match[str], has_condition: bool) -> Reading | None:
    """Read the judgement anchored at ``match``, or None if the anchor is not one."""
    subject = clause[: match.start()]
    if not _is_judgement(match, subject, has_condition, clause[match.end():]):
        return None
    term, rung, numbers, negated = _judgement(match)
    vp, rest = _split_predicate(match, clause[match.end():])
    if match["term"] and vp is None and term in _PRESENT_ADVERBS:
        return None
    copula = (match["cop"] or "").lower()
    distributive = copula in _PLURAL_COPULA and (
        vp is None or bool(re.search(r"\b(?:both|each)\b", match[0], re.IGNORECASE)))
    return Reading(subject=subject, vp=vp, rest=rest, term=term, rung=rung, numbers=numbers,
                    negated=negated, distributive=distributive)


def _split_predicate(match: re.Match[str], after: str) -> tuple[str | None, str]:
    if match["modal"]:
        return ("continue to " if match["cont"] else "") + after, ""
    infinitive = re.match(r"\s+(?P<not>not\s+)?(?:going\s+)?to\s+(?!the\b|a\b|an\b)(?P<vp>\S.*)$",
                          after, re.IGNORECASE)
    if infinitive:  # "likely not to X" keeps its "not" for _negated_vp
        return ("not " if infinitive["not"] else "") + infinitive["vp"], ""
    return None, after


def first_reading(clause: str, has_condition: bool) -> Reading | None:
    """The first judgment anchored in ``clause`` that is a forecast, or None."""
    for match in ANCHOR.finditer(clause):
        reading = _reading_at(clause, match, has_condition)
        if reading is not None:
            return reading
    return None


def expectation(clause: str) -> Reading | None:
    """'We expect X to Y' reads as 'X is expected to Y'."""
    match = EXPECT.match(clause)
    if not match:
        return None
    # "we expect Minsk not to release them" negates the expected event
    subject, not_to = re.subn(r"\s+not$", "", match["subject"], flags=re.IGNORECASE)
    return Reading(subject=subject, vp=match["vp"], rest="", term="expected",
                    rung=estimative.PHRASES["expected"], numbers=None,
                    negated=bool(match["neg"]) != bool(not_to))


_LEAD_IN = re.compile(
    # "The odds are even that X": evens; "the odds are 3 to 1 against" is odds (numbers).
    r"^(?:(?:the\s+)?(?:odds|chances)\s+are\s+(?:about\s+|roughly\s+|now\s+)?(?P<even>even|evens)"
    r"(?:\s+money)?|"
    r"(?:the\s+)?(?P<chances>(?:chances|odds)\s+are)(?!\s+(?:\w+\s+)?(?:\d|one|two|three|four|five|"
    r"six|seven|eight|nine|ten|even|against|slim|low|high|small|remote))"
    r"(?:\s+good)?|(?:the\s+)?(?:chances|odds)\s+are\s+(?:(?P<lvery>very)\s+)?"
    r"(?P<lvl>slim|low|small|remote|high)|(?:we|i|analysts?)\s+(?:also\s+|still\s+)?"
    r"(?:strongly\s+)?(?P<doubt>doubt)|(?P<all>in\s+all\s+(?:likelihood|probability))|"
    r"(?:we|i|analysts?)\s+(?P<surprised>would\s+(?:not\s+)?be\s+(?:very\s+|at\s+all\s+)?"
    r"(?:surprised|astonished|amazed|shocked|stunned))\s+if|"
    # "it would (not) surprise us if X": as "we would (not) be surprised if X"
    r"it\s+(?P<surprise>would\s+(?:not\s+)?(?:greatly\s+)?(?:surprise|astonish|shock))\s+"
    r"(?:us|me)(?:\s+(?:greatly|very\s+much|at\s+all))?\s+if|"
    # a fronted adverb: "Most likely, X will not Y", "Almost certainly, X will Y"
    rf"(?P<fronted>{_ADV}|most\s+likely)\s*,|(?P<fronted2>most\s+likely)(?=\s)|"
    # a label before the judgment: "Likely: X happens", "Very unlikely (5-20 %) - X happens"
    rf"(?P<label>{_J})(?P<lnot>\s+not)?(?:\s*\((?P<lnum>[^()]{{0,40}}?\d[^()]{{0,40}}?)\))?"
    r"\s*[:–—]|"
    r"(?:we|i|analysts?|officials)\s+(?:also\s+|still\s+|now\s+)?(?:judge|consider|think|believe|"
    rf"assess|deem|find|see|regard)\s+it\s+(?:as\s+)?(?P<term>{_J})"
    r"(?:\s*\((?P<tnum>[^()]{0,40}?\d[^()]{0,40}?)\))?|"
    r"(?:we|i|analysts?|officials)\s+(?:also\s+|still\s+|now\s+)?(?:see|give|put|estimate|assess)"
    rf"\s+(?:an?\s+|only\s+an?\s+)?(?:(?P<nterm>{_J})|{_ABOUT}(?P<num>{numbers.ANY}))"
    r"(?:\s+(?:chance|odds|probability|likelihood))?)"
    r"\s*,?\s+(?:that\s+)?",
    re.IGNORECASE,
)


# A label after the judgment, as a table row or list reads: "X happens before March — Likely".
_TRAILING_LABEL = re.compile(
    rf"^(?P<body>\S.*?)(?:\s*:|\s+[–—|])\s+"
    rf"(?P<label>(?:{_J})(?:\s*\([^()]{{0,40}}?\d[^()]{{0,40}}?\))?)\s*\.?$", re.IGNORECASE)


def label_first(sentence: str) -> str:
    """A sentence whose likelihood label trails it, turned to read label first."""
    match = _TRAILING_LABEL.match(sentence)
    if match is None:
        return sentence
    body = re.sub(r"\s+[–—|]\s+", " ", match["body"])  # a row's other cells: "X — in 2027"
    return f"{match['label']}: {body}"


_LEVELS = {"slim": "slim chance", "low": "low probability", "small": "small chance",
           "remote": "remote chance", "high": "high probability"}


def lead_in(clause: str) -> tuple[str, str | None]:
    """The clause without a leading hedge ("Chances are", "We doubt that", "In all likelihood,")
    and that hedge's phrase, which then judges the clause's bare "will"."""
    match = _LEAD_IN.match(clause)
    if match is None:
        return clause, None
    return clause[match.end():], _stated_lead(match) or _hedge_lead(match)


def _stated_lead(match: re.Match[str]) -> str | None:
    """The number or term a lead-in states: "we estimate a 70 % probability that", "we judge
    it likely (70 %) that", "Likely (55-80 %):", "we see a good chance that"; else None."""
    if match["num"]:
        return " ".join(match["num"].split())
    if match["tnum"] and numbers.probability_in(match["tnum"]):
        return " ".join(match["tnum"].split())
    if match["term"] or match["nterm"]:
        return " ".join((match["term"] or match["nterm"]).lower().split())
    if match["label"]:
        label_number = match["lnum"] and numbers.probability_in(match["lnum"])
        return " ".join(match["lnum"].split()) if label_number else \
            " ".join(match["label"].lower().split()) + (" not" if match["lnot"] else "")
    return None


def _hedge_lead(match: re.Match[str]) -> str:
    """The hedge phrase of a lead-in that states no number or term of its own."""
    if match["chances"]:
        return "chances are"
    if match["surprised"]:  # astonished, amazed, shocked: stronger than surprised
        phrase = " ".join(match["surprised"].lower().split())
        return re.sub(r"(?:very\s+)?(?:astonished|amazed|shocked|stunned)$", "very surprised",
                      phrase)
    if match["surprise"]:  # "it would (not) surprise us": as "we would (not) be surprised"
        strong = re.search(r"astonish|shock|greatly", match[0], re.IGNORECASE)
        return "would not be surprised" if " not " in f" {match['surprise'].lower()} " else \
            "would be very surprised" if strong else "would be surprised"
    if match["fronted"] or match["fronted2"]:
        return " ".join((match["fronted"] or match["fronted2"]).lower().split())
    if match["even"]:
        return "even odds"
    if match["lvl"]:  # "the chances are slim that X": the hedge with that level
        level = match["lvl"].lower()
        return "remote chance" if match["lvery"] and level != "high" else \
            "very good chance" if match["lvery"] else _LEVELS[level]
    return "doubt" if match["doubt"] else " ".join(match["all"].lower().split())


def hedge_of(phrase: str) -> tuple[str, bool]:
    """(the hedge, whether it is negated): a label "Probably not:" is "probably", negated."""
    if phrase.endswith(" not") and phrase[:-4] in estimative.PHRASES:
        return phrase[:-4], True
    return phrase, False


def with_lead_in(reading: Reading, phrase: str | None) -> Reading:
    """A bare modal under a lead-in takes the lead-in's likelihood ("we doubt X will Y"), or its
    number ("we estimate a 70 % probability that X will Y").
    A negated clause under a hedge ("chances are that X will not Y") keeps its negation: the
    question asks whether X will Y, at the complement of the hedge's band (as "probably not").
    """
    if phrase is None or reading.term not in ("will", "will continue to", "would", "will not",
                                               "would not") \
            or reading.numbers is not None:
        return reading
    phrase, label_not = hedge_of(phrase)
    reading.negated = reading.negated != label_not
    stated = numbers.probability_in(phrase) if phrase not in estimative.PHRASES else None
    if stated is not None:
        reading.term, reading.rung, reading.numbers = phrase, None, stated
    elif phrase in estimative.PHRASES:
        reading.term, reading.rung = phrase, estimative.PHRASES[phrase]
    if reading.negated and (stated is not None or phrase in estimative.PHRASES):
        reading.term = f"{reading.term} … not"
    return reading


_CONFIDENCE = re.compile(
    r"\b(?P<level>low|moderate|medium|high)(?:\s+|-)confidence\b"
    # "confidence: moderate", "our confidence in this judgment is low"
    r"|\bconfidence(?:\s*[:=–—-]\s*|\s+(?:in\s+(?:this|that|these|the|our)(?:\s+\w+)?\s+)?"
    r"(?:is|remains|was)\s+(?:only\s+|still\s+)?)(?P<after>low|moderate|medium|high)\b",
    re.IGNORECASE)


def analytic_confidence(sentence: str) -> str | None:
    """ICD 203's analytic confidence stated in the sentence ("low", "moderate", "high"), if any.

    It says how well founded the judgment is, not how likely: it never changes a probability.
    """
    match = _CONFIDENCE.search(sentence)
    if match is None:
        return None
    level = (match["level"] or match["after"]).lower()
    return "moderate" if level == "medium" else level
