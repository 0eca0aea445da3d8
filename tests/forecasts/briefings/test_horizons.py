"""Horizon phrases as dates."""

from __future__ import annotations

from datetime import date

import pytest

from forecasts.briefings import (
    parse_briefing,
)
from forecasts.briefings.horizons import find_horizon
from tests.support.briefing_files import PUBLISHED, only


@pytest.mark.parametrize(
    ("phrase", "closes"),
    [
        ("before March", date(2026, 3, 1)),
        ("by March", date(2026, 4, 1)),
        ("in the next six months", date(2026, 5, 15)),
        ("in the next 6 months", date(2026, 5, 15)),
        ("before the end of the year", date(2026, 1, 1)),
        ("through the first half of next year", date(2026, 7, 1)),
        ("in the second half of 2026", date(2027, 1, 1)),
        ("in the next twelve months", date(2026, 11, 15)),
        ("by 2027", date(2028, 1, 1)),
        ("before 2027", date(2027, 1, 1)),
        ("within weeks", date(2025, 12, 27)),
        ("within two weeks", date(2025, 11, 29)),
        ("in the coming months", date(2026, 5, 15)),
        ("by mid-2026", date(2026, 7, 1)),
        ("by the end of next year", date(2027, 1, 1)),
        ("this winter", date(2026, 3, 1)),
        ("next month", date(2026, 1, 1)),
    ],
)
def test_horizon_phrases_relative_to_publication(phrase, closes):
    found = find_horizon(f"Russia will probably advance {phrase}.", PUBLISHED)
    assert found == (closes, phrase)


def test_no_horizon_or_one_in_the_past_falls_back_to_the_default():
    assert find_horizon("Russia will probably advance.", PUBLISHED) is None
    assert find_horizon("Russia will probably advance by 2024.", PUBLISHED) is None
    (draft,) = parse_briefing("Russia will probably advance by 2024.", published=PUBLISHED,
                              default_horizon_months=3).drafts
    assert draft.closes_at == date(2026, 2, 15)


def test_a_horizon_in_the_text_sets_the_close_date_and_leaves_the_title(harbour):
    corridor = only(harbour.drafts, "Danube corridor")
    # "in the coming months" (six), not the four-month default
    assert corridor.closes_at == date(2026, 5, 15)
    assert "coming months" not in corridor.title


def test_a_default_horizon_under_a_month_is_refused():
    with pytest.raises(ValueError, match="at least 1"):
        parse_briefing("Chad is unlikely to leave.", published=PUBLISHED, default_horizon_months=0)


# Explicit calendar dates, read against a briefing of 28 November 2026. "before D" closes on D,
# as "before June" closes on 1 June; "by D" lets D count, so it closes the next day, as "by
# June" closes on 1 July.
DATED = date(2026, 11, 28)


@pytest.mark.parametrize(
    ("deadline", "closes"),
    [
        ("before 1 June 2027", date(2027, 6, 1)),
        ("before June 1, 2027", date(2027, 6, 1)),
        ("before June 1 2027", date(2027, 6, 1)),
        ("before 2027-06-01", date(2027, 6, 1)),
        ("before 31 December 2027", date(2027, 12, 31)),
        ("by 30 June 2027", date(2027, 7, 1)),
        ("by 31 December 2027", date(2028, 1, 1)),
        ("by 1 June", date(2027, 6, 2)),  # no year: the next 1 June after publication
        ("by June 1", date(2027, 6, 2)),
        ("before 15 December", date(2026, 12, 15)),  # later this year, so this year
        ("until 3 March 2027", date(2027, 3, 3)),
        ("no later than the 1st of June 2027", date(2027, 6, 2)),
        ("on or before 2027-06-01", date(2027, 6, 2)),
        ("ahead of 12 Feb 2027", date(2027, 2, 12)),
        ("prior to Monday, 1 March 2027", date(2027, 3, 1)),
        ("before 29 February", date(2028, 2, 29)),  # the next one there is
    ],
)
def test_an_explicit_date_is_the_deadline_and_leaves_the_title(deadline, closes):
    (draft,) = parse_briefing(f"Peru will probably call a snap election {deadline}.",
                              published=DATED).drafts
    assert draft.closes_at == closes
    assert draft.title == f"Will Peru call a snap election before {closes.isoformat()}?"
    assert not draft.date_needed


def test_a_continuing_state_holds_until_the_date_written():
    (draft,) = parse_briefing("The governor will likely stay in office until 1 May 2027.",
                              published=DATED).drafts
    assert draft.title == "Will the governor stay in office until 2027-05-01?"
    assert draft.closes_at == date(2027, 5, 1)


def test_with_two_deadlines_the_earlier_date_holds_and_the_title_has_one():
    (draft,) = parse_briefing("Peru will probably call a snap election in the coming months, "
                              "before 1 March 2027.", published=DATED).drafts
    assert draft.closes_at == date(2027, 3, 1)
    assert draft.title == "Will Peru call a snap election before 2027-03-01?"


def test_a_date_no_calendar_has_is_left_for_the_manager_to_date():
    (draft,) = parse_briefing("Peru will probably call a snap election by 31 June 2027.",
                              published=DATED, default_horizon_months=4).drafts
    assert draft.date_needed
    assert draft.horizon == "by 31 June 2027"
    assert draft.closes_at == date(2027, 3, 28)
    assert draft.title == "Will Peru call a snap election by 31 June 2027?"  # as written


def test_a_date_already_past_is_not_a_deadline():
    assert find_horizon("Peru will probably call a snap election before 1 June 2026.",
                        DATED) is None
