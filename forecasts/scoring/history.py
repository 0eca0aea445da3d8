"""One question's crowd history for its page, kept per process and extended as forecasts arrive.

Forecasts are append-only, so a question's crowd history only grows at its end. A page asks
for it with one indexed query (how many forecasts the question has, and its newest id). When
that has not moved, the kept history is the answer. When it has, only the forecasts after the
newest one kept are read and, if they were made at or after the history's last instant (the
usual case: a forecast is made now), the crowd is computed at their instants alone
(aggregates.crowds_at: linear in the forecasters standing then). A forecast imported with an
earlier date recomputes the question.

A chart needs no more than POINTS points, so the history keeps the crowd's exact value at no
more than POINTS of the instants it moved (all of them while there are that few; then about
evenly by count, always with the latest) and counts how often it moved. Every value, for the
table on demand (`exact_history`), is computed from the forecasts in chunks of instants.
Definitions: docs/scoring.md.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Integer, bindparam, text

from forecasts.questions.crowd import crowd_member_sql
from forecasts.scoring.aggregates import METHODS, crowd_at, crowd_table_at
from forecasts.scoring.driver import INSTANT, collector_paused, read_frame
from forecasts.scoring.frames import instant_ns

_VERSION_SQL = text("SELECT max(id), count(*) FROM forecast WHERE question_id = :question_id")
# no ORDER BY unless asked: the aggregates do not depend on the rows' order (the standing
# rule settles ties), and sorting 20,000 rows by id cost a busy question's first view a third
# of its read
_FORECASTS_SQL = f"""
SELECT f.forecaster_id, f.probability, f.created_at
FROM forecast f JOIN "user" u ON u.id = f.forecaster_id
WHERE f.question_id = :question_id AND f.id > :after AND {crowd_member_sql("u")}
"""


POINTS = 500  # the most points a chart draws of one crowd line


@dataclass(frozen=True)
class History:
    """A question's crowd at up to POINTS of the instants it moved (exact values there)."""

    points: pd.DataFrame  # created_at, forecasters, then one column per aggregate method
    changes: int  # how many instants the crowd moved at, in all

    @property
    def complete(self) -> bool:
        """True when every instant the crowd moved at is among the points."""
        return len(self.points) == self.changes


@dataclass(frozen=True)
class _Kept:
    version: tuple[int, int]  # (newest forecast id, forecasts) when this was computed
    forecasts: pd.DataFrame  # the crowd's forecasts read so far
    history: History


def empty_history() -> pd.DataFrame:
    """No points: created_at, forecasters, then one column per aggregate method."""
    frame = pd.DataFrame({"created_at": pd.to_datetime([], utc=True),
                          "forecasters": pd.Series(dtype="int64")})
    return frame.assign(**{method: pd.Series(dtype="float64") for method in METHODS})


def _at(forecasts: pd.DataFrame, instants: pd.DatetimeIndex) -> pd.DataFrame:
    """Every aggregate's value just after each of these instants (crowds_at, as one frame)."""
    if len(instants) == 0:
        return empty_history()
    return crowd_table_at(forecasts, instants, METHODS)


def _instants(forecasts: pd.DataFrame) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(forecasts["created_at"].unique()).sort_values()


def _thin(points: pd.DataFrame) -> pd.DataFrame:
    """Every other point, the latest always kept, until no more than POINTS remain."""
    while len(points) > POINTS:
        keep = np.zeros(len(points), dtype=bool)
        keep[len(points) - 1::-2] = True
        points = points.loc[keep].reset_index(drop=True)
    return points


