"""Feed judging: dates read only when stated without guessing, patterns in linear time."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from forecasts.resolution.comparison import BadAnswer
from forecasts.resolution.feeds import PatternError, compile_pattern, read_feed, stated_date

WINDOW = {"starts": datetime(2026, 10, 15, tzinfo=UTC), "ends": datetime(2026, 12, 15, tzinfo=UTC)}


def rss(*items: tuple[str, str]) -> bytes:
    entries = "".join(f"<item><title>{title}</title><link>http://example.org/{n}</link>"
                      f"<pubDate>{date}</pubDate></item>" for n, (title, date) in enumerate(items))
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Desk</title>'
            f"{entries}</channel></rss>").encode()


@pytest.mark.parametrize(("raw", "moment"), [
    ("Sun, 15 Nov 2026 09:00:00 GMT", datetime(2026, 11, 15, 9, tzinfo=UTC)),
    ("15 Nov 2026 10:00:00 +0100", datetime(2026, 11, 15, 9, tzinfo=UTC)),
    ("Sun, 15 Nov 2026 09:00:00 -0000", datetime(2026, 11, 15, 9, tzinfo=UTC)),
    ("2026-11-15T09:00:00Z", datetime(2026, 11, 15, 9, tzinfo=UTC)),
    ("2026-11-15T04:00:00-05:00", datetime(2026, 11, 15, 9, tzinfo=UTC)),
    ("2026-11-15 09:00:00.5+00:00", datetime(2026, 11, 15, 9, 0, 0, 500000, tzinfo=UTC)),
])
def test_dates_stated_in_rfc_2822_or_iso_8601_with_a_zone_are_read(raw, moment):
    assert stated_date(raw) == moment


@pytest.mark.parametrize("raw", [
    "2026/03/15 09:00:00", "15/11/2026", "November 15, 2026", "2026-11-15", "2026-11-15T09:00",
    "Sun, 15 Nov 2026 09:00:00", "yesterday", "", None, 20261115,
])
def test_dates_that_would_need_a_guess_are_no_usable_date(raw):
    assert stated_date(raw) is None


def test_a_slashed_date_never_fires_whatever_the_day_of_the_check():
    """feedparser reads 2026/03/15 as the 1st of the current month; here it is no date."""
    body = rss(("Strike called off", "2026/03/15 09:00:00"))

    finding = read_feed(body, compile_pattern("called off", is_regex=False), **WINDOW)

    assert finding.match is None and finding.undated_matches == 1


def test_a_dated_entry_in_the_window_matches_and_one_outside_does_not():
    body = rss(("Strike called off in 2019", "Mon, 07 Jan 2019 10:00:00 GMT"),
               ("Strike CALLED OFF after talks", "Sun, 15 Nov 2026 09:00:00 GMT"))

    finding = read_feed(body, compile_pattern(r"called\s+off", is_regex=True), **WINDOW)

    assert finding.match == {"title": "Strike CALLED OFF after talks",
                             "link": "http://example.org/1",
                             "published": "2026-11-15T09:00:00+00:00"}


def test_a_keyword_is_literal_text():
    matcher = compile_pattern("a.b (c)", is_regex=False)
    assert matcher.search("x A.B (C) y") and not matcher.search("axb c")


def test_what_is_not_a_feed_is_a_bad_answer():
    with pytest.raises(BadAnswer):
        read_feed(b"<html><body>down for maintenance", compile_pattern("x", is_regex=False),
                  **WINDOW)


def test_a_catastrophic_pattern_runs_in_linear_time():
    """(a+)+$ takes seconds with backtracking at 28 characters, doubling with each one more."""
    matcher = compile_pattern("(a+)+$", is_regex=True)
    title = "a" * 100_000 + "!"
    started = time.perf_counter()

    assert matcher.search(title) is None
    body = rss(*[(title[:5000], "Sun, 15 Nov 2026 09:00:00 GMT")] * 20)
    assert read_feed(body, matcher, **WINDOW).match is None

    assert time.perf_counter() - started < 2.0  # backtracking would take longer than the universe


@pytest.mark.parametrize("pattern", ["(", "a{2,1}", r"(a)\1", "(?<=x)y", "(?=x)", "[z-a]"])
def test_patterns_re2_cannot_run_are_refused_with_the_reason(pattern):
    with pytest.raises(PatternError, match="RE2"):
        compile_pattern(pattern, is_regex=True)


def test_a_malformed_feed_says_so_and_a_file_name_is_never_opened(tmp_path):
    secret = tmp_path / "feed.xml"
    secret.write_bytes(rss(("Strike called off", "Sun, 15 Nov 2026 09:00:00 GMT")))
    matcher = compile_pattern("called off", is_regex=False)

    with pytest.raises(BadAnswer):  # the answer is a path; its file is not read
        read_feed(str(secret).encode(), matcher, **WINDOW)
    broken = rss(("Other news", "Sun, 15 Nov 2026 09:00:00 GMT")).replace(b"</channel>", b"")
    finding = read_feed(broken, matcher, **WINDOW)
    assert finding.match is None and finding.malformed
