"""Template filters: percentages, UTC times and scores shown the same way everywhere."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from flask import Flask
from markupsafe import Markup, escape

MINUS = "\u2212"  # the true minus sign, as the charts draw it; a hyphen is not a minus


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


def utc(moment: datetime | None, with_time: bool = True) -> str:
    if moment is None:
        return "—"
    return moment.strftime("%Y-%m-%d %H:%M UTC" if with_time else "%Y-%m-%d")


def score(value: float | None) -> str:
    """A Brier score or one of its terms (or a log score) to 3 decimals: 0.125 → '0.125';
    a negative one with the true minus sign; a dash when there is none."""
    return "—" if value is None or value != value else signed(f"{value:.3f}")


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


def relative(value: float | None) -> str:
    """A relative score with its sign; a dash where there was no peer to be relative to."""
    return "—" if value is None or value != value else signed(f"{value:+.3f}")  # NaN != NaN


def init_app(app: Flask) -> None:
    app.add_template_filter(percent)
    app.add_template_filter(utc)
    app.add_template_filter(score)
    app.add_template_filter(external_link)
    app.add_template_filter(relative)
