"""The one place where the product writes CSV, with every cell safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import IO

import pandas as pd

# OWASP "CSV Injection": a cell starting with one of these is read as a formula by Excel,
# LibreOffice and Google Sheets; a leading apostrophe makes them show it as text instead.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A cell value that no spreadsheet runs as a formula: text starting with = + - @ tab or CR
    gets a leading apostrophe. Numbers stay numbers (a negative score is not a formula).

    Text that already starts with an apostrophe gets one more, so :func:`restore` can undo
    exactly what was added (spreadsheets hide one leading apostrophe anyway).
    """
    if isinstance(value, str) and value.startswith((*FORMULA_STARTS, "'")):
        return "'" + value
    return value


def restore(cell: str) -> str:
    """Undo :func:`neutralise` on a cell read back from one of our CSV files."""
    return cell[1:] if cell.startswith("'") else cell


def write_csv(stream: IO[str], columns: Sequence[str],
              rows: Iterable[Mapping[str, object] | Sequence[object]]) -> int:
    """Write a header and rows (dicts keyed by column, or sequences) with every cell neutralised.

    Returns the number of rows written. Quoting is the csv module's (RFC 4180 style).
    """
    writer = csv.writer(stream)
    writer.writerow([neutralise(name) for name in columns])
    count = 0
    for row in rows:
        values = [row.get(name) for name in columns] if isinstance(row, Mapping) else list(row)
        writer.writerow([_cell(v) for v in values])
        count += 1
    return count


def _cell(value: object) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""  # a missing number is an empty cell, as spreadsheets expect
    return neutralise(value)


def write_table(stream: IO[str], table: pd.DataFrame) -> int:
    """Write a DataFrame's columns and rows through :func:`write_csv` (never ``to_csv``)."""
    return write_csv(stream, [str(c) for c in table.columns], table.itertuples(index=False))


def csv_text(columns: Sequence[str],
             rows: Iterable[Mapping[str, object] | Sequence[object]]) -> str:
    """The CSV as a string (for downloads and zips)."""
    buffer = io.StringIO()
    write_csv(buffer, columns, rows)
    return buffer.getvalue()
