"""Deadlines a fresh trial found mis-dated: relative quarters and weeks, events dated only by a
month, holidays, numeric dates (an ambiguous one is flagged, never guessed). Every sentence is
written here."""

from __future__ import annotations

from datetime import date

import pytest

from tests.forecasts.briefings.parsing import one

DEFAULT = "2027-05-27"


# -------------------------------------------------------------- 6. relative deadlines

@pytest.mark.parametrize(("phrase", "closes"), [
    ("by the end of next quarter", date(2027, 4, 1)),
    ("by the end of this quarter", date(2027, 1, 1)),
    ("before the end of the current quarter", date(2027, 1, 1)),
    ("in the next quarter", date(2027, 4, 1)),
    ("by the end of next month", date(2027, 1, 1)),
    ("by the end of next year", date(2028, 1, 1)),
    ("before the end of next year", date(2028, 1, 1)),
    ("before next year", date(2027, 1, 1)),
    ("before next week", date(2026, 11, 30)),
    ("by the end of the year", date(2027, 1, 1)),
    ("at the February meeting", date(2027, 3, 1)),
    ("at its March meeting", date(2027, 4, 1)),
    ("by the June summit", date(2027, 7, 1)),
    ("before the October elections", date(2027, 11, 1)),
    ("at the November plenary", date(2026, 12, 1)),  # still to come this month
])
def test_relative_deadlines_are_dated_from_the_briefing(phrase, closes):
    draft = one(f"The central bank is likely to cut rates {phrase}.")
    assert draft.closes_at == closes and not draft.date_needed
    assert draft.title == f"Will the central bank cut rates before {closes.isoformat()}?"


def test_an_event_dated_by_its_month_keeps_its_phrase_in_the_criteria():
    draft = one("OPEC is likely to cut output at the February meeting.")
    assert draft.horizon == "at the February meeting"
    assert "\u201cat the February meeting\u201d" in draft.resolution_criteria


def test_an_event_with_no_month_still_needs_a_date():
    draft = one("The ECB is likely to hold rates at its next meeting.")
    assert draft.date_needed and draft.horizon == "at its next meeting"
    assert draft.title == "Will the ECB hold rates at its next meeting?"


# ------------------------------------------------------------------ 10. numeric dates

@pytest.mark.parametrize(("phrase", "closes"), [
    ("by 30/06/2027", date(2027, 7, 1)),       # day first: 30 is no month
    ("before 06/30/2027", date(2027, 6, 30)),  # month first: 30 is no month
    ("before 2027/06/30", date(2027, 6, 30)),
    ("by 15.03.2027", date(2027, 3, 16)),
    ("before 07/07/2027", date(2027, 7, 7)),   # both readings are one date
])
def test_an_unambiguous_numeric_date_is_read(phrase, closes):
    draft = one(f"The port is likely to reopen {phrase}.")
    assert draft.closes_at == closes and not draft.date_needed
    assert draft.title == f"Will the port reopen before {closes.isoformat()}?"


@pytest.mark.parametrize("phrase", ["before 05/06/2027", "by 03/04/2027", "by 31/31/2027"])
def test_an_ambiguous_numeric_date_is_flagged_not_guessed(phrase):
    draft = one(f"The port is likely to reopen {phrase}.")
    assert draft.date_needed and draft.horizon == phrase
    assert draft.title == f"Will the port reopen {phrase}?"  # as written, until dated


@pytest.mark.parametrize(("sentence", "title"), [
    ("The blockade at Medyka is likely to last until Christmas.",
     "Will the blockade at Medyka last until 2026-12-25?"),
    ("The ferry is likely to resume by New Year's Day.",
     "Will the ferry resume before 2027-01-02?"),
    ("Świnoujście is likely to expand its terminal before Christmas Eve.",
     "Will Świnoujście expand its terminal before 2026-12-24?"),
])
def test_holidays_are_dates_and_a_place_keeps_its_capital(sentence, title):
    assert one(sentence).title == title


@pytest.mark.parametrize(("sentence", "closes", "needed"), [
    ("The tariff is likely to be raised by the end of next week.", date(2026, 12, 7), False),
    ("The tariff is likely to be raised this week.", date(2026, 11, 30), False),
    ("The vote is likely to be held on 15/09/2027.", date(2027, 9, 16), False),
    ("The vote is likely to be held on 4/5/2027.", date(2027, 5, 27), True),
    ("The port is likely to reopen by 2027/13/40.", date(2027, 5, 27), True),
])
def test_weeks_and_dates_with_on(sentence, closes, needed):
    draft = one(sentence)
    assert (draft.closes_at, draft.date_needed) == (closes, needed)
    if needed:  # the phrase as written, no invented date, until a manager sets one
        assert draft.horizon and draft.title.endswith(f"{draft.horizon}?")
        assert closes.isoformat() not in draft.title
    else:
        assert draft.title.endswith(f"{closes.isoformat()}?") and draft.title.count("20") == 1


@pytest.mark.parametrize(("sentence", "title", "needed"), [
    ("Kyiv is unlikely to regain Crimea this decade.",
     "Will Kyiv regain Crimea before 2030-01-01?", False),
    ("Shipping is likely to resume before the 2027/28 winter.",
     "Will shipping resume before 2027-12-01?", False),
    ("Shipping is likely to be disrupted through the 2027/2028 winter.",
     "Will shipping be disrupted before 2028-03-01?", False),
    ("The Knesset will probably dissolve itself before the spring session ends.",
     "Will the Knesset dissolve itself before the spring session ends?", True),
    ("We would be surprised if Sofia had adopted the euro by then.",
     "Will Sofia have adopted the euro by then?", True),
    ("The strike is likely to end by 1.3.2027.", "Will the strike end by 1.3.2027?", True),
])
def test_decades_winters_and_deadlines_that_are_clauses(sentence, title, needed):
    draft = one(sentence)
    assert (draft.title, draft.date_needed) == (title, needed)
