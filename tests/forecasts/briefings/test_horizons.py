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
