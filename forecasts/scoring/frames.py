"""Input frames of the scoring engine: column checks, instants, probabilities, outcomes, ends.

Forecasts: `question_id`, `forecaster_id`, `probability`, `created_at` (UTC instants; naive values
are taken as UTC), optionally `in_crowd`. Questions: `question_id`, `opens_at`, `closes_at`,
`resolved_at`, `outcome` (1, 0, or missing when unresolved or annulled).
Definitions: docs/scoring.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

FORECAST_COLUMNS: tuple[str, ...] = ("question_id", "forecaster_id", "probability", "created_at")
QUESTION_COLUMNS: tuple[str, ...] = (
    "question_id",
    "opens_at",
    "closes_at",
    "resolved_at",
    "outcome",
)
BeforeFirst = Literal["active", "crowd", "uninformed"]
POLICIES: tuple[str, ...] = ("active", "crowd", "uninformed")
NAT = np.iinfo(np.int64).min  # pandas' integer value for a missing instant


def require_columns(frame: pd.DataFrame, columns: Iterable[str], name: str) -> None:
    """Raise ValueError naming the columns `frame` lacks."""
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"{name} is missing column(s): {', '.join(missing)}")


def instants_ns(values: ArrayLike) -> np.ndarray:
    """UTC instants as int64 nanoseconds since the epoch; missing ones become NAT."""
    return pd.DatetimeIndex(pd.to_datetime(values, utc=True)).as_unit("ns").asi8


def instant_ns(value: object) -> int:
    """One UTC instant (naive taken as UTC) as nanoseconds since the epoch."""
    stamp = pd.Timestamp(value)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    return int(stamp.as_unit("ns").value)


def probabilities(values: ArrayLike, name: str = "probability") -> np.ndarray:
    """Probabilities as floats; raises ValueError for a missing value or one outside [0, 1]."""
    try:
        probability = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be numbers in [0, 1]") from error
    if not np.all((probability >= 0) & (probability <= 1)):  # NaN fails both comparisons
        raise ValueError(f"{name} must be in [0, 1] and not missing")
    return probability


def outcomes(values: ArrayLike) -> np.ndarray:
    """Outcomes as floats 1.0/0.0, NaN where missing; raises ValueError for any other value."""
    raw = np.asarray(values)
    if raw.dtype.kind in "biuf":
        outcome = raw.astype(float)
    else:  # None, pd.NA and nullable dtypes arrive as objects
        try:
            nullable = pd.array(raw.astype(object).ravel(), dtype="Float64")
        except (TypeError, ValueError) as error:
            raise ValueError("outcome must be 0, 1 or missing") from error
        outcome = nullable.to_numpy(dtype=float, na_value=np.nan)
    known = outcome[~np.isnan(outcome)]
    if not np.all((known == 0) | (known == 1)):
        raise ValueError("outcome must be 0, 1 or missing")
    return outcome.reshape(np.shape(values))



def binary_outcomes(outcome: ArrayLike) -> np.ndarray:
    """Outcomes that must all be 0 or 1 (a missing one is an error here, not a skip)."""
    values = outcomes(outcome)
    if np.isnan(values).any():
        raise ValueError("outcome must be 0 or 1: unresolved questions cannot be scored")
    return values


def question_ends(questions: pd.DataFrame) -> pd.Series:
    """Each question's end: its close, or its resolution if that came first (docs/scoring.md)."""
    return questions[["closes_at", "resolved_at"]].min(axis=1)


def crowd_members(forecasts: pd.DataFrame) -> pd.DataFrame:
    """The forecasts that make the crowd: publications' stated forecasts are not the crowd.

    A forecast is in the crowd unless its `in_crowd` column says otherwise (no column: all are).
    """
    return forecasts.loc[forecasts["in_crowd"]] if "in_crowd" in forecasts else forecasts


def check_policy(before_first: str) -> None:
    """Raise ValueError for a before-first-forecast policy that is not one of POLICIES."""
    if before_first not in POLICIES:
        raise ValueError(f"before_first must be one of {', '.join(POLICIES)}, not {before_first!r}")
