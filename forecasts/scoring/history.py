"""One question's crowd history for its page, kept per process and extended as forecasts arrive.

Forecasts are append-only, so a question's crowd history only grows at its end. A page asks
for it with one indexed query (how many forecasts the question has, and its newest id). When
that has not moved, the kept history is the answer. When it has, only the forecasts after the
newest one kept are read; if they were made at or after the history's last instant (the usual
case: a forecast is made now), only the crowd at their instants is computed, in time linear in
the forecasters standing then (aggregates.crowds_at). A forecast imported with an earlier date
recomputes the question. The chart then takes the history at a few hundred instants (`sample`),
the table takes it whole. Definitions: docs/scoring.md.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Integer, bindparam, text

from forecasts.questions.crowd import crowd_member_sql
from forecasts.scoring.aggregates import METHODS, crowd_histories, crowds_at
from forecasts.scoring.store import read_frame

LINE_COLUMNS = ["created_at", "probability", "forecasters"]
_VERSION_SQL = text("SELECT max(id), count(*) FROM forecast WHERE question_id = :question_id")
_FORECASTS_SQL = text(f"""
SELECT f.id, f.question_id, f.forecaster_id, f.probability, f.created_at
FROM forecast f JOIN "user" u ON u.id = f.forecaster_id
WHERE f.question_id = :question_id AND f.id > :after AND {crowd_member_sql("u")}
ORDER BY f.id
""")


@dataclass(frozen=True)
class _Kept:
    version: tuple[int, int]  # (newest forecast id, forecasts) when this was computed
    forecasts: pd.DataFrame  # the crowd's forecasts read so far
    history: pd.DataFrame  # created_at, forecasters and one column per aggregate method


def empty_history() -> pd.DataFrame:
    """A history with no instants (full_history's columns)."""
    frame = pd.DataFrame({"created_at": pd.to_datetime([], utc=True),
                          "forecasters": pd.Series(dtype="int64")})
    return frame.assign(**{method: pd.Series(dtype="float64") for method in METHODS})


def full_history(forecasts: pd.DataFrame) -> pd.DataFrame:
    """Every aggregate's value after each instant someone in the crowd forecast (one question).

    Columns: created_at, forecasters (standing), then one column per aggregate method.
    """
    if forecasts.empty:
        return empty_history()
    lines = crowd_histories(forecasts, METHODS)
    first = lines[METHODS[0]]
    table = pd.DataFrame({"created_at": first["created_at"].to_numpy(),
                          "forecasters": first["forecasters"].to_numpy()})
    for method in METHODS:
        table[method] = lines[method]["probability"].to_numpy()
    table["created_at"] = pd.to_datetime(table["created_at"], utc=True)
    return table


def _extended(kept: _Kept, new: pd.DataFrame) -> pd.DataFrame:
    """The history with `new` forecasts, all made at or after its last instant, added."""
    forecasts = pd.concat([kept.forecasts, new], ignore_index=True)
    instants = pd.DatetimeIndex(new["created_at"].unique()).sort_values()
    at = crowds_at(forecasts, instants, METHODS)
    added = pd.DataFrame({"created_at": at[METHODS[0]]["created_at"].to_numpy(),
                          "forecasters": at[METHODS[0]]["forecasters"].to_numpy()})
    for method in METHODS:
        added[method] = at[method]["probability"].to_numpy()
    added["created_at"] = pd.to_datetime(added["created_at"], utc=True)
    # a new forecast at the last kept instant changes the crowd after that instant
    before = kept.history.loc[kept.history["created_at"] < instants[0]]
    return pd.concat([before, added], ignore_index=True) if len(before) else added


class CrowdHistories:
    """Per process: the crowd history of the questions pages asked for lately (a small LRU)."""

    def __init__(self, max_questions: int = 64) -> None:
        self._lock = threading.Lock()
        self._kept: OrderedDict[int, _Kept] = OrderedDict()
        self._max = max_questions
        self.recomputed = 0  # whole-question computations (for tests and benchmarks)

    def history(self, connection: Connection, question_id: int) -> pd.DataFrame:
        """The question's crowd history now (full_history's columns); read-only for callers."""
        newest, count = connection.execute(_VERSION_SQL, {"question_id": question_id}).one()
        version = (int(newest or 0), int(count))
        with self._lock:
            kept = self._kept.get(question_id)
        if kept is not None and kept.version == version:
            return kept.history
        grows = kept is not None and version[1] >= kept.version[1] and version[0] > kept.version[0]
        new = crowd_forecasts(connection, question_id, kept.version[0] if grows and kept else 0)
        if grows and kept is not None:
            last = kept.history["created_at"].max() if len(kept.history) else None
            if new.empty:
                fresh = _Kept(version, kept.forecasts, kept.history)
            elif last is None or new["created_at"].min() >= last:
                fresh = _Kept(version, pd.concat([kept.forecasts, new], ignore_index=True),
                              _extended(kept, new))
            else:  # dated before what is kept: the history changes from there on
                everything = crowd_forecasts(connection, question_id, 0)
                fresh = _Kept(version, everything, full_history(everything))
                self.recomputed += 1
        else:
            fresh = _Kept(version, new, full_history(new))
            self.recomputed += 1
        with self._lock:
            self._kept[question_id] = fresh
            self._kept.move_to_end(question_id)
            while len(self._kept) > self._max:
                self._kept.popitem(last=False)
        return fresh.history


def crowd_forecasts(connection: Connection, question_id: int, after: int = 0) -> pd.DataFrame:
    """The crowd's forecasts on one question with ids above `after` (publications' stated ones
    are not the crowd): question_id, forecaster_id, probability, created_at (UTC)."""
    statement = _FORECASTS_SQL.bindparams(bindparam("question_id", question_id, type_=Integer),
                                          bindparam("after", after, type_=Integer))
    frame = read_frame(connection, statement)
    if frame.empty:
        frame = pd.DataFrame(columns=["id", "question_id", "forecaster_id", "probability",
                                      "created_at"])
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True, format="ISO8601")
    return frame.drop(columns="id")


def lines(history: pd.DataFrame, methods: Iterable[str]) -> dict[str, pd.DataFrame]:
    """Per method, the step function a chart draws (created_at, probability, forecasters)."""
    return {method: history[["created_at", method, "forecasters"]].rename(
        columns={method: "probability"}).reset_index(drop=True)
        for method in dict.fromkeys(methods)}


def sample(history: pd.DataFrame, until: datetime, points: int) -> pd.DataFrame:
    """The history's values at `points` evenly spaced instants from its first one to `until`.

    Each instant takes the value standing then (the last change at or before it), as
    aggregates.crowds_at gives from the forecasts: a chart's worth, whatever the history's size.
    """
    if history.empty:
        return history
    first = history["created_at"].iloc[0]
    last = max(pd.Timestamp(until), history["created_at"].iloc[-1])
    instants = pd.date_range(first, last, periods=points)
    index = np.searchsorted(pd.DatetimeIndex(history["created_at"]).asi8, instants.asi8,
                            side="right")
    taken = history.iloc[index - 1].reset_index(drop=True)
    return taken.assign(created_at=instants)
