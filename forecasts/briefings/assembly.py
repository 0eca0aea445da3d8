"""Assembly: walk a briefing's sentences and turn every judgment into a draft question.

``closes_at`` comes from a horizon in the clause relative to ``published``, else from another
judgment of the same sentence ("unlikely … in 2027, and a summit is almost certainly not going to
happen" shares "in 2027"). A judgment with no deadline at all, or one that names no date ("before
the rainy season"), is flagged ``date_needed``: it closes at ``published +
default_horizon_months`` only as a placeholder, its title keeps the phrase as written (or names
no deadline), and a manager sets the date. Statements of fact and bare hedges go to ``context``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from forecasts.briefings import estimative
from forecasts.briefings.clauses import (
    REASON,
    clause_confidences,
    clauses_of,
    mentions_level,
    readings_in,
    subject_of,
)
from forecasts.briefings.deadlines import (
    DEFAULT_HORIZON_MONTHS,
    event_in_month,
    horizon_of,
    placeholder_close,
)
from forecasts.briefings.ellipsis import elided_copula, with_elided
from forecasts.briefings.gazetteer import tags_for
from forecasts.briefings.judgments import (
    ANCHOR,
    EXPECT,
    Condition,
    Reading,
    analytic_confidence,
    label_first,
    lead_in,
)
from forecasts.briefings.layout import blocks_of, read_layout
from forecasts.briefings.normalise import normalised, without_asides
from forecasts.briefings.numbers import words_only
from forecasts.briefings.parsed import Block, ContextSentence, Draft, ParsedBriefing, Sentence
from forecasts.briefings.sentences import split_sentences
from forecasts.briefings.stated import (
    number_judgment,
    stated_estimate,
    with_stated_number,
    without_stated,
    word_judgment,
)
from forecasts.briefings.text import validated_text
from forecasts.briefings.wording import (
    CONTINUING,
    Casing,
    casing_of,
    clause_question,
    criteria_for,
    deadline_phrase,
    gerund_question,
    question_title,
    trim,
)

# These connectives take a noun phrase ("barring a ceasefire"), not a clause.
_NOUN_PHRASE_CONDITIONS = frozenset((
    "in the event of", "barring", "absent", "in the absence of", "contingent on",
    "conditional on", "dependent on", "depending on",
))
# Longer "sentences" are tables or run-on dumps; matching them costs time and yields nonsense.
MAX_SENTENCE_CHARS = 1500


@dataclass
class _Sentence:
    block: int
    source: str | None
    index: int
    text: str
    source_date: date | None = None


@dataclass
class _State:
    """What parsing one briefing accumulates as it walks the sentences."""

    published: date
    yardstick: str
    default_close: date
    casing: Casing
    drafts: list[Draft] = field(default_factory=list)
    context: list[ContextSentence] = field(default_factory=list)
    last_condition: Condition | None = None
    condition_drafts: dict[str, int] = field(default_factory=dict)
    publication: str | None = None  # whose judgments these are, for the criteria


def parse_briefing(text: str | bytes, *, published: date, yardstick: str = "icd203",
                   default_horizon_months: int = DEFAULT_HORIZON_MONTHS, plain: bool = False,
                   publication: str | None = None) -> ParsedBriefing:
    """Find every estimative judgement in a briefing and draft a question for each.

    ``text`` is plain text, Markdown or HTML (str), or the raw bytes of an upload; ``plain``
    says it is already the readable text (as stored), so it is not converted again. Raises
    BriefingError for an empty, binary, undecodable, oversized or too deeply nested briefing,
    estimative.UnknownYardstickError for an unknown yardstick and ValueError for a horizon under
    one month. No assessments is not an error: the result has no drafts. ``publication`` names
    whose judgments they are in the criteria (default: the name the text gives itself).
    """
    scale = estimative.yardstick(yardstick)
    if default_horizon_months < 1:
        raise ValueError(f"default_horizon_months must be at least 1, not {default_horizon_months}")
    if isinstance(published, datetime):
        published = published.date()
    body = text if plain and isinstance(text, str) else validated_text(text)
    layout = read_layout(body)
    blocks = blocks_of(layout)
    state = _State(published=published, yardstick=scale.name,
                   default_close=placeholder_close(published, default_horizon_months),
                   casing=casing_of(body),
                   publication=publication or layout.publication or layout.title)
    numbered = number_sentences(blocks)
    for sentence in numbered:
        block = blocks[sentence.block]
        _read_sentence(_Sentence(block.index, block.source, sentence.index, sentence.text,
                                 block.source_date), state)
    return ParsedBriefing(title=layout.title, author=layout.author, published=published,
                          yardstick=scale.name, blocks=tuple(blocks), drafts=tuple(state.drafts),
                          context=tuple(state.context), sentences=tuple(numbered),
                          publication=layout.publication)


def number_sentences(blocks: list[Block]) -> list[Sentence]:
    """Every sentence of the briefing in order: the one numbering drafts and the review share."""
    numbered: list[Sentence] = []
    paragraph_index = 0
    for block in blocks:
        for paragraph in block.paragraphs:
            for text in split_sentences(paragraph):
                numbered.append(Sentence(len(numbered), block.index, paragraph_index, text))
            paragraph_index += 1
    return numbered


_CONFIDENCE_WORD = re.compile(r"confidence", re.IGNORECASE)
_NUMBER_WORD = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twenty|"
                          r"hundred)\b", re.IGNORECASE)


def _sentence_readings(text: str, state: _State) -> list[Reading]:
    if len(text) > MAX_SENTENCE_CHARS:
        return []
    text = normalised(text)
    # Most sentences state no confidence and no number: skip what only those need.
    confidences = clause_confidences(label_first(text)) if _CONFIDENCE_WORD.search(text) else None
    text = label_first(without_asides(text))
    numbered = _NUMBER_WORD.search(text) is not None
    whole = number_judgment(text, state.published) if numbered else None
    if whole or (whole := word_judgment(text, state.published)):
        whole.confidence = analytic_confidence(text)
        return [whole]
    stated = stated_estimate(text) if numbered else None
    if not (ANCHOR.search(text) or EXPECT.match(text) or stated or lead_in(text)[1]
            or mentions_level(text)):
        return []
    body = without_stated(text, stated) if stated else text
    clauses = clauses_of(body)
    if confidences is None:
        confidences = [None] * len(clauses)
    elif len(confidences) != len(clauses):  # an aside changed the clauses: the sentence's own
        confidences = [analytic_confidence(text)] * len(clauses)
    readings = with_elided(_clause_readings(clauses, confidences, state),
                           state.casing.lower_first)
    readings = with_stated_number(stated, readings, state.published) if stated else readings
    return _shared_deadlines(readings)


def _shared_deadlines(readings: list[Reading]) -> list[Reading]:
    """A judgment with no deadline of its own shares its sentence's: the nearest one before it,
    else after it ("X is unlikely in 2027, and a summit is almost certainly not going to
    happen": the summit's is "in 2027")."""
    dated = [i for i, r in enumerate(readings) if r.horizon is not None
             or r.open_horizon is not None]
    for index, reading in enumerate(readings):
        if index in dated or not dated:
            continue
        nearest = max((i for i in dated if i < index), default=None)
        shared = readings[nearest if nearest is not None else min(dated)]
        reading.horizon, reading.open_horizon = shared.horizon, shared.open_horizon
    return readings


def _clause_readings(clauses: list[str], confidences: list[str | None],
                     state: _State) -> list[Reading]:
    """Every clause's judgments, each with its deadline and the confidence governing it."""
    readings: list[Reading] = []
    for clause, confidence in zip(clauses, confidences, strict=True):
        stripped, horizon, unknown = horizon_of(clause, state.published)
        found = readings_in(stripped, state.last_condition)
        if not found and readings and (elided := elided_copula(stripped, readings[-1])):
            found = [elided]  # "…, while a full ban is not"
        elif confidence and not found and readings:
            # Stated alone ("though we have low confidence in this"), a confidence governs
            # the judgments before it.
            for earlier in readings:
                earlier.confidence = earlier.confidence or confidence
        for reading in found:
            reading.horizon, reading.open_horizon = horizon, unknown
            reading.confidence = confidence
            readings.append(reading)
    return readings


# "We have low confidence in this", or a confidence stated alone after a judgment
# ("Confidence: moderate."), governs the judgments just made.
_BACK_REFERENCE = re.compile(r"\b(?:this|these|that|those|the\s+above|both)\b|\bin\s+it\b|"
                             r"^(?:analytic\s+)?confidence\s*[:=–—-]", re.IGNORECASE)


def _confidence_of_previous(text: str) -> str | None:
    """The analytic confidence a sentence states of the judgments before it, if it does."""
    if not _CONFIDENCE_WORD.search(text):
        return None
    confidence = analytic_confidence(text)
    return confidence if confidence and _BACK_REFERENCE.search(text) else None


def _read_sentence(sentence: _Sentence, state: _State) -> None:
    readings = _sentence_readings(sentence.text, state)
    if not readings and (confidence := _confidence_of_previous(sentence.text)):
        # "We have low confidence in this assessment.": it governs the judgments just made.
        for draft in state.drafts:
            if draft.sentence_index == sentence.index - 1 and not draft.is_condition:
                draft.confidence = draft.confidence or confidence
    if not readings:
        state.context.append(ContextSentence(sentence.block, sentence.source, sentence.index,
                                             sentence.text))
        return
    for reading in readings:
        _add_drafts(reading, sentence, state)
        state.drafts[-1].confidence = reading.confidence


def _probability(reading: Reading, yardstick: str) -> tuple[float, float, float, str | None]:
    """(point, low, high, band) for YES, numbers first, a negated judgement mirrored."""
    if reading.numbers is not None:
        low, high = reading.numbers
        if reading.negated:
            low, high = 1 - high, 1 - low
        point = min(max((low + high) / 2, 0.01), 0.99)
        return round(point, 4), round(low, 4), round(high, 4), \
            estimative.band_for(point, yardstick).term
    scale = estimative.yardstick(yardstick)
    rung = reading.rung if reading.rung is not None else estimative.EVEN
    if reading.negated:
        rung = estimative.TOP_RUNG + 1 - rung
    band = scale.band_at(rung)
    return band.point, band.low, band.high, band.term


def _deadline(reading: Reading, vp: str | None, state: _State) -> tuple[date, str]:
    """(close date, the title's deadline): the date the clause names; else, for a manager to
    set, the placeholder close date and the phrase as written ("before the rainy season"), or
    no deadline in the title at all when the sentence names none. The one place this rule is."""
    if reading.horizon is not None:
        return reading.horizon[0], deadline_phrase(vp, reading.horizon[0])
    return state.default_close, reading.open_horizon or ""


def _add_drafts(reading: Reading, sentence: _Sentence, state: _State) -> None:
    closes_at, deadline = _deadline(reading, reading.vp, state)
    condition = reading.condition
    if condition is not None and condition.ref is None:
        condition.ref = _condition_draft(condition, sentence, closes_at, state,
                                         subject_of(reading.subject),
                                         deadline if reading.horizon is None else None)
    if condition is not None:
        state.last_condition = condition
    state.drafts.append(_draft(reading, sentence, closes_at, state))


_ECHO = re.compile(r"\s+(?:either|too|as\s+well|also)$", re.IGNORECASE)


def _draft(reading: Reading, sentence: _Sentence, closes_at: date, state: _State) -> Draft:
    subject = state.casing.lower_first(subject_of(reading.subject))
    vp = trim(REASON.sub("", reading.vp)) if reading.vp is not None else None
    if vp:  # "…, and Libya almost certainly won't agree a budget either"
        vp = _ECHO.sub("", vp)
    rest = REASON.sub("", trim(reading.rest)) if reading.vp is None else ""
    rest = f" {rest}" if rest and not rest.startswith(",") else rest
    question = question_title(subject, vp, rest, _deadline(reading, vp, state)[1])
    condition = reading.condition
    if condition is not None:
        question = f"{condition.connective.capitalize()} {condition.text}, {question[0].lower()}" \
                   f"{question[1:]}"
    point, low, high, band = _probability(reading, state.yardstick)
    tag_text = sentence.text
    for sibling in reading.siblings:
        tag_text = tag_text.replace(sibling, " ")
    undated = reading.horizon is None
    unknown = reading.open_horizon if undated else None
    # The phrase as written, for the criteria: undated, or an event dated only by its month.
    note = unknown or (reading.horizon[1] if reading.horizon
                       and event_in_month(reading.horizon[1], state.published) else None)
    return Draft(
        date_needed=undated, horizon=note,
        quote=sentence.text, source=sentence.source, block=sentence.block,
        sentence_index=sentence.index, term=words_only(reading.term), probability=point,
        low=low, high=high,
        yardstick=state.yardstick, band=band, negated=reading.negated,
        conditional=condition is not None, condition=condition.text if condition else None,
        title=question,
        resolution_criteria=criteria_for(question, sentence.source, sentence.text, closes_at,
                                        condition, bool(vp and CONTINUING.match(vp)), note,
                                        publication=state.publication, dated=not undated),
        closes_at=closes_at, tags=tags_for(tag_text),
        condition_negated=bool(condition and condition.negated),
        condition_ref=condition.ref if condition else None, source_date=sentence.source_date,
    )


def _condition_draft(condition: Condition, sentence: _Sentence, closes_at: date,
                     state: _State, judged: str, undated: str | None) -> int:
    """Add (once per distinct condition) a draft asking whether the condition itself happens;
    ``undated`` (not None) is the judgment's deadline when a manager must set its date."""
    key = " ".join(condition.text.lower().split())
    if key in state.condition_drafts:
        return state.condition_drafts[key]
    deadline = f"before {closes_at.isoformat()}" if undated is None else undated
    question = _condition_question(condition, deadline, state.casing, judged)
    draft = Draft(
        quote=sentence.text, source=sentence.source, block=sentence.block,
        sentence_index=sentence.index, term=None, probability=None, low=None, high=None,
        yardstick=state.yardstick, band=None, negated=False, conditional=False, condition=None,
        title=question,
        resolution_criteria=criteria_for(question, sentence.source, sentence.text, closes_at,
                                        None, continuing=False, publication=state.publication,
                                        dated=undated is None),
        closes_at=closes_at, tags=tags_for(condition.text) or tags_for(sentence.text),
        is_condition=True, source_date=sentence.source_date, date_needed=undated is not None,
        horizon=undated or None,
    )
    state.drafts.append(draft)
    state.condition_drafts[key] = len(state.drafts) - 1
    return len(state.drafts) - 1


def _condition_question(condition: Condition, deadline: str, casing: Casing,
                        judged: str = "") -> str:
    """The question whether the condition itself happens; "it" or "they" in it stands for the
    subject of the judgment ("Egypt will ..., provided it lets the pound float")."""
    text = condition.text
    if condition.connective == "were":  # "were Minsk to release them" asks "Will Minsk release"
        text = re.sub(r"\bto\s+", "", text, count=1)
    if condition.connective in _NOUN_PHRASE_CONDITIONS:
        subject, vp = gerund_question(text)
    else:
        subject, vp = clause_question(text) or (text, "")
        if vp == "":
            return f"Will the following happen {deadline}: {text}?" if deadline else \
                f"Will the following happen: {text}?"
    if subject.lower() in ("it", "they") and judged:
        subject = judged
    return question_title(casing.lower_first(subject), vp, "", deadline)
