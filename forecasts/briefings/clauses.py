"""Clauses: conditions, coordination, framing and impersonal forms around a judgment."""

from __future__ import annotations

import itertools
import re
from dataclasses import replace

from forecasts.briefings import estimative
from forecasts.briefings.judgments import (
    ANCHOR,
    Condition,
    Reading,
    analytic_confidence,
    expectation,
    first_reading,
    hedge_of,
    lead_in,
    parse_percent,
    with_lead_in,
)
from forecasts.briefings.levels import LEVEL_OF, LEVEL_WORDS, level_of
from forecasts.briefings.wording import clause_question, gerund_question, positive_vp, trim

# "but" joins clauses, except in hedges: "all but certain", "anything but likely".
_CLAUSE_BREAK = re.compile(r";\s+|,?(?<!\ball)(?<!\banything)(?<!\bnothing)\s+but\s+|"
                           r",\s+(?:while|whereas|although|though|yet)\s+", re.IGNORECASE)
_CONDITION_WORDS = (
    r"if\s+and\s+only\s+if|only\s+if|if|unless|(?:only\s+)?in\s+the\s+event\s+(?:of|that)|"
    r"provided(?:\s+that)?|providing(?:\s+that)?|as\s+long\s+as|so\s+long\s+as|"
    r"assuming(?:\s+that)?|on\s+(?:the\s+)?condition\s+that|"
    r"(?:only\s+)?(?:contingent|conditional|dependent)\s+(?:up)?on|depending\s+on|barring|absent|"
    r"in\s+the\s+absence\s+of|once(?!\s+(?:again|more|and\s+for\s+all|before|upon))"
)
# Connectives whose condition must NOT happen for the judgment to hold: P(Y | not X).
_NEGATING = frozenset(("unless", "barring", "absent", "in the absence of"))
# Inverted conditionals: "Should X happen, ...", "Were X to happen, ...", "Had X happened, ...".
_LEADING_CONDITION = re.compile(rf"^(?P<conn>{_CONDITION_WORDS}|should|were|had)\s+(?P<rest>.+)$",
                                re.IGNORECASE)
# "while" conditions a judgment only when no comma sets it off ("unlikely while talks go on");
# ", while" contrasts two clauses and is split off first.
_TRAILING_CONDITION = re.compile(
    rf"(?:,\s*)?(?<!even\s)\b(?P<conn>{_CONDITION_WORDS}|(?<![,;]\s)while)\s+(?P<cond>.+)$",
    re.IGNORECASE
)
_ANAPHORIC_CONDITION = re.compile(
    r"^(?:in\s+(?:such|that|this|either)\s+(?:a\s+)?(?:scenario|case|event)|if\s+so|in\s+that\s+event|"
    r"should\s+(?:that|this)\s+happen|if\s+(?:that|this)\s+happens|were\s+that\s+to\s+happen)"
    r"\s*,?\s+",
    re.IGNORECASE,
)
REASON = re.compile(
    r"\s*(?:,\s*|\s+)(?:due\s+to|because|owing\s+to|thanks\s+to|as\s+a\s+result\s+of|even\s+if|"
    r"even\s+though|in\s+spite\s+of)\b.*$"
    r"|\s*,\s*(?:since|as|while|which|who|given|amid|despite|although|though|whereas|not\s+least)\b.*$"
    r"|\s+[–—]\s+.*$",
    re.IGNORECASE,
)
_COORDINATED = re.compile(r"^\s*,?\s*as\s+(?:is|are|was|were|would|will|does|do)\s+(?P<other>.+)$",
                          re.IGNORECASE)
_TRAILING_COORDINATED = re.compile(r",\s*as\s+(?:is|are|was|were|would|will|does|do)\s+"
                                   r"(?P<other>[^,]+)$", re.IGNORECASE)
