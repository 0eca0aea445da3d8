"""What the parser returns: blocks, context sentences, drafts and the parsed briefing.

A :class:`Draft` always asks the POSITIVE question and ``probability`` is P(YES). A conditional
draft carries ``condition`` and ``condition_ref``, the index in ``drafts`` of a separate draft for
the condition itself (``is_condition=True``, no term or probability).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any


class BriefingError(ValueError):
    """The briefing cannot be read: empty, binary or undecodable, or too large."""


@dataclass(frozen=True)
class Block:
    """The text under one ``Source:`` line (source None for text before the first one)."""

    index: int
    source: str | None
    paragraphs: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


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

    def to_dict(self, *, extended: bool = False) -> dict[str, Any]:
        """JSON-ready values; ``extended`` adds sentence_index, band and the condition links."""
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
        }
        if extended:
            values |= {
                "sentence_index": self.sentence_index,
                "band": self.band,
                "condition_negated": self.condition_negated,
                "condition_ref": self.condition_ref,
                "is_condition": self.is_condition,
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

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready values (drafts in their extended form)."""
        return {
            "title": self.title,
            "author": self.author,
            "published": self.published.isoformat(),
            "yardstick": self.yardstick,
            "blocks": [{"index": b.index, "source": b.source, "text": b.text} for b in self.blocks],
            "drafts": [draft.to_dict(extended=True) for draft in self.drafts],
            "context": [asdict(sentence) for sentence in self.context],
        }

