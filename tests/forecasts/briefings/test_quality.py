"""Import quality over the labelled fixture briefings: recall, false drafts, probabilities in
band, conditionals flagged, one deadline per title. Prints the figures (run with -s to see)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date

import pytest

from forecasts.briefings import Draft, parse_briefing
from forecasts.briefings.horizons import find_horizons, open_horizon
from tests.support.briefing_files import FIXTURES

PUBLISHED = date(2026, 11, 27)
LABELS = json.loads((FIXTURES / "labels.json").read_text("utf-8"))
DEADLINE = re.compile(r"\b(?:before|until) \d{4}-\d\d-\d\d\?$")


def one_deadline(draft: Draft) -> bool:
    """The title ends in its dated deadline and names no other deadline; a draft whose date a
    manager sets names at most its phrase as written ("before the rainy season"), no date."""
    title = draft.title
    if draft.date_needed:
        body = title.replace(draft.horizon, " ", 1) if draft.horizon else title
        return not DEADLINE.search(title) and not find_horizons(body, PUBLISHED) \
            and open_horizon(body) is None and not re.search(r"\d{4}-\d\d-\d\d", body)
    body = DEADLINE.sub("", title)
    return bool(DEADLINE.search(title)) and not find_horizons(body, PUBLISHED) \
        and open_horizon(body) is None and not re.search(r"\d{4}-\d\d-\d\d", body)


@dataclass
class Figures:
    labelled: int = 0
    found: int = 0
    in_band: int = 0
    conditional: int = 0
    conditional_flagged: int = 0
    drafts: int = 0
    false_drafts: int = 0
    titles: int = 0
    two_deadlines: int = 0


def _matches(draft: Draft, about: str) -> bool:
    return not draft.is_condition and about.lower() in draft.title.lower()


def _score(name: str, labelled: dict, totals: Figures) -> None:  # type: ignore[type-arg]
    """Add one fixture's figures to ``totals``, printing every miss."""
    parsed = parse_briefing((FIXTURES / name).read_bytes(), published=PUBLISHED,
                            yardstick=labelled["yardstick"])
    judgments = [d for d in parsed.drafts if not d.is_condition]
    matched: set[int] = set()
    for label in labelled["assessments"]:
        totals.labelled += 1
        totals.conditional += label["conditional"]
        hits = [i for i, d in enumerate(judgments) if _matches(d, label["about"])]
        if not hits:
            print(f"MISSED {name}: {label['about']}")
            continue
        draft = judgments[hits[0]]
        matched.add(hits[0])
        totals.found += 1
        low, high = label["band"]
        if draft.probability is not None and low - 1e-9 <= draft.probability <= high + 1e-9:
            totals.in_band += 1
        else:
            print(f"OUT OF BAND {name}: {draft.title} {draft.probability} not in {low}-{high}")
        if label["conditional"] and draft.conditional:
            totals.conditional_flagged += 1
        elif label["conditional"]:
            print(f"NOT FLAGGED {name}: {draft.title}")
    totals.drafts += len(judgments)
    for i, draft in enumerate(judgments):
        if i not in matched:
            totals.false_drafts += 1
            print(f"FALSE DRAFT {name}: {draft.title}")
    for draft in parsed.drafts:
        totals.titles += 1
        if not one_deadline(draft):
            totals.two_deadlines += 1
            print(f"DEADLINES {name}: {draft.title}")


@pytest.fixture(scope="module")
def figures() -> Figures:
    totals = Figures()
    for name, labelled in LABELS.items():
        if not name.startswith("_"):
            _score(name, labelled, totals)
    recall = totals.found / totals.labelled
    print(f"\nBriefing import quality over {len(LABELS) - 1} fixtures, {totals.labelled} labelled "
          f"assessments:\n  recall {recall:.1%} ({totals.found}/{totals.labelled})\n"
          f"  false drafts {totals.false_drafts / max(totals.drafts, 1):.1%} "
          f"({totals.false_drafts}/{totals.drafts})\n"
          f"  in band {totals.in_band / max(totals.found, 1):.1%} "
          f"({totals.in_band}/{totals.found})\n"
          f"  conditionals flagged {totals.conditional_flagged / max(totals.conditional, 1):.1%} "
          f"({totals.conditional_flagged}/{totals.conditional})\n"
          f"  titles with other than one deadline: {totals.two_deadlines} of {totals.titles}")
    return totals


def test_there_are_at_least_twelve_labelled_fixtures():
    assert len([name for name in LABELS if not name.startswith("_")]) >= 12


def test_recall_is_at_least_95_percent(figures):
    assert figures.found / figures.labelled >= 0.95


def test_false_drafts_are_at_most_5_percent(figures):
    assert figures.false_drafts / figures.drafts <= 0.05


def test_probabilities_in_band_at_least_95_percent(figures):
    assert figures.in_band / figures.found >= 0.95


def test_conditionals_flagged_at_least_90_percent(figures):
    assert figures.conditional_flagged / figures.conditional >= 0.90


def test_no_title_has_two_deadlines(figures):
    assert figures.two_deadlines == 0
