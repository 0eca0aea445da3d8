"""Exports as files: one dataset as CSV or JSON, or everything a viewer may see as a zip with
a README of the columns.
"""

from __future__ import annotations

import io
import json
import math
import zipfile
from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session

from forecasts.errors import ValidationFailed
from forecasts.exports import datasets
from forecasts.exports.cells import csv_text
from forecasts.exports.datasets import DATASETS, ExportFilter
from forecasts.models import Role, User
from forecasts.scoring.reader import ScoreCache

FORMATS = ("csv", "json")


def rows_of(name: str, session: Session, cache: ScoreCache, viewer: User,
            where: ExportFilter) -> tuple[list[str], Iterable[dict[str, object]]]:
    """A dataset's columns and rows for this viewer; raises ValidationFailed for a bad name."""
    if name == "questions":
        return list(datasets.QUESTION_COLUMNS), datasets.question_rows(session, viewer, where)
    if name == "forecasts":
        return list(datasets.FORECAST_COLUMNS), datasets.forecast_rows(session, viewer, where)
    if name == "scores":
        return list(datasets.SCORE_COLUMNS), datasets.score_rows(session, cache, viewer, where)
    if name == "leaderboard":
        return datasets.leaderboard_rows(session, cache, viewer, where)
    raise ValidationFailed({"dataset": f"Choose one of: {', '.join(DATASETS)}."})


def _plain(value: object) -> object:
    if isinstance(value, float) and math.isnan(value):
        return None
    return value.item() if hasattr(value, "item") else value


def render(name: str, fmt: str, session: Session, cache: ScoreCache, viewer: User,
           where: ExportFilter) -> str:
    """One dataset as CSV (cells neutralised) or as a JSON list of objects."""
    if fmt not in FORMATS:
        raise ValidationFailed({"format": "Choose csv or json."})
    columns, rows = rows_of(name, session, cache, viewer, where)
    if fmt == "csv":
        return csv_text(columns, rows)
    return json.dumps([{k: _plain(row.get(k)) for k in columns} for row in rows],
                      ensure_ascii=False, indent=1)


def readme(viewer: User, where: ExportFilter, now: datetime) -> str:
    """The zip's README: what each file holds, column by column."""
    scope = ("everything in the database" if viewer.has_role(Role.manager)
             else f"the data of {viewer.username}: published questions, your forecasts, "
                  "your scores beside the crowd's")
    lines = [f"# Forecast tracker export, {datasets.iso(now)}", "",
             f"This archive holds {scope}.",
             f"Filters: tag {where.tag or '(any)'}, period {where.start or '…'} to "
             f"{where.end or '…'}.", "",
             "Times are UTC (ISO 8601). Probabilities are P(YES) from 0 to 1. Cells that would "
             "start a spreadsheet formula (= + - @) begin with an apostrophe.", ""]
    for name, columns in DATASETS.items():
        lines += [f"## {name}.csv", ""]
        lines += [f"- `{column}`: {meaning}" for column, meaning in columns.items()]
        lines.append("")
    return "\n".join(lines)


def bundle(session: Session, cache: ScoreCache, viewer: User, where: ExportFilter,
           now: datetime) -> bytes:
    """Every dataset the viewer may see, as CSV files in one zip with a README."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.md", readme(viewer, where, now))
        for name in DATASETS:
            archive.writestr(f"{name}.csv", render(name, "csv", session, cache, viewer, where))
    return buffer.getvalue()
