"""Query strings read through ``request.args.get(type=…)`` with the bounds: a bad value is a 400
with a message, never a 500 and never silently the default.

Every view reads numbers, ids, days, choices and free text from the query string only through
these functions; ``init_app`` refuses control characters in any query-string value before a view
runs. Werkzeug's ``type=`` turns a ``ValueError`` into the default, which would hide a typo, so
each converter here stops the request with a 400 (an ``HTTPException``, which it lets through).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from datetime import date
from functools import partial
from typing import NoReturn, TypeVar, overload

from flask import Flask, abort, request

from forecasts import bounds

QUERY_TEXT = bounds.QUERY_TEXT  # a filter value (tag, team, publication ...)
T = TypeVar("T")


def _refuse(message: str) -> NoReturn:
    abort(400, description=message)


def _strict(parse: Callable[[str], T]) -> Callable[[str], T]:
    """``parse`` as a ``type=`` converter that answers 400 instead of falling back."""
    def convert(raw: str) -> T:
        try:
            return parse(raw)
        except bounds.OutOfBounds as error:
            _refuse(str(error))
    return convert


def _given(name: str) -> bool:
    return request.args.get(name, "") != ""


@overload
def whole(name: str, default: int, low: int, high: int) -> int: ...


@overload
def whole(name: str, default: int | None, low: int, high: int) -> int | None: ...


def whole(name: str, default: int | None, low: int, high: int) -> int | None:
    """``?name=`` as a whole number in ``[low, high]`` (ASCII digits); blank gives ``default``."""
    if not _given(name):
        return default
    return request.args.get(name, type=_strict(
        partial(bounds.parse_whole, low=low, high=high, name=name)))


def parse_row_id(raw: str, name: str = "id") -> int:
    """A row id already read from the query string; aborts with 400 when it is not one."""
    return _strict(partial(bounds.parse_id, name=name))(raw)


def row_id(name: str = "id") -> int | None:
    """``?name=`` as a row id (1 … 2³¹−1 in ASCII digits); None when blank."""
    if not _given(name):
        return None
    return request.args.get(name, type=_strict(partial(bounds.parse_id, name=name)))


def day(name: str) -> date | None:
    """``?name=`` as a day YYYY-MM-DD from 1970-01-01 to 2200-12-31; None when blank."""
    if not _given(name):
        return None
    return request.args.get(name, type=_strict(partial(bounds.parse_day, name=name)))


def period(start: str = "from", end: str = "to") -> tuple[date | None, date | None]:
    """Two days bounding a period (both included); 400 when the start is after the end."""
    first, last = day(start), day(end)
    if first and last and first > last:
        _refuse(f"The period's start ({start}) must not be after its end ({end}).")
    return first, last


def _within(limit: bounds.TextLimit, name: str, raw: str) -> str:
    problem = limit.problem(raw)
    if problem:
        _refuse(f"In ?{name}=, {problem[:1].lower()}{problem[1:]}")
    return raw


def text(name: str, default: str = "", limit: bounds.TextLimit = QUERY_TEXT) -> str:
    """``?name=`` as one line of text within ``limit`` (control characters refused)."""
    return request.args.get(name, default, type=partial(_within, limit, name))


def choice(name: str, allowed: Collection[str], default: str,
           aliases: Mapping[str, str] | None = None) -> str:
    """``?name=`` as one of ``allowed``; blank gives ``default``, anything else is a 400.

    ``aliases`` maps deprecated values to the ones in ``allowed`` (not named in the message).
    """
    def one_of(raw: str) -> str:
        raw = (aliases or {}).get(raw, raw)
        if raw not in allowed:
            named = [value for value in allowed if value]  # a blank choice is leaving it out
            if len(named) == 1:
                _refuse(f"{name}: give {named[0]} or leave it out.")
            _refuse(f"{name}: choose one of {', '.join(named)}.")
        return raw

    if not _given(name):
        return default
    return request.args.get(name, default, type=one_of)


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
