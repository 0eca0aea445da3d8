"""Click parameter types for the `forecasts` command, parsed by the same bounds as the forms.

A refused value stops the command with one line on stderr and exit status 2 (like
``web.cli.CommandError``), not click's usage block.
"""

from __future__ import annotations

from datetime import date

import click

from forecasts import bounds


class InputRefused(click.ClickException):
    """A value outside its bound: "Error: --date: …" on stderr, exit status 2."""

    exit_code = 2


def _label(param: click.Parameter | None) -> str:
    if param is None:
        return "value"
    return param.opts[-1] if param.opts and param.opts[-1].startswith("-") else \
        (param.name or "value").upper()


class BoundedText(click.ParamType):
    """Text within a ``bounds.TextLimit`` (length, no control characters)."""

    name = "text"

    def __init__(self, limit: bounds.TextLimit) -> None:
        self.limit = limit

    def convert(self, value: object, param: click.Parameter | None,
                ctx: click.Context | None) -> str:
        text = str(value)
        problem = self.limit.problem(text)
        if problem:
            raise InputRefused(f"{_label(param)}: {problem}")
        return text


class BoundedDay(click.ParamType):
    """A day YYYY-MM-DD in ASCII digits, from 1970-01-01 to 2200-12-31."""

    name = "YYYY-MM-DD"

    def convert(self, value: object, param: click.Parameter | None,
                ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return bounds.parse_day(str(value), name=_label(param))
        except bounds.OutOfBounds as error:
            raise InputRefused(str(error)) from None


class BoundedWhole(click.ParamType):
    """A whole number from ``low`` to ``high`` in ASCII digits (click's INT takes "٣")."""

    name = "integer"

    def __init__(self, low: int, high: int) -> None:
        self.low, self.high = low, high

    def convert(self, value: object, param: click.Parameter | None,
                ctx: click.Context | None) -> int:
        try:
            return bounds.parse_whole(str(value), low=self.low, high=self.high, name=_label(param))
        except bounds.OutOfBounds as error:
            raise InputRefused(str(error)) from None
