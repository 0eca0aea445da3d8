"""Running sums of the score store, kept in step with it, so a cold page reads a few rows.

Two summaries (tables in forecasts/models.py), both sums over question_score rows:

- score_cell: per (kind, subject, decile of the final forecast), the sums the leaderboard's
  means and Murphy terms follow from (reader.py); about 10 rows per forecaster;
- horizon_cell and horizon_sample: per horizon, how many final forecasts had each (probability,
  outcome), and how many questions have one: the calibration-by-horizon sample, exactly.

Sums can be updated by differences: when a question is rescored, its old rows (as deleted) are
subtracted and its new rows added, in the same transaction. A rebuild recomputes them outright.
Definitions: docs/scoring.md.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy import Connection

from forecasts.models import HorizonCell, HorizonSample, ScoreCell
from forecasts.scoring.driver import copy_rows, read_frame
from forecasts.scoring.frames import POLICIES
from forecasts.scoring.horizons import FINAL_COLUMNS

CELL = ScoreCell.__table__  # type: ignore[attr-defined]
HORIZON_CELL = HorizonCell.__table__  # type: ignore[attr-defined]
HORIZON_SAMPLE = HorizonSample.__table__  # type: ignore[attr-defined]
CELL_KEYS = ("kind", "subject_id", "decile")
CELL_SUMS: tuple[str, ...] = (
    "scores", "probability", "outcome", "forecasts", "coverage", "peered",
    *(f"brier_{policy}" for policy in POLICIES), *(f"relative_{policy}" for policy in POLICIES),
)
# what a summary needs of a score row (store.py deletes rows returning these)
ROW_COLUMNS: tuple[str, ...] = (
    "question_id", "kind", "subject_id", "decile", "probability", "outcome", "forecasts",
    "coverage", "peers", *(f"brier_{policy}" for policy in POLICIES),
    *(f"crowd_brier_{policy}" for policy in POLICIES), *FINAL_COLUMNS.values(),
)


def score_cells(rows: pd.DataFrame) -> pd.DataFrame:
    """score_cell's rows for these score rows: CELL_KEYS then CELL_SUMS."""
    if rows.empty:
        return pd.DataFrame(columns=[*CELL_KEYS, *CELL_SUMS])
    peered = rows["peers"].to_numpy() > 0
    parts = {column: rows[column].to_numpy() for column in CELL_KEYS}
    sums = {"scores": np.ones(len(rows), dtype=np.int64),
            "probability": rows["probability"].to_numpy(dtype=float),
            "outcome": rows["outcome"].to_numpy(dtype=float),
            "forecasts": rows["forecasts"].to_numpy(dtype=np.int64),
            "coverage": rows["coverage"].to_numpy(dtype=float),
            "peered": peered.astype(np.int64)}
    for policy in POLICIES:
        brier = rows[f"brier_{policy}"].to_numpy(dtype=float)
        sums[f"brier_{policy}"] = brier
        # the crowd's Brier is NaN-free only where the row has peers; the sum leaves the rest out
        sums[f"relative_{policy}"] = np.where(
            peered, brier - rows[f"crowd_brier_{policy}"].to_numpy(dtype=float), 0.0)
    return _sums(parts, {name: sums[name] for name in CELL_SUMS})