_FRAMING_THAT = re.compile(
    r"^.*\b(?:means?|meant|suggests?|indicates?|implies|imply|shows?|showed|ensures?|signals?|"
    r"assess(?:es|ed)?|judges?|judged|believes?|believed|thinks?|estimates?|expects?|considers?|"
    r"concludes?|notes?|argues?|says?|said|warns?|predicts?|reckons?|doubts?|"
    r"(?:chances?|probability|likelihood|odds|risk|confidence)|"
    r"(?:judge?ment|view|assessment|expectation|conclusion|base\s+case|bet)\s+is)\s+that\s+",
    re.IGNORECASE,
)
_FRAMING_LEAD = re.compile(
    r"^(?:we|i|analysts?)\s+(?:only\s+)?(?:have|hold|place)\s+(?:only\s+)?(?:\w+\s+)?confidence\s+"
    r"(?:in\s+(?:our|the|this|a)\s+(?:judge?ment|assessment|view|estimate|conclusion)\s+)?that\s+|"
    r"^(?:we|i|analysts?|officials|observers|the\s+\w+\s+community)\s+(?:also\s+|now\s+|still\s+)?"
    r"(?:assess|judge|believe|think|estimate|consider|anticipate|forecast|calculate)(?:s|ed)?\s+"
    r"(?:with\s+\w+\s+confidence\s+)?(?:that\s+)?",
    re.IGNORECASE,
)
_CONNECTIVE = re.compile(
    r"^(?:however|meanwhile|moreover|furthermore|additionally|nevertheless|nonetheless|still|overall|"
    r"consequently|therefore|thus|hence|as\s+a\s+result|in\s+turn|in\s+addition|at\s+the\s+same\s+time|"
    r"for\s+now|for\s+its\s+part|by\s+contrast|in\s+contrast|in\s+any\s+case|crucially|notably|"
    r"whatever\s+happens|either\s+way|regardless|come\s+what\s+may|in\s+any\s+event|"
    r"importantly|ultimately|similarly|likewise|instead|indeed|even\s+so|in\s+short|on\s+balance|"
    r"(?:in|on|at|by|for|with|without|despite|given|after|before|during|over|under|amid|following|since|"
    r"until|through|throughout|across|within|beyond|against|absent|barring|once|when|while|although|"
    r"though|because|as)\b[^,]{0,80})\s*,\s+",
    re.IGNORECASE,
)
# "…, and that troop numbers are likely to fall": the second clause's "that" opens the clause,
# it is no determiner (a determiner "that" takes a singular noun: "that deal").
_COMPLEMENTIZER = re.compile(r"^that\s+(?=[A-Z]|(?:the|a|an|its|their|his|her|our|this|these|"
                             r"those|some|any|no)\b|[a-z]+s\b)")
_PREPOSITION = re.compile(r"\s(?:of|in|on|with|between|among|from|by|for|over|against|into|"
                          r"across|to)\s", re.IGNORECASE)
_DETERMINER = re.compile(r"(?:a|an|the|any|some|further|new|renewed|fresh|more)\s", re.IGNORECASE)
_RELATIVE_ASIDE = re.compile(r",\s*(?:which|who)\b[^,]*(?:,|$)", re.IGNORECASE)
_FOCUS = re.compile(r"^(?:even|only|also|just|both|and|but|so|then|yet)\s+", re.IGNORECASE)
_IMPERSONAL = re.compile(r"^(?:it|there|this)$", re.IGNORECASE)
_IMPERSONAL_REST = re.compile(
    r"^\s*(?:chance|probability|likelihood|possibility|risk|odds)?\s*"
    r"(?:(?:that|whether)\s+(?P<clause>.+)|of\s+(?P<phrase>.+)|(?P<bare>(?:the|a|an|[A-Z][\w'’-]*)\s+\S.+))$",
    re.IGNORECASE,
)
_OF_GERUND = re.compile(r"^\s*of\s+(?P<phrase>\w+ing\b.*)$", re.IGNORECASE)
_TRAILING_NUMBER = re.compile(r"\s*\((?P<num>[^()]{0,40}?\d[^()]{0,40}?)\)\s*[.!?]?\s*$")



