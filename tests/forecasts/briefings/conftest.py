"""Shared fixtures for the briefing parser's tests: the fixture briefings and the seed."""

from __future__ import annotations

from datetime import date

import pytest

from forecasts.briefings import ParsedBriefing, parse_briefing
from tests.support.briefing_files import PUBLISHED, SEED, fixture_text


@pytest.fixture(scope="module")
def harbour() -> ParsedBriefing:
    # A 4-month default tells defaulted close dates apart from "in the coming months" (6 months).
    return parse_briefing(fixture_text("harbour-watch.txt"), published=PUBLISHED,
                          default_horizon_months=4)


@pytest.fixture(scope="module")
def seed() -> ParsedBriefing:
    if not SEED.is_file():
        pytest.skip(f"seed briefing not found at {SEED}")
    return parse_briefing(SEED.read_text(encoding="utf-8"), published=date(2022, 12, 1))