def sampled_history(forecasts: pd.DataFrame) -> History:
    """The crowd at up to POINTS of the instants it moved, evenly by count, the last included."""
    instants = _instants(forecasts)
    chosen = instants
    if len(instants) > POINTS:
        stride = -(-len(instants) // POINTS)
        chosen = instants[len(instants) - 1::-stride][::-1]
    return History(_at(forecasts, chosen), len(instants))


def exact_history(forecasts: pd.DataFrame, chunk: int = POINTS) -> pd.DataFrame:
    """Every aggregate's value after each instant the crowd moved, `chunk` instants at a time
    (memory stays at chunk × forecasters whatever the question's size)."""
    instants = _instants(forecasts)
    parts = [_at(forecasts, instants[start:start + chunk])
             for start in range(0, len(instants), chunk)]
    return pd.concat(parts, ignore_index=True) if parts else empty_history()


def _extended(kept: _Kept, new: pd.DataFrame) -> History:
    """The history with `new` forecasts, all made at or after its last instant, added."""
    forecasts = pd.concat([kept.forecasts, new], ignore_index=True)
    instants = _instants(new)
    points, changes = kept.history.points, kept.history.changes
    if len(points) and points["created_at"].iloc[-1] == instants[0]:
        # a new forecast at the last instant changes the crowd after that instant
        points, changes = points.iloc[:-1], changes - 1
    added = _at(forecasts, instants)
    return History(_thin(pd.concat([points, added], ignore_index=True)),
                   changes + len(instants))


class CrowdHistories:
    """Per process: the crowd history of the questions pages asked for lately (a small LRU)."""

    def __init__(self, max_questions: int = 64) -> None:
        self._lock = threading.Lock()
        self._kept: OrderedDict[int, _Kept] = OrderedDict()
        self._max = max_questions
        self.recomputed = 0  # whole-question computations (for tests and benchmarks)

    def history(self, connection: Connection, question_id: int) -> History:
        """The question's crowd history now; its frame is shared, so read-only for callers."""
        return self._refreshed(connection, question_id).history

    def current(self, connection: Connection, question_id: int,
                now: object) -> tuple[History, float | None, int]:
        """The question's crowd history (as `history`) and, at `now`, the crowd median and how
        many forecasters it pools (None, 0 before anyone forecast): `forecasting.crowd_now`'s
        answer, from the forecasts kept here, so a page that draws the chart reads the
        question's forecasts once and looks once at whether it moved."""
        kept = self._refreshed(connection, question_id)
        return kept.history, *_crowd_now(kept, now)

    def _refreshed(self, connection: Connection, question_id: int) -> _Kept:
        """The question's kept forecasts and history, brought up to date."""
        newest, count = connection.execute(_VERSION_SQL, {"question_id": question_id}).one()
        version = (int(newest or 0), int(count))
        with self._lock:
            kept = self._kept.get(question_id)
        if kept is not None and kept.version == version:
            return kept
        with collector_paused():  # many short-lived objects (driver.collector_paused)
            fresh = self._computed(connection, question_id, version, kept)
        with self._lock:
            self._kept[question_id] = fresh
            self._kept.move_to_end(question_id)
            while len(self._kept) > self._max:
                self._kept.popitem(last=False)
        return fresh

    def _computed(self, connection: Connection, question_id: int, version: tuple[int, int],
                  kept: _Kept | None) -> _Kept:
        """The question's forecasts and history at `version`, from `kept` when it only grew."""
        grows = kept is not None and version[1] >= kept.version[1] and version[0] > kept.version[0]
        new = crowd_forecasts(connection, question_id, kept.version[0] if grows and kept else 0)
        if not grows or kept is None:
            self.recomputed += 1
            return _Kept(version, new, sampled_history(new))
        points = kept.history.points
        last = points["created_at"].iloc[-1] if len(points) else None
        if new.empty:
            return _Kept(version, kept.forecasts, kept.history)
        if last is None or new["created_at"].min() >= last:
            return _Kept(version, pd.concat([kept.forecasts, new], ignore_index=True),
                         _extended(kept, new))
        # dated before what is kept: the history changes from there on
        everything = crowd_forecasts(connection, question_id, 0)
        self.recomputed += 1
        return _Kept(version, everything, sampled_history(everything))


def _crowd_now(kept: _Kept, now: object) -> tuple[float | None, int]:
    """The crowd median at `now` over the kept forecasts, and how many forecasters it pools."""
    if kept.forecasts.empty:
        return None, 0
    points = kept.history.points
    if len(points) and instant_ns(points["created_at"].iloc[-1]) <= instant_ns(now):
        # no forecast after the last point (the latest instant, always kept): its value
        last = points.iloc[-1]
        return float(last["median"]), int(last["forecasters"])
    crowd = crowd_at(kept.forecasts, [now]).iloc[0]
    count = int(crowd["forecasters"])
    return (float(crowd["probability"]) if count else None), count


def crowd_forecasts(connection: Connection, question_id: int, after: int = 0, *,
                    in_order: bool = False) -> pd.DataFrame:
    """The crowd's forecasts on one question with ids above `after` (publications' stated ones
    are not the crowd): question_id, forecaster_id, probability, created_at (UTC); in the
    order they were stored when `in_order`, else in any order."""
    statement = text(_FORECASTS_SQL + (" ORDER BY f.id" if in_order else "")).bindparams(
        bindparam("question_id", question_id, type_=Integer),
        bindparam("after", after, type_=Integer))
    frame = read_frame(connection, statement, {"forecaster_id": "int64",
                                               "probability": "float64", "created_at": INSTANT})
    frame.insert(0, "question_id", question_id)
    return frame


def lines(points: pd.DataFrame, methods: Iterable[str]) -> dict[str, pd.DataFrame]:
    """Per method, the step function a chart draws (created_at, probability, forecasters)."""
    return {method: points[["created_at", method, "forecasters"]].rename(
        columns={method: "probability"}).reset_index(drop=True)
        for method in dict.fromkeys(methods)}
