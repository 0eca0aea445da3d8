"""Click parameter types for the `forecasts` command: click's own types, held to the forms' bounds.

click parses (``click.DateTime``, ``click.IntRange``, ``click.Choice``, ``click.Path``); these
add what the forms also refuse (digits other than 0–9, days outside 1970–2200, control
characters, over-long text). A refused value stops the command with one line on stderr,
"Error: --date: …", and exit status 2 (like ``web.cli.CommandError``), not click's usage block.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

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


def _refuse(param: click.Parameter | None, message: str) -> InputRefused:
    return InputRefused(f"{_label(param)}: {message}")


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
            raise _refuse(param, problem)
        return text


class BoundedDay(click.ParamType):
    """A day YYYY-MM-DD in ASCII digits, from 1970-01-01 to 2200-12-31, as a ``date``.

    ``click.DateTime`` parses; this adds the ASCII and range rules and returns the day.
    """

    name = "YYYY-MM-DD"

    def __init__(self) -> None:
        self.parser = click.DateTime(formats=["%Y-%m-%d"])

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> date:
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        text = str(value).strip()
        # strptime's %Y also takes other scripts' digits ("٢٠٢٦"); the forms do not.
        if not text.isascii():
            raise _refuse(param, f"write the date as YYYY-MM-DD in the digits 0–9, not {text!r}.")
        try:
            moment = self.parser.convert(text, param, ctx)
        except click.BadParameter:
            raise _refuse(param, f"write the date as YYYY-MM-DD, not {text!r}.") from None
        problem = bounds.day_problem(moment.date())
        if problem:
            raise _refuse(param, problem)
        return moment.date()


class BoundedWhole(click.ParamType):
    """A whole number from ``low`` to ``high`` in ASCII digits (click's INT takes "٣" and "²").

    ``click.IntRange`` parses and bounds; this refuses other scripts' digits first.
    """

    name = "integer"

    def __init__(self, low: int, high: int) -> None:
        self.range = click.IntRange(min=low, max=high)

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> int:
        text = str(value).strip()
        message = (f"give a whole number from {self.range.min} to {self.range.max}, "
                   f"not {text[:40]!r}.")
        # The length cap keeps int() off huge inputs (and under Python's 4,300-digit limit).
        if not (text.isascii() and text.isdigit()) or len(text) > len(str(self.range.max)) + 20:
            raise _refuse(param, message)
        try:
            number: int = self.range.convert(int(text), param, ctx)
        except click.BadParameter:
            raise _refuse(param, message) from None
        return number


class OneOf(click.Choice):
    """One of a fixed set of words; a wrong one is named on one line with the choices.

    ``aliases`` maps deprecated words to choices; they are accepted but not listed.
    """

    def __init__(self, choices: Sequence[str], aliases: Mapping[str, str] | None = None) -> None:
        super().__init__(choices)
        self.aliases = dict(aliases or {})

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        if isinstance(value, str):
            value = self.aliases.get(value, value)
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            raise _refuse(param, f"choose one of {', '.join(map(str, self.choices))}, "
                                 f"not {str(value)[:40]!r}.") from None


class ExistingFile(click.Path):
    """A file that exists and is readable, as a ``Path``."""

    def __init__(self) -> None:
        super().__init__(exists=True, dir_okay=False, readable=True, path_type=Path)

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter as error:
            raise _refuse(param, error.message) from None


class NewFile(click.Path):
    """Where a command writes a file: not a folder, in a folder that exists, as a ``Path``."""

    def __init__(self) -> None:
        super().__init__(dir_okay=False, writable=True, path_type=Path)

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        try:
            path = Path(os.fsdecode(super().convert(value, param, ctx)))
        except click.BadParameter as error:
            raise _refuse(param, error.message) from None
        if not path.parent.resolve().is_dir():
            raise _refuse(param, f"the folder {str(path.parent)!r} does not exist.")
        return path