def _connective(found: str) -> str:
    word = " ".join(found.lower().split())
    if word in ("only if", "if and only if"):
        return "if"
    word = re.sub(r"\s+(?:that|upon|up)$", "", word.removeprefix("only ")).strip()
    return re.sub(r"\s+upon$", " on", word)


def _leading_condition(clause: str, last_condition: Condition | None
                       ) -> tuple[str, Condition | None]:
    """Peel a leading condition ("If X, ...", "Unless X, ...", "In such a scenario, ...")."""
    if anaphor := _ANAPHORIC_CONDITION.match(clause):
        return clause[anaphor.end():], last_condition
    lead = _LEADING_CONDITION.match(clause)
    if not lead:
        return clause, None
    rest = lead["rest"]
    first_anchor = ANCHOR.search(rest)
    # The condition ends at the last comma before the main clause's judgement.
    cut = rest.rfind(",", 0, first_anchor.start() if first_anchor else len(rest))
    if cut <= 0:
        return clause, None
    connective = _connective(lead["conn"])
    condition = Condition(trim(rest[:cut]), connective, negated=connective in _NEGATING)
    return rest[cut + 1:].strip(), condition


def _trailing_condition(text: str) -> tuple[str, Condition | None]:
    match = _TRAILING_CONDITION.search(text)
    if not match or not trim(match["cond"]):
        return text, None
    connective = _connective(match["conn"])
    cond = trim(REASON.sub("", match["cond"]))
    return text[: match.start()], Condition(cond, connective, negated=connective in _NEGATING)


def _peel_trailing_condition(reading: Reading) -> Reading:
    if reading.vp is not None:
        reading.vp, reading.condition = _trailing_condition(reading.vp)
    else:
        reading.rest, reading.condition = _trailing_condition(reading.rest)
    return reading


def _peel_number(reading: Reading) -> Reading:
    """'Russia is likely to hold Kherson (70 %).': a closing percentage beats the word."""
    text = reading.vp if reading.vp is not None else reading.rest
    match = _TRAILING_NUMBER.search(text)
    numbers = parse_percent(match["num"]) if match else None
    if match is None or numbers is None or reading.numbers is not None:
        return reading
    reading.numbers = numbers
    reading.term = f"{reading.term} ({match['num'].strip()})"
    if reading.vp is not None:
        reading.vp = text[: match.start()]
    else:
        reading.rest = text[: match.start()]
    return reading


def _negated_vp(reading: Reading) -> Reading:
    """'is likely not to X' and 'is likely to not X' negate the judgement too."""
    if reading.vp and re.match(r"not(?:\s+|\s*[.!]?\s*$)", reading.vp, re.IGNORECASE):
        reading.vp = reading.vp[3:].lstrip()
        reading.negated = not reading.negated
    return reading


def _impersonal(reading: Reading) -> Reading:
    """Read 'It is likely that X will Y', 'There is a remote chance of X', 'X has a 30 % chance
    of Ying' as questions about X."""
    if reading.vp is not None:
        return reading
    if odds := _ODDS_THAT.match(_CONNECTIVE.sub("", reading.subject.strip())):
        # "The odds that X happens are about even": the judgment is about the clause.
        reading.distributive = False
        return _embedded(reading, trim(odds["clause"]))
    if not _IMPERSONAL.match(subject_of(reading.subject)):
        gerund = _OF_GERUND.match(reading.rest)
        vp = gerund_question(f"it {gerund['phrase']}")[1] if gerund else None
        if vp is not None:
            reading.vp, reading.rest = vp, ""
        return reading
    match = _IMPERSONAL_REST.match(reading.rest)
    if match is None:
        return reading
    if match["phrase"]:
        reading.subject, reading.vp = gerund_question(trim(match["phrase"]))
        reading.rest = ""
        return reading
    # "an even chance the port reopens": the clause without its "that".
    return _embedded(reading, trim(match["clause"] or match["bare"]))


