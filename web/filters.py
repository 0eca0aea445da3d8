"""Template filters: percentages, times and scores shown the same way everywhere."""

from __future__ import annotations

import logging
import threading
from datetime import date, datetime
from urllib.parse import urlsplit

from flask import Flask, g
from flask_login import current_user
from linkify_it import LinkifyIt
from markupsafe import Markup, escape
from sqlalchemy.exc import SQLAlchemyError

from forecasts import timezones
from forecasts.accounts import profile
from forecasts.messages import counted, source_failures
from web.database import get_session

logger = logging.getLogger(__name__)

MINUS = "\u2212"  # the true minus sign, as the charts draw it; a hyphen is not a minus


def viewer_zone() -> str:
    """The IANA zone the signed-in user reads times in (UTC when signed out), once a request.

    An error page drawn while the database fails still renders, in UTC.
    """
    if "time_zone" not in g:
        g.time_zone = timezones.DEFAULT_ZONE
        if current_user.is_authenticated:
            try:
                g.time_zone = profile.time_zone_of(get_session(),
                                                   current_user._get_current_object())
            except SQLAlchemyError:
                logger.exception("Reading the viewer's time zone failed; showing UTC")
    return g.time_zone


def when(moment: datetime | date | str | None, with_time: bool = True) -> str:
    """The one way a page writes a moment: ISO 8601, 24-hour clock, in the viewer's zone
    (``2026-11-29 23:12 UTC``, ``2026-11-30 01:12 +02:00``); ``with_time=False``: the date."""
    return timezones.format_moment(moment, viewer_zone(), with_time=with_time)


def signed(text: str) -> str:
    """A formatted number with its hyphen-minus replaced by the true minus sign "−"."""
    return text.replace("-", MINUS)


def percent(probability: float | None, unit: bool = True) -> str:
    """0.305 → '30.5 %'; one decimal at most, as forecasters enter them. ``unit=False`` leaves
    off the ' %' (for the first number of a range, '10–20 %')."""
    if probability is None or probability != probability:  # NaN != NaN
        return "—"
    number = signed(f"{probability * 100:.1f}".removesuffix(".0"))
    return number + " %" if unit else number


def score(value: float | None) -> str:
    """A Brier score or one of its terms (or a log score) to 3 decimals: 0.125 → '0.125';
    a negative one with the true minus sign; a dash when there is none."""
    return "—" if value is None or value != value else _three_places(value, "")


def web_url(url: object) -> str | None:
    """The URL when it is an absolute http(s) address, else None: the one rule for every
    address from outside (sources, feed entries, briefings) before it becomes an href."""
    if not isinstance(url, str):
        return None
    candidate = url.strip()
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return candidate


def external_link(url: object, text: object = None) -> Markup:
    """``<a href>`` to ``url`` showing ``text`` (the URL itself by default) if the URL is
    http(s); otherwise just the text, escaped, so ``javascript:`` and the like never link."""
    label = escape(text if text not in (None, "") else (url or ""))
    href = web_url(url)
    if href is None:
        return Markup(label)
    return Markup('<a href="{}" rel="noopener noreferrer nofollow">{}</a>').format(href, label)


_local = threading.local()  # LinkifyIt keeps match state on itself: one per thread


def linkify(text: str) -> Markup:
    """``text`` escaped, with the http(s) addresses in it (``web_url``'s rule) as links;
    other schemes (``javascript:``, ``ftp:``, ``mailto:``) stay text."""
    finder = getattr(_local, "finder", None)
    if finder is None:
        finder = _local.finder = LinkifyIt()
    parts: list[Markup] = []
    at = 0
    for match in finder.match(text) or []:
        href = web_url(match.url) if match.schema else None  # bare "www." names are not links
        if href is None:
            continue
        parts.append(escape(text[at:match.index]))
        parts.append(Markup('<a href="{}" rel="nofollow noopener noreferrer">{}</a>')
                     .format(href, match.text))
        at = match.last_index
    parts.append(escape(text[at:]))
    return Markup("").join(parts)


def relative(value: float | None) -> str:
    """A relative score with its sign; a dash where there was no peer to be relative to."""
    return "—" if value is None or value != value else _three_places(value, "+")  # NaN != NaN


def _three_places(value: float, sign: str) -> str:
    """``value`` to 3 decimals with the true minus sign; one that rounds to zero is "0.000",
    since "−0.000" or "+0.000" would claim a direction the shown digits do not have."""
    text = f"{value:{sign}.3f}"
    return "0.000" if float(text) == 0 else signed(text)


def init_app(app: Flask) -> None:
    app.add_template_filter(percent)
    app.add_template_filter(when)
    app.add_template_filter(score)
    app.add_template_global(viewer_zone)
    app.add_template_global(source_failures)
    app.add_template_global(counted)
    app.add_template_filter(external_link)
    app.add_template_filter(linkify)
    app.add_template_filter(relative)
