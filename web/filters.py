"""Template filters: percentages, UTC times and scores shown the same way everywhere."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from flask import Flask


def percent(probability: float | None) -> str:
    """0.305 → '30.5 %'; one decimal at most, as forecasters enter them."""
    if probability is None:
        return "—"
    return f"{probability * 100:.1f}".removesuffix(".0") + " %"


def utc(moment: datetime | None, with_time: bool = True) -> str:
    if moment is None:
        return "—"
    return moment.strftime("%Y-%m-%d %H:%M UTC" if with_time else "%Y-%m-%d")


def score(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def http_url(url: str | None) -> str:
    """``url`` if it is an absolute http(s) address, else '': only those may become links.

    Stored URLs come from forms, feeds and imports; a ``javascript:`` or ``data:`` one rendered
    as an href would run in the viewer's session when clicked.
    """
    if not url:
        return ""
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else ""


def relative(value: float | None) -> str:
    """A relative score with its sign; a dash where there was no peer to be relative to."""
    return "—" if value is None or value != value else f"{value:+.3f}"  # NaN != NaN


def init_app(app: Flask) -> None:
    app.add_template_filter(percent)
    app.add_template_filter(utc)
    app.add_template_filter(score)
    app.add_template_filter(http_url)
    app.add_template_filter(relative)
