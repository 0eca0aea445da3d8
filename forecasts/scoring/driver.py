"""Reading rows into a DataFrame straight through the database driver's cursor.

SQLAlchemy's per-row result handling cost more than the scoring itself at a million forecasts,
and more than a whole leaderboard on a cold worker; the store and the readers read through here.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy import Connection

INSTANT = "instant"  # a `dtypes` entry: the column holds instants, wanted as UTC datetimes


def read_frame(connection: Connection, statement: sa.Executable,
               dtypes: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The statement's rows (columns named as it names them), read through the driver's cursor.

    Values come as the driver gives them (SQLite: instants as ISO text). With `dtypes` (for
    each column a numpy dtype, "object" to keep the driver's values, or INSTANT), each column
    is built with its dtype, skipping pandas' per-value inference (a busy question's 20,000
    forecasts spent more there than in its crowd's medians); a NULL in a numeric column then
    raises TypeError. An INSTANT column comes as UTC datetimes, read as text on either engine
    (PostgreSQL's datetime objects cost more to make and convert than the ISO text does to
    parse), so with `dtypes` every instant column must be an INSTANT one. Bound values are
    rendered into the SQL: give them only typed integers or fixed strings of the code's own.
    """
    sql = str(statement.compile(dialect=connection.dialect,  # type: ignore[attr-defined]
                                compile_kwargs={"literal_binds": True}))
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    if dtypes is not None and connection.dialect.name == "postgresql":
        from psycopg.types.string import TextLoader

        for name in ("timestamptz", "timestamp"):
            cursor.adapters.register_loader(name, TextLoader)
    with collector_paused():
        try:
            cursor.execute(sql)
            names = [column[0] for column in cursor.description]
            rows = cursor.fetchall()
        finally:
            cursor.close()
        if dtypes is None:
            return pd.DataFrame.from_records(rows, columns=names)
        columns = zip(*rows, strict=True) if rows else ((),) * len(names)
        return pd.DataFrame({name: _column(column, dtypes[name])
                             for name, column in zip(names, columns, strict=True)})


def _column(values: tuple[object, ...], dtype: str) -> np.ndarray | pd.DatetimeIndex:
    if dtype == INSTANT:
        return pd.DatetimeIndex(pd.to_datetime(np.array(values, dtype=object), utc=True,
                                               format="ISO8601"))
    return np.array(values, dtype=dtype)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for a burst of short-lived objects (nestable).

    Rows read here are tuples that live only until their columns are built, and scoring one
    question makes thousands of small pandas objects; alive at once they set off collections
    that move them to the oldest generation, and every few requests the collector then went
    through all the process's objects: 55-100 ms, a busy question page's or a resolution's
    whole budget. With it off they are freed young (reference counting frees all that does
    not form cycles); the collector resumes on its usual schedule afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# PostgreSQL's names for the column types the score tables use, as binary COPY wants them
_COPY_TYPES = {"BOOLEAN": "bool", "FLOAT": "float8", "INTEGER": "int4", "BIGINT": "int8",
               "TIMESTAMP WITH TIME ZONE": "timestamptz"}


def copy_rows(connection: Connection, table: sa.Table, columns: list[str],
              records: Iterable[tuple[object, ...]], *, into: str | None = None) -> None:
    """PostgreSQL: append `records` (Python values in `columns`' order, None for NULL) to
    `table` (or to the table named `into`, with `table`'s columns) by COPY in binary form:
    the driver converts each value in C, where COPY's text form cost a resolution 10-14 ms
    of Python per thousand rows. Raises KeyError for a column type it has no binary name
    for."""
    types = []
    for column in columns:
        name = table.c[column].type.compile(dialect=connection.dialect)
        types.append("text" if name.startswith(("VARCHAR", "TEXT")) else _COPY_TYPES[name])
    names = ", ".join(f'"{column}"' for column in columns)
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(  # type: ignore[union-attr]
            f"COPY {into or table.name} ({names}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(types)
        for record in records:
            copy.write_row(record)