_ODDS_THAT = re.compile(r"^(?:the\s+)?(?:odds|chances?|likelihood|probability|prospects?|risk)\s+"
                        r"that\s+(?P<clause>\S.*)$", re.IGNORECASE)


def _embedded(reading: Reading, clause: str) -> Reading:
    """The question inside 'that ...': its own modal is only tense, but its negation counts."""
    inner = first_reading(clause, has_condition=True)
    if inner is not None and inner.vp is not None:
        inner = _negated_vp(inner)
        reading.subject, reading.vp = inner.subject, inner.vp
        reading.negated = reading.negated != inner.negated
    elif parsed := clause_question(clause):
        reading.subject, reading.vp = parsed
        if reading.vp:  # "a 1 in 4 chance that the mill does not reopen"
            reading.vp, negated = positive_vp(reading.vp)
            reading.negated = reading.negated != negated
    else:
        reading.subject, reading.vp = "it", f"happen that {clause}"
    reading.rest = ""
    return reading


def subject_of(text: str) -> str:
    """The noun phrase a judgement is about: framing, connectives and asides removed."""
    subject = _FRAMING_THAT.sub("", text.strip())
    subject = _FRAMING_LEAD.sub("", subject)
    previous = None
    while previous != subject:
        previous = subject
        subject = _FOCUS.sub("", _CONNECTIVE.sub("", _COMPLEMENTIZER.sub("", subject)))
    subject = _RELATIVE_ASIDE.sub("", subject)
    # Not trim: a subject can end in an abbreviation's full stop ("The U.S.").
    return subject.strip().strip(",;:").strip()


def clauses_of(sentence: str) -> list[str]:
    """Independent clauses: split at ';', 'but', 'while' ... and at 'and' between two judgements."""
    clauses: list[str] = []
    for piece in _CLAUSE_BREAK.split(sentence):
        clauses.extend(_split_on_and(piece))
    return [clause for clause in clauses if clause.strip()]


def clause_confidences(sentence: str) -> list[str | None]:
    """The analytic confidence governing each of ``clauses_of(sentence)``: one stated in a
    part between ';', 'but', 'while' ... governs that part's clauses joined by 'and' ("we assess
    with moderate confidence that X is likely and Y will probably Z"), never another part's."""
    governing: list[str | None] = []
    for piece in _CLAUSE_BREAK.split(sentence):
        found = [clause for clause in _split_on_and(piece) if clause.strip()]
        governing.extend([analytic_confidence(piece)] * len(found))
    return governing


def _split_on_and(piece: str) -> list[str]:
    anchors = list(ANCHOR.finditer(piece))
    for first, second in itertools.pairwise(anchors):
        between = piece[first.end(): second.start()]
        joint = list(re.finditer(r",?\s+and\s+", between))
        if joint and between[joint[-1].end():].strip():
            cut = first.end() + joint[-1].start()
            rest_start = first.end() + joint[-1].end()
            return [piece[:cut], *_split_on_and(piece[rest_start:])]
    return [piece]


def _coordinated_subjects(reading: Reading, raw_subject: str) -> list[str]:
    """'X and Y are unlikely' gives X and Y, when the 'and' joins two noun phrases."""
    both = re.match(r"\s*both\s", raw_subject, re.IGNORECASE) is not None
    if not (reading.distributive or both) or "(" in reading.subject:
        return [reading.subject]
    parts = re.split(r"\s+and\s+", reading.subject)
    if len(parts) != 2 or not _joins_noun_phrases(*parts):
        return [reading.subject]
    return parts


def _joins_noun_phrases(left: str, right: str) -> bool:
    """False for 'Greek and Turkish clashes', 'clashes between Greece and Turkey', 'talks with
    Iran and Syria': there the 'and' sits inside one noun phrase."""
    if len(left.split()) == 1 and len(right.split()) > 1:
        return False
    if re.search(r"\bbetween\b", left, re.IGNORECASE):
        return False
    right_is_phrase = _DETERMINER.match(right) or _PREPOSITION.search(right)
    return not _PREPOSITION.search(left) or bool(right_is_phrase)


