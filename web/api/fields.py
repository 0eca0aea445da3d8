"""The API's field types, each enforcing and documenting a rule of ``forecasts.bounds``.

The OpenAPI document is made from these same types, so a limit it states (``maxLength``,
``minimum``, ``maximum``, a date's range) is the limit the server enforces, and both are the
limits the pages, the README and the domain use: every number here is read from ``bounds``. The
messages are the pages' too (``bounds`` writes them), so the API and a form refuse alike.

- ``Within(limit)``: text of at most ``limit.max_length`` characters, refusing the control and
  invisible characters the domain refuses.
- ``Whole(low, high)``: a whole number in ``[low, high]``; in a query string ASCII digits only
  (not "1.0", "1e3" or "٣"), in a JSON body an integer (not ``true`` or ``1.0``).
- ``Day``: a day written ``YYYY-MM-DD`` within the service's date range (not a datetime, a
  timestamp or "20261130").
- ``Moment``: a timezone-aware time written as text (not a Unix timestamp) whose UTC day is
  within the range, returned in UTC.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import AwareDatetime, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from forecasts import bounds


def _refuse(kind: str, message: str) -> PydanticCustomError:
    # The message goes in as context, so braces in it are never read as a template.
    return PydanticCustomError(kind, "{message}", {"message": message})


def _name(info: core_schema.ValidationInfo) -> str:
    """The field's name as the client writes it (``from_`` is the query's ``from``)."""
    return (info.field_name or "value").rstrip("_")


@dataclass(frozen=True)
class Within:
    """``Annotated[str, Within(bounds.TITLE)]``: text within a ``bounds.TextLimit``."""

    limit: bounds.TextLimit

    def __get_pydantic_core_schema__(self, source: Any,
                                     handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_after_validator_function(self._check, handler(source))

    def __get_pydantic_json_schema__(self, schema: CoreSchema,
                                     handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        found = handler(schema)
        found["maxLength"] = self.limit.max_length
        return found

    def _check(self, value: str) -> str:
        if problem := self.limit.problem(value):
            raise _refuse("text_limit", problem)
        return value


@dataclass(frozen=True)
class Whole:
    """``Annotated[int, Whole(low, high)]``: a whole number from ``low`` to ``high``."""

    low: int
    high: int

    def __get_pydantic_core_schema__(self, source: Any,
                                     handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.with_info_before_validator_function(self._parse, handler(source))

    def __get_pydantic_json_schema__(self, schema: CoreSchema,
                                     handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        found = handler(schema)
        found.update(minimum=self.low, maximum=self.high)
        return found

    def _parse(self, value: object, info: core_schema.ValidationInfo) -> int:
        name = _name(info)
        try:
            if isinstance(value, str):  # a query string: the page's own parser and message
                return bounds.parse_whole(value, low=self.low, high=self.high, name=name)
            if type(value) is int:
                return bounds.parse_whole(str(value), low=self.low, high=self.high, name=name)
        except bounds.OutOfBounds as error:
            raise _refuse("whole_number", str(error)) from None
        raise _refuse("whole_number",
                      f"{name} must be a whole number from {self.low} to {self.high}.")


def _day(value: object, info: core_schema.ValidationInfo) -> date:
    name = _name(info)
    try:
        if isinstance(value, str):
            return bounds.parse_day(value, name=name)
    except bounds.OutOfBounds as error:
        raise _refuse("day", str(error)) from None
    raise _refuse("day", f"{name} must be a date written YYYY-MM-DD.")


@dataclass(frozen=True)
class _Rule:
    """``check`` run around pydantic's own schema (which still documents the format), and the
    range written into the field's description."""

    check: Callable[..., Any]
    description: str
    before: bool = True

    def __get_pydantic_core_schema__(self, source: Any,
                                     handler: GetCoreSchemaHandler) -> CoreSchema:
        if self.before:
            return core_schema.with_info_before_validator_function(self.check, handler(source))
        return core_schema.no_info_after_validator_function(self.check, handler(source))

    def __get_pydantic_json_schema__(self, schema: CoreSchema,
                                     handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        found = handler(schema)
        found.setdefault("description", self.description)
        return found


def _written_moment(value: object, info: core_schema.ValidationInfo) -> object:
    """A time is text, its day YYYY-MM-DD, with its UTC offset: not a Unix timestamp (JSON has
    no time type) nor a time without an offset, which would be read in no particular zone."""
    if isinstance(value, datetime):
        return value
    try:
        if isinstance(value, str) and value[10:11] in ("T", "t", " "):
            bounds.parse_day(value[:10])
            if datetime.fromisoformat(value.upper()).tzinfo is not None:  # RFC 3339: t, z
                return value
    except (bounds.OutOfBounds, ValueError):
        pass
    raise _refuse("moment", f"{_name(info)} must be a date and time written "
                            "YYYY-MM-DDTHH:MM:SS with its UTC offset (Z or +01:00).")


def _in_range(moment: datetime) -> datetime:
    if problem := bounds.day_problem(moment):
        raise _refuse("date_range", problem)
    return moment.astimezone(UTC)


Day = Annotated[date, _Rule(_day, f"A day written YYYY-MM-DD, {bounds.DATE_RANGE}.")]
_MOMENT = f"A time with its UTC offset, on a day {bounds.DATE_RANGE} (UTC)."
Moment = Annotated[AwareDatetime, _Rule(_in_range, _MOMENT, before=False),
                   _Rule(_written_moment, _MOMENT)]
Id = Annotated[int, Whole(1, bounds.ID_MAX)]
