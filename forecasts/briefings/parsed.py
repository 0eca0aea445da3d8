"""What the parser returns: blocks, context sentences, drafts and the parsed briefing.

A :class:`Draft` always asks the POSITIVE question and ``probability`` is P(YES). A conditional
draft carries ``condition`` and ``condition_ref``, the index in ``drafts`` of a separate draft for
the condition itself (``is_condition=True``, no term or probability).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Block:
    """The text under one ``Source:`` line (source None for text before the first one)."""

    index: int
    source: str | None  # the cited source's name, without its date
    paragraphs: tuple[str, ...]
    source_date: date | None = None

    @property
    def text(self) -> str:
        """The block's paragraphs, a blank line between each."""
        return "\n\n".join(self.paragraphs)


@dataclass(frozen=True)
class Sentence:
    """One sentence in the briefing's single numbering (``index`` counts across all blocks)."""

    index: int
    block: int
    paragraph: int  # counts across the whole briefing, like ``index``
    text: str


@dataclass(frozen=True)
class ContextSentence:
    """A sentence that is not an assessment; ``sentence_index`` counts across the whole briefing."""

    block: int
    source: str | None
    sentence_index: int
    text: str


@dataclass
class Draft:
    """A draft question prefilled from one estimative judgement (or from a condition it names)."""

    quote: str
    source: str | None
    block: int
    sentence_index: int
    term: str | None
    probability: float | None
    low: float | None
    high: float | None
    yardstick: str
    band: str | None
    negated: bool
    conditional: bool
    condition: str | None
    title: str
    resolution_criteria: str
    closes_at: date
    tags: list[str] = field(default_factory=list)
    condition_negated: bool = False
    condition_ref: int | None = None
    is_condition: bool = False
    source_date: date | None = None
    confidence: str | None = None  # analytic confidence ("low", "moderate", "high"), if stated
    date_needed: bool = False  # the horizon phrase names no computable date: a manager sets it
    horizon: str | None = None  # the horizon phrase as written, kept for the criteria

    def to_dict(self, *, extended: bool = False) -> dict[str, Any]:
        """JSON-ready values (with the analytic confidence, the "set the date" flag and the
        horizon phrase as written); ``extended`` adds sentence_index, band and the condition
        links."""
        values = {
            "quote": self.quote,
            "source": self.source,
            "term": self.term,
            "probability": self.probability,
            "low": self.low,
            "high": self.high,
            "conditional": self.conditional,
            "condition": self.condition,
            "title": self.title,
            "resolution_criteria": self.resolution_criteria,
            "closes_at": self.closes_at.isoformat(),
            "tags": list(self.tags),
            "block": self.block,
            "yardstick": self.yardstick,
            "negated": self.negated,
            # what a dry run must show to be checked: how sure, and whether the date is real
            "confidence": self.confidence,
            "date_needed": self.date_needed,
            "horizon": self.horizon,
        }
        if extended:
            values |= {
                "sentence_index": self.sentence_index,
                "band": self.band,
                "condition_negated": self.condition_negated,
                "condition_ref": self.condition_ref,
                "is_condition": self.is_condition,
                "source_date": self.source_date.isoformat() if self.source_date else None,
            }
        return values


@dataclass(frozen=True)
class ParsedBriefing:
    """Everything parse_briefing found in one briefing."""

    title: str | None
    author: str | None
    published: date
    yardstick: str
    blocks: tuple[Block, ...]
    drafts: tuple[Draft, ...]
    context: tuple[ContextSentence, ...]
    sentences: tuple[Sentence, ...] = ()
    publication: str | None = None  # as the text names it: a footer's wording or the masthead

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready values (drafts in their extended form)."""
        return {
            "title": self.title,
            "author": self.author,
            "publication": self.publication,
            "published": self.published.isoformat(),
            "yardstick": self.yardstick,
            "blocks": [{"index": b.index, "source": b.source, "text": b.text,
                        "source_date": b.source_date.isoformat() if b.source_date else None}
                       for b in self.blocks],
            "drafts": [draft.to_dict(extended=True) for draft in self.drafts],
            "context": [asdict(sentence) for sentence in self.context],
        }


def layout_record(parsed: ParsedBriefing) -> dict[str, list[dict[str, Any]]]:
    """What is stored with a briefing so the review reads the parser's own numbering:
    ``{"blocks": [{index, source, source_date}], "sentences": [{index, block, paragraph, text}]}``.
    """
    return {
        "blocks": [{"index": b.index, "source": b.source,
                    "source_date": b.source_date.isoformat() if b.source_date else None}
                   for b in parsed.blocks],
        "sentences": [asdict(sentence) for sentence in parsed.sentences],
    }
