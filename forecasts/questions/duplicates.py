"""Duplicate questions: existing questions whose title looks like a new one.

Similarity is RapidFuzz's ``token_sort_ratio`` (0–100: the Levenshtein-based ratio of the two
titles after sorting their words, so "the ferry strike in the Aegean" matches "the Aegean ferry
strike") over casefolded titles with punctuation dropped. Titles at or above ``THRESHOLD`` are
named: 85 flags rewordings and the same question with another date ("… beyond 1 April?" beside
"… beyond 1 March?", 88), and leaves questions that merely share a topic (63 for "Will Greek
ferries strike before March?"). It is a warning: the manager may still go ahead.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from rapidfuzz import fuzz, process, utils
from sqlmodel import Session, col, select

from forecasts.models import Question

K = TypeVar("K", bound=Hashable)  # whatever the caller keys its titles by
THRESHOLD = 85.0
MAX_SHOWN = 3


@dataclass(frozen=True)
class Similar:
    """An existing question like the one being made, and how alike (0–100)."""

    question_id: int
    title: str
    score: float


def _comparable(title: str) -> str:
    return utils.default_process(title.casefold())


def similar_questions(
    session: Session, titles: Mapping[K, str], *,
    exclude: Mapping[K, Iterable[int]] | None = None,
) -> dict[K, list[Similar]]:
    """For each keyed title, up to ``MAX_SHOWN`` existing questions at least ``THRESHOLD`` alike.

    ``exclude`` names, per key, question ids not to report (the question itself, or those
    published from that draft). Keys with nothing similar are left out. Every question's
    title is compared (drafts included): one query, then RapidFuzz in C++.
    """
    wanted = {key: title for key, title in titles.items() if title.strip()}
    if not wanted:
        return {}
    existing = {qid: title for qid, title in session.exec(select(col(Question.id),
                                                                 col(Question.title)))
                if qid is not None}
    if not existing:
        return {}
    choices = {qid: _comparable(title) for qid, title in existing.items()}
    found: dict[K, list[Similar]] = {}
    for key, title in wanted.items():
        skip = set((exclude or {}).get(key, ()))
        matches = process.extract(_comparable(title), choices, scorer=fuzz.token_sort_ratio,
                                  score_cutoff=THRESHOLD, limit=MAX_SHOWN + len(skip))
        similar = [Similar(question_id=qid, title=existing[qid], score=score)
                   for _text, score, qid in matches if qid not in skip][:MAX_SHOWN]
        if similar:
            found[key] = similar
    return found


def similar_to(session: Session, title: str, *, exclude: Iterable[int] = ()) -> list[Similar]:
    """The existing questions like ``title`` (see ``similar_questions``), best first."""
    return similar_questions(session, {0: title}, exclude={0: exclude}).get(0, [])