def _with_coordination(reading: Reading) -> list[Reading]:
    """Expand 'X is unlikely, as are Y' and 'X and Y are unlikely' into one reading each."""
    raw_subject, reading.subject = reading.subject, subject_of(reading.subject)
    readings = [replace(reading, subject=s) for s in _coordinated_subjects(reading, raw_subject)]
    tail = reading.vp if reading.vp is not None else reading.rest
    match = (_TRAILING_COORDINATED if reading.vp is not None else _COORDINATED).search(tail)
    if match:
        own, other = tail[: match.start()], trim(REASON.sub("", match["other"]))
        field_name = "vp" if reading.vp is not None else "rest"
        # vp and rest are both str; replace() types its keywords one field at a time
        readings = [replace(r, **{field_name: own}) for r in readings]  # type: ignore[arg-type]
        tail_field = {field_name: own if reading.vp else ""}
        readings.append(replace(reading, subject=other, **tail_field))  # type: ignore[arg-type]
    subjects = [r.subject for r in readings]
    for r in readings:
        r.siblings = [s for s in subjects if s != r.subject]
    return readings


def _hedged_clause(body: str, hedge: str | None) -> Reading | None:
    """Under a lead-in ("we see a good chance that", "we doubt that") a plain clause is the
    judgment: "we doubt that Minsk frees them" asks whether Minsk frees them."""
    if hedge is None:
        return None
    hedge, label_not = hedge_of(hedge)
    reading = _hedged_reading(body, hedge)
    if reading is not None and label_not:
        reading.negated = not reading.negated
        reading.term = f"{hedge} not" if not reading.term.endswith("… not") else hedge
    return reading


def _hedged_reading(body: str, hedge: str) -> Reading | None:
    stated = None if hedge in estimative.PHRASES else parse_percent(hedge)
    if hedge not in estimative.PHRASES and stated is None:
        return None
    parsed = clause_question(trim(body))
    if parsed is None or (not parsed[1] and re.match(r"(?:an?|the|no)\s", body, re.IGNORECASE)):
        # "Probably not: a Serbian recognition of Kosovo": a noun phrase is the judgment
        parsed = (trim(body), None)
        return Reading(subject=parsed[0], vp=None, rest="", term=hedge,
                       rung=estimative.PHRASES.get(hedge), numbers=stated, negated=False)
    if parsed is None or not parsed[1] or re.fullmatch(r"(?:we|i|us)", parsed[0].strip(),
                                                        re.IGNORECASE):
        return None  # "chances are we will publish again": the authors' plans, not a forecast
    # "we would be surprised if Minsk did not free them": the hedge's complement (as "not")
    vp, negated = positive_vp(parsed[1])
    term = f"{hedge} … not" if negated and stated is None else hedge
    return Reading(subject=parsed[0], vp=vp, rest="", term=term,
                   rung=estimative.PHRASES.get(hedge), numbers=stated, negated=negated)


def mentions_level(sentence: str) -> bool:
    """Whether a sentence may state a level of likelihood ("the probability of X is low")."""
    return any(LEVEL_OF.match(clause) for clause in clauses_of(sentence)) \
        if LEVEL_WORDS.search(sentence) else False



def readings_in(clause: str, last_condition: Condition | None) -> list[Reading]:
    """Every judgement in one clause, each with its condition (if any)."""
    body, condition = _leading_condition(clause.strip(), last_condition)
    body, hedge = lead_in(body)
    has_condition = condition is not None or bool(_TRAILING_CONDITION.search(body))
    reading = expectation(body) or level_of(body) or first_reading(body, has_condition) \
        or _hedged_clause(body, hedge)
    if reading is None:
        return []
    reading = with_lead_in(reading, hedge)
    reading = _negated_vp(_peel_number(_peel_trailing_condition(reading)))
    if condition is not None:
        reading.condition = condition
    elif reading.condition is None and re.match(r"would(?: not)?(?: \(|$)", reading.term):
        return []
    return _with_coordination(_impersonal(reading))
