"""URL converters: an id in a path is parsed by the one bound, so a bad id is a 404, never a 500."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import BaseConverter, Map, ValidationError

from forecasts import bounds


class RowIdConverter(BaseConverter):
    """``<int:...>`` in every route: ASCII digits naming 1 … ``bounds.ID_MAX``, else no match.

    Werkzeug's own converter matches any Unicode digit and any size, so "²" reached ``int()``
    and 2**31 reached PostgreSQL's INTEGER columns; both now simply match no route (404).
    """

    regex = r"[0-9]+"
    weight = 50
    part_isolating = True

    def __init__(self, map: Map, *args: object, **kwargs: object) -> None:
        super().__init__(map)

    def to_python(self, value: str) -> int:
        try:
            return bounds.parse_id(value)
        except bounds.OutOfBounds:
            raise ValidationError() from None

    def to_url(self, value: object) -> str:
        return str(int(value))  # type: ignore[call-overload]


def init_app(app: Flask) -> None:
    """Register before the blueprints: a rule takes its converter when it is added."""
    app.url_map.converters["int"] = RowIdConverter
    app.url_map.converters["id"] = RowIdConverter
