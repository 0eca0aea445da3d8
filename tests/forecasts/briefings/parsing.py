"""Parsing one sentence or a few, as the grammar tests of this package do."""

from __future__ import annotations

from datetime import date

from forecasts.briefings import Draft, parse_briefing

ON = date(2026, 11, 27)  # the briefings' date: a Friday in the fourth quarter


def judgments(text: str) -> list[Draft]:
    """The drafts parsed from ``text`` (published ``ON``), without the conditions' own drafts."""
    return [d for d in parse_briefing(text, published=ON).drafts if not d.is_condition]


def one(text: str) -> Draft:
    """The one judgment in ``text``; fails the test when there are none or several."""
    found = judgments(text)
    assert len(found) == 1, [d.title for d in found]
    return found[0]
