"""The seed briefing (kept outside the repository, in shared/seed/)."""

from __future__ import annotations

import pytest

from forecasts.briefings import (
    Draft,
    ParsedBriefing,
)
from tests.support.briefing_files import only


@pytest.mark.parametrize(
    ("words", "low", "high", "source"),
    [
        ("NATO deployment in Ukraine", 0.55, 0.80, "AP News"),
        ("deployment of NATO personnel", 0.20, 0.45, "Research Briefings"),
        ("cross-border firing incidents", 0.20, 0.45, "Research Briefings"),
        ("Will NATO confront Russian forces", 0.01, 0.05, "Research Briefings"),
        ("continue to flow to Ukraine", 0.95, 0.99, "Research Briefings"),
        ("near-abroad", 0.20, 0.45, "Research Briefings"),
        ("Greece and Turkey", 0.20, 0.45, "Research Briefings"),
    ],
)
def test_seed_judgements_become_drafts_in_their_icd203_band(seed, words, low, high, source):
    draft = seed_draft(seed, words)
    assert low <= draft.probability <= high
    assert (draft.low, draft.high) == (low, high)
    assert draft.source == source


def test_seed_nato_deployment_is_conditional_on_wmd_use(seed):
    draft = seed_draft(seed, "NATO deployment in Ukraine")
    assert draft.conditional is True
    assert "weapons of mass destruction" in draft.condition
    condition = seed.drafts[draft.condition_ref]
    assert condition.is_condition is True
    assert condition.title.startswith("Will Russia utilise weapons of mass destruction")
    # "In such a scenario" in the next block refers back to the same condition.
    personnel = seed_draft(seed, "deployment of NATO personnel")
    assert personnel.conditional is True
    assert personnel.condition_ref == draft.condition_ref


def test_seed_will_not_confront_is_a_small_probability_for_the_positive_question(seed):
    draft = seed_draft(seed, "confront")
    assert draft.title.startswith("Will NATO confront Russian forces on the ground in Ukraine")
    assert draft.negated is True
    assert draft.probability < 0.1


def test_seed_tags_name_the_places_of_each_clause(seed):
    assert {"Russia", "Caucasus", "Central Asia"} <= set(seed_draft(seed, "near-abroad").tags)
    assert "Greece" not in seed_draft(seed, "near-abroad").tags
    assert {"Greece", "Turkey", "Aegean Sea"} <= set(seed_draft(seed, "Greece and Turkey").tags)


def test_seed_byline_footer_and_facts_are_not_drafts(seed):
    assert seed.author == "Paul Mutter"
    quotes = " ".join(d.quote for d in seed.drafts)
    context = " ".join(c.text for c in seed.context)
    for junk in ("Paul Mutter", "Keep Informed", "inbox"):
        assert junk not in quotes and junk not in context
    for fact in ("lost control of almost half", "aerial campaign"):
        assert fact not in quotes
        assert fact in context
    assert [b.source for b in seed.blocks] == ["Reuters", "AP News", "Research Briefings"]


def seed_draft(seed: ParsedBriefing, words: str) -> Draft:
    return only(seed.drafts, words)
