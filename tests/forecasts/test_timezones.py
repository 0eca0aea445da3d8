"""One way to write a moment: ISO 8601, 24-hour clock, in the reader's IANA zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forecasts.errors import ValidationFailed
from forecasts.timezones import check_zone, format_moment, zone_names

MOMENT = datetime(2026, 11, 29, 23, 12, 45, 782570, tzinfo=UTC)


def test_utc_and_offsets_are_written_to_the_minute():
    assert format_moment(MOMENT) == "2026-11-29 23:12 UTC"
    assert format_moment(MOMENT, "Africa/Cairo") == "2026-11-30 01:12 +02:00"
    assert format_moment(MOMENT, "America/St_Johns") == "2026-11-29 19:42 -03:30"
    assert format_moment(MOMENT, "Europe/Berlin", with_time=False) == "2026-11-30"


def test_summer_time_follows_the_zones_rules():
    summer = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    assert format_moment(summer, "Europe/London") == "2026-07-01 13:00 +01:00"
    assert format_moment(MOMENT, "Europe/London") == "2026-11-29 23:12 +00:00"


def test_stored_text_and_dates_are_read_but_other_text_is_left_alone():
    assert format_moment(MOMENT.isoformat(), "UTC") == "2026-11-29 23:12 UTC"
    assert format_moment("2026-11-29T23:12:45Z") == "2026-11-29 23:12 UTC"
    assert format_moment(date(2026, 11, 29), "Asia/Tokyo") == "2026-11-29"
    assert format_moment(datetime(2026, 11, 29, 23, 12)) == "2026-11-29 23:12 UTC"  # naive: UTC
    for text in ("20261129", "Will it happen?", "5", ""):
        assert format_moment(text) == text
    assert format_moment(None) == "—"


def test_only_iana_names_are_accepted():
    assert check_zone(" Europe/Berlin ") == "Europe/Berlin"
    assert check_zone("") == "UTC"
    assert zone_names()[0] == "UTC" and "Asia/Kolkata" in zone_names()
    for bad in ("Mars/Olympus", "CEST", "../../etc/passwd", "Europe/Berlin\x00", "x" * 200,
                "posix/Europe/Berlin"):
        with pytest.raises(ValidationFailed) as refused:
            check_zone(bad)
        assert "time_zone" in refused.value.fields


@given(st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2200, 12, 30),
                    timezones=st.just(UTC)),
       st.sampled_from(["UTC", "Europe/Berlin", "Asia/Kolkata", "America/St_Johns",
                        "Pacific/Chatham", "Australia/Lord_Howe"]))
def test_the_written_moment_is_the_same_instant_to_the_minute(moment, zone):
    written = format_moment(moment, zone)
    local, offset = written.rsplit(" ", 1)
    suffix = "+00:00" if offset == "UTC" else offset
    read = datetime.fromisoformat(local.replace(" ", "T") + suffix)
    assert timedelta(0) <= moment - read < timedelta(minutes=1)
