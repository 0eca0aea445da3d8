"""Query strings parsed through the bounds: a bad value is a 400 with a message, never a 500.

Views read numbers, ids, days and free text from ``request.args`` only through these
functions; ``init_app`` refuses control characters in any query-string value before a view runs.
"""

from __future__ import annotations

from datetime import date
from typing import overload

from flask import Flask, abort, request

from forecasts import bounds

QUERY_TEXT = bounds.TextLimit(1_000)  # a filter value (tag, team, publication ...)


@overload
def whole(name: str, default: int, low: int, high: int) -> int: ...


@overload
def whole(name: str, default: int | None, low: int, high: int) -> int | None: ...


def whole(name: str, default: int | None, low: int, high: int) -> int | None:
    """``?name=`` as a whole number in ``[low, high]`` (ASCII digits); blank gives ``default``."""
    raw = request.args.get(name, "")
    if raw == "":
        return default
    try:
        return bounds.parse_whole(raw, low=low, high=high, name=name)
    except bounds.OutOfBounds as error:
        abort(400, description=str(error))


def parse_row_id(raw: str, name: str = "id") -> int:
    """A row id already read from the query string; aborts with 400 when it is not one."""
    try:
        return bounds.parse_id(raw, name=name)
    except bounds.OutOfBounds as error:
        abort(400, description=str(error))


def day(name: str) -> date | None:
    """``?name=`` as a day YYYY-MM-DD from 1970-01-01 to 2200-12-31; None when blank."""
    raw = request.args.get(name, "")
    if raw == "":
        return None
    try:
        return bounds.parse_day(raw, name=name)
    except bounds.OutOfBounds as error:
        abort(400, description=str(error))


def text(name: str, default: str = "") -> str:
    """``?name=`` as one line of text within ``QUERY_TEXT`` (control characters refused)."""
    raw = request.args.get(name, default)
    problem = QUERY_TEXT.problem(raw)
    if problem:
        abort(400, description=f"{name}: {problem}")
    return raw


def choice(name: str, allowed: list[str], default: str) -> str:
    """``?name=`` as one of ``allowed``; blank gives ``default``, anything else is a 400."""
    raw = request.args.get(name, "")
    if raw == "":
        return default
    if raw not in allowed:
        abort(400, description=f"{name}: choose one of {', '.join(allowed)}.")
    return raw


# ``next`` is judged whole by web.redirects.local_target, which sends anything unsafe to the home
# page: a sign-in must not fail because the link that led to it was bad.
CHECKED_ELSEWHERE = frozenset({"next"})


def _refuse_control_characters() -> None:
    for key, value in request.args.items(multi=True):
        if key in CHECKED_ELSEWHERE:
            continue
        if bounds.control_problem(key) or bounds.control_problem(value):
            abort(400, description="The address holds a control character (such as NUL); "
                                   "remove it and try again.")


def init_app(app: Flask) -> None:
    """Check every request's query string before its view runs."""
    app.before_request(_refuse_control_characters)
