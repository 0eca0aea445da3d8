"""Each user's time zone, and the one way a moment is written for people.

Times are stored in UTC; people read them in their own IANA zone (``Europe/Berlin``), chosen on
their profile, UTC by default. Every page and every email writes a moment the same way: ISO
8601 calendar date and 24-hour clock to the minute, then the zone's UTC offset, with ``UTC``
for UTC itself — ``2026-11-29 23:12 UTC``, ``2026-11-30 01:12 +02:00``.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from forecasts.errors import ValidationFailed

DEFAULT_ZONE = "UTC"
ISO_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$")
MAX_NAME_LENGTH = 64  # the longest IANA name is 32 characters; room for future ones
UNKNOWN = "Choose a time zone from the list, such as Europe/Berlin or UTC."


@cache
def zone_names() -> tuple[str, ...]:
    """Every IANA zone name this machine knows (the tzdata package where the OS has none),
    sorted, UTC first; the ``posix/`` and ``right/`` copies and ``localtime`` are left out."""
    names = sorted(name for name in available_timezones()
                   if not name.startswith(("posix/", "right/")) and name != "localtime")
    return (DEFAULT_ZONE, *[name for name in names if name != DEFAULT_ZONE])


def check_zone(name: str | None) -> str:
    """The zone name, trimmed; raises ValidationFailed on "time_zone" for anything IANA lacks."""
    name = (name or "").strip()
    if not name:
        return DEFAULT_ZONE
    if len(name) > MAX_NAME_LENGTH or name not in zone_names():
        raise ValidationFailed({"time_zone": UNKNOWN})
    return name


@cache
def zone(name: str | None) -> tzinfo:
    """The tzinfo for a stored name; UTC for None or a name this machine no longer knows."""
    if not name or name == DEFAULT_ZONE:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def _moment(value: datetime | date | str) -> datetime | date | None:
    """A datetime or date; ISO 8601 text (as JSON evidence stores it) is parsed, else None."""
    if isinstance(value, datetime | date):
        return value
    if not isinstance(value, str) or not ISO_TEXT.match(value.strip()):
        return None  # other text (a title, a number) is never read as a date
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment if "T" in value or " " in value.strip() else moment.date()


def format_moment(value: datetime | date | str | None, zone_name: str | None = DEFAULT_ZONE,
                  *, with_time: bool = True) -> str:
    """``value`` in the zone, written ``YYYY-MM-DD HH:MM`` and ``UTC`` or ``±HH:MM``.

    A naive datetime is taken as UTC (every stored time is UTC); a date stays a date; with
    ``with_time=False`` only the zone's calendar date is written. None gives a dash, and text
    that is not ISO 8601 is returned as it is.
    """
    if value is None:
        return "—"
    moment = _moment(value)
    if moment is None:
        return str(value)
    if not isinstance(moment, datetime):
        return moment.isoformat()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(zone(zone_name))
    if not with_time:
        return local.strftime("%Y-%m-%d")
    offset = local.utcoffset()
    if zone_name in (None, DEFAULT_ZONE) or offset is None:
        return local.strftime("%Y-%m-%d %H:%M UTC")
    minutes = round(offset.total_seconds() / 60)
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return local.strftime("%Y-%m-%d %H:%M ") + f"{sign}{hours:02d}:{minutes:02d}"