def horizon_cells(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """horizon_cell's rows (horizon, probability, outcome, forecasts) and horizon_sample's
    (horizon, questions) for these score rows."""
    horizons, probability, outcome, samples = [], [], [], []
    question = rows["question_id"].to_numpy()
    for horizon, column in FINAL_COLUMNS.items():
        final = rows[column].to_numpy(dtype=float)
        made = ~np.isnan(final)
        horizons.append(np.full(int(made.sum()), horizon, dtype=object))
        probability.append(final[made])
        outcome.append(rows["outcome"].to_numpy(dtype=float)[made])
        samples.append((horizon, int(np.unique(question[made]).size)))
    count = sum(part.size for part in probability)
    cells = _sums({"horizon": np.concatenate(horizons), "probability": np.concatenate(probability),
                   "outcome": np.concatenate(outcome)},
                  {"forecasts": np.ones(count, dtype=np.int64)})
    return cells, pd.DataFrame(samples, columns=["horizon", "questions"])


def _sums(keys: dict[str, np.ndarray], values: dict[str, np.ndarray]) -> pd.DataFrame:
    """Per distinct combination of `keys`, sorted as pandas' groupby sorts them, the sums of
    `values` (integers stay integers): groupby(keys).sum() without its fixed cost per call,
    which the summaries of one resolution paid several times over. No key may be missing."""
    rows = len(next(iter(values.values())))
    if rows == 0:
        return pd.DataFrame({**{name: column[:0] for name, column in keys.items()},
                             **{name: column[:0] for name, column in values.items()}})
    combined = np.zeros(rows, dtype=np.int64)
    for column in keys.values():
        code, unique = pd.factorize(column, sort=True)
        if (code < 0).any():
            raise ValueError("a summary's key is missing")
        combined = combined * len(unique) + code
    group, inverse = np.unique(combined, return_inverse=True)
    first = np.empty(group.size, dtype=np.int64)
    first[inverse[::-1]] = np.arange(rows - 1, -1, -1)  # each group's first row
    frame = {name: column[first] for name, column in keys.items()}
    for name, column in values.items():
        total = np.bincount(inverse, weights=column, minlength=group.size)
        frame[name] = total.astype(np.int64) if column.dtype.kind in "iub" else total
    return pd.DataFrame(frame)


def _upsert(connection: Connection, table: sa.Table, keys: tuple[str, ...],
            frame: pd.DataFrame) -> None:
    """Add `frame`'s sums to the table's rows with the same keys (new keys are inserted).

    Straight to the driver, in the ON CONFLICT form both engines share: SQLAlchemy's per-row
    parameter handling cost more than the sums themselves. SQLite takes one executemany;
    PostgreSQL one statement over the rows staged by binary COPY (a statement per row kept a
    resolution waiting on its server about a fifth longer, and the driver's conversion of
    array parameters cost more than the statement). `frame`'s keys must be distinct.
    """
    if frame.empty:
        return
    columns = list(frame.columns)
    sums = [column for column in columns if column not in keys]
    names = ", ".join(f'"{column}"' for column in columns)
    added = ", ".join(f'"{column}" = {table.name}."{column}" + excluded."{column}"'
                      for column in sums)
    conflict = f" ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {added}"
    # .tolist() gives Python numbers and strings, which every driver binds
    values = [frame[column].tolist() for column in columns]
    if connection.dialect.name == "postgresql":
        # staged by binary COPY in a temporary table of this connection, emptied at commit
        staged = f"staged_{table.name}"
        connection.exec_driver_sql(
            f"CREATE TEMP TABLE IF NOT EXISTS {staged} ON COMMIT DELETE ROWS AS "
            f"SELECT {names} FROM {table.name} WITH NO DATA")
        connection.exec_driver_sql(f"DELETE FROM {staged}")
        copy_rows(connection, table, columns, zip(*values, strict=True), into=staged)
        connection.exec_driver_sql(
            f"INSERT INTO {table.name} ({names}) SELECT {names} FROM {staged}{conflict}")
        return
    marks = ", ".join(["?"] * len(columns))
    connection.exec_driver_sql(f"INSERT INTO {table.name} ({names}) VALUES ({marks}){conflict}",
                               list(zip(*values, strict=True)))


def _difference(old: pd.DataFrame, new: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    both = pd.concat([new, old.assign(**{c: -old[c] for c in old.columns if c not in keys})],
                     ignore_index=True)
    return both.groupby(keys, as_index=False).sum() if len(both) else both


def update(connection: Connection, old: pd.DataFrame, new: pd.DataFrame) -> None:
    """Replace `old` score rows' share of the summaries by `new` rows' (ROW_COLUMNS each)."""
    if old.empty and new.empty:
        return
    if old.empty:  # a first resolution only adds: no differences to take, no cell to empty
        add(connection, new)
        return
    cells = _difference(score_cells(old), score_cells(new), list(CELL_KEYS))
    _upsert(connection, CELL, CELL_KEYS, cells)
    old_cells, old_samples = horizon_cells(old)
    new_cells, new_samples = horizon_cells(new)
    cells = _difference(old_cells, new_cells, ["horizon", "probability", "outcome"])
    _upsert(connection, HORIZON_CELL, ("horizon", "probability", "outcome"), cells)
    _upsert(connection, HORIZON_SAMPLE, ("horizon",),
            _difference(old_samples, new_samples, ["horizon"]))
    # a cell nothing is left in goes, so the summaries hold only what the rows say
    connection.execute(sa.delete(CELL).where(CELL.c.scores == 0))
    connection.execute(sa.delete(HORIZON_CELL).where(HORIZON_CELL.c.forecasts == 0))


def add(connection: Connection, rows: pd.DataFrame) -> None:
    """Add these score rows (of questions the summaries do not hold yet) to the summaries."""
    if rows.empty:
        return
    horizon, sample = horizon_cells(rows)
    _upsert(connection, CELL, CELL_KEYS, score_cells(rows))
    _upsert(connection, HORIZON_CELL, ("horizon", "probability", "outcome"), horizon)
    _upsert(connection, HORIZON_SAMPLE, ("horizon",), sample)


_TABLES = ((CELL, CELL_KEYS), (HORIZON_CELL, ("horizon", "probability", "outcome")),
           (HORIZON_SAMPLE, ("horizon",)))


class Totals:
    """The summaries of disjoint sets of questions (rebuild's batches), summed as they come."""

    def __init__(self) -> None:
        self._sums: list[pd.DataFrame | None] = [None, None, None]

    def add(self, rows: pd.DataFrame) -> None:
        """Fold in the summaries of these score rows."""
        if rows.empty:
            return
        horizon, sample = horizon_cells(rows)
        for index, part in enumerate((score_cells(rows), horizon, sample)):
            keys = list(_TABLES[index][1])
            held = self._sums[index]
            both = part if held is None else pd.concat([held, part], ignore_index=True)
            self._sums[index] = both.groupby(keys, as_index=False).sum()

    def write(self, connection: Connection) -> None:
        """Add the totals to the (emptied) tables."""
        for (table, keys), total in zip(_TABLES, self._sums, strict=True):
            if total is not None and not total.empty:
                _upsert(connection, table, keys, total)


def clear(connection: Connection) -> None:
    """Empty every summary (a rebuild starts here)."""
    for table in (CELL, HORIZON_CELL, HORIZON_SAMPLE):
        connection.execute(sa.delete(table))


def read_cells(connection: Connection, kind: str = "binary") -> pd.DataFrame:
    """Every score_cell row of a kind: subject_id, decile and CELL_SUMS."""
    query = sa.select(*(CELL.c[name] for name in ("subject_id", "decile", *CELL_SUMS)))
    frame = read_frame(connection, query.where(CELL.c.kind == kind))
    if frame.empty:
        return pd.DataFrame({name: pd.Series(dtype="float64")
                             for name in ("subject_id", "decile", *CELL_SUMS)})
    return frame


def read_horizon(connection: Connection, horizon: str) -> tuple[pd.DataFrame, int]:
    """One horizon's (probability, outcome, forecasts) cells and its number of questions."""
    cells = pd.read_sql(sa.select(HORIZON_CELL.c.probability, HORIZON_CELL.c.outcome,
                                  HORIZON_CELL.c.forecasts)
                        .where(HORIZON_CELL.c.horizon == horizon), connection)
    questions = connection.execute(sa.select(HORIZON_SAMPLE.c.questions).where(
        HORIZON_SAMPLE.c.horizon == horizon)).scalar()
    return cells, int(questions or 0)
