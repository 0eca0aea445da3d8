"""Shared fixtures for the briefing parser's tests: the fixture briefings and the seed."""

from __future__ import annotations

from datetime import date

import pytest

from forecasts.briefings import ParsedBriefing, parse_briefing
from tests.support.briefing_files import PUBLISHED, fixture_text
from tests.support.environment import seed_briefing


@pytest.fixture(scope="module")
def harbour() -> ParsedBriefing:
    # A 4-month default tells defaulted close dates apart from "in the coming months" (6 months).
    return parse_briefing(fixture_text("harbour-watch.txt"), published=PUBLISHED,
                          default_horizon_months=4)


@pytest.fixture(scope="module")
def seed() -> ParsedBriefing:
    text = seed_briefing().read_text(encoding="utf-8")
    return parse_briefing(text, published=date(2022, 12, 1))
