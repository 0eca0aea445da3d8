"""Clean titles: exactly one deadline; relative horizons dated, or flagged for the manager."""

from __future__ import annotations

import re
from datetime import date

import pytest

from forecasts.briefings import parse_briefing
from forecasts.briefings.horizons import find_horizons, open_horizon

ON = date(2026, 11, 27)
DEADLINE = re.compile(r"\b(?:before|until) \d{4}-\d\d-\d\d\?$")


def only(text: str):  # type: ignore[no-untyped-def]
    [draft] = [d for d in parse_briefing(text, published=ON).drafts if not d.is_condition]
    return draft


def has_one_deadline(title: str) -> bool:
    """The title ends in its one dated deadline, and names no other."""
    body = DEADLINE.sub("", title)
    return bool(DEADLINE.search(title)) and not find_horizons(body, ON) \
        and open_horizon(body) is None and not re.search(r"\d{4}-\d\d-\d\d", body)


@pytest.mark.parametrize(("sentence", "closes"), [
    ("Moscow is likely to resume gas deliveries to Chișinău before the end of 2027.",
     date(2028, 1, 1)),
    ("Mass protests in Chișinău are likely in the coming months, before March.",
     date(2027, 3, 1)),
    ("GNSS interference incidents over the Baltic will very likely increase in December.",
     date(2027, 1, 1)),
    ("The grain corridor is likely to reopen before the summer.", date(2027, 6, 1)),
    ("The port of Klaipėda will probably reopen by the end of the first quarter.",
     date(2027, 4, 1)),
    ("Talks on the gas transit deal are likely to resume in early 2027.", date(2027, 5, 1)),
    ("The junta will likely hold elections by late 2027.", date(2028, 1, 1)),
    ("The central bank will probably cut rates in Q2 2027.", date(2027, 7, 1)),
])
def test_relative_horizons_become_one_dated_deadline(sentence, closes):
    draft = only(sentence)
    assert draft.closes_at == closes
    assert has_one_deadline(draft.title), draft.title
    assert not draft.date_needed


@pytest.mark.parametrize(("sentence", "phrase"), [
    ("The opposition is unlikely to win a majority before the presidential election.",
     "before the presidential election"),
    ("A trade deal is likely to be signed before the next G20 summit.",
     "before the next G20 summit"),
])
def test_an_undated_horizon_is_flagged_and_kept_in_the_criteria(sentence, phrase):
    draft = only(sentence)
    assert draft.date_needed and draft.horizon == phrase
    # the phrase as written is the title's one deadline until a manager sets the date
    assert draft.title.endswith(f" {phrase}?") and not DEADLINE.search(draft.title)
    assert f"\u201c{phrase}\u201d" in draft.resolution_criteria


def test_a_deadline_event_that_names_its_month_is_dated():
    draft = only("Buenos Aires is likely to lift most currency controls before the October "
                 "elections.")
    # The elections may fall on any day of October: the question runs to its end, and the
    # criteria keep the phrase so the manager can move it to the day once it is known.
    assert draft.closes_at == date(2027, 11, 1) and not draft.date_needed
    assert has_one_deadline(draft.title), draft.title
    assert "before the October elections" in draft.resolution_criteria


def test_a_pronoun_in_a_condition_stands_for_the_judgments_subject():
    parsed = parse_briefing("Egypt will very likely receive the next IMF tranche, provided it "
                            "lets the pound float.", published=ON)
    [condition] = [d for d in parsed.drafts if d.is_condition]
    assert condition.title == "Will Egypt let the pound float?"
