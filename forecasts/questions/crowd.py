"""Who is in the crowd, and which of their forecasts stands: the rules that counts, medians,
aggregates, scores and charts all call.

The crowd is the people who forecast. A publication's stated forecast (its pseudo-forecaster,
a user of kind ``publication``) is scored like anyone's, against the crowd, but it is not part
of the crowd: counting it would let a briefing vote on its own score. The rule is written once
here, as a set of kinds, and given in the three forms callers need: for a kind, as a SQLAlchemy
condition on ``User``, and as SQL text for queries written by hand.

A forecaster's standing forecast (their "latest") is the one made last; of several made at the
same instant, the one with the highest probability. Forecasts are append-only and a submission
takes its time from the clock, so two at one instant are rare (an import, a double click), but
the answer must never depend on the order rows are stored or read, and frames from a file or a
test carry no ids. The rule is written once here, as the column that breaks a tie in time
(``SAME_INSTANT``, highest wins), and given in the two forms callers need: an SQL ``ORDER BY``
(``latest_first``) and numpy arrays (``same_instant_key``), which the scoring timeline, the
crowd's aggregates and its history sort by.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import ColumnElement, UnaryExpression
from sqlmodel import col

from forecasts.models import Forecast, User, UserKind

NOT_IN_CROWD: frozenset[UserKind] = frozenset({UserKind.publication})


def in_crowd(kind: UserKind | str) -> bool:
    """True when a user of this kind is part of the crowd."""
    return UserKind(kind) not in NOT_IN_CROWD


def crowd_member() -> ColumnElement[bool]:
    """The rule as a condition on ``User``, for a query that joins the forecaster's user."""
    return col(User.kind).not_in(sorted(NOT_IN_CROWD))


def crowd_member_sql(user_alias: str) -> str:
    """The rule as SQL text on ``<user_alias>.kind``, for hand-written queries.

    ``user_alias`` must be an SQL identifier (it is checked; nothing else is interpolated).
    """
    if not user_alias.isidentifier():
        raise ValueError(f"not an SQL identifier: {user_alias!r}")
    kinds = ", ".join(f"'{kind.value}'" for kind in sorted(NOT_IN_CROWD))
    return f"{user_alias}.kind NOT IN ({kinds})"


# of one forecaster's forecasts made at one instant, the one highest in this column stands
SAME_INSTANT = "probability"


def latest_first() -> tuple[UnaryExpression[Any], ...]:
    """The standing rule as an ``ORDER BY``: a forecaster's standing forecast comes first
    (newest; at one instant the highest probability; the id only orders equal twins)."""
    return (col(Forecast.created_at).desc(), col(getattr(Forecast, SAME_INSTANT)).desc(),
            col(Forecast.id).desc())


def same_instant_key(forecasts: pd.DataFrame) -> np.ndarray:
    """The standing rule's tiebreak for frames: sort ascending by (time, this) and a
    forecaster's standing forecast comes last. Raises ValueError for a missing or bad value."""
    values = pd.to_numeric(forecasts[SAME_INSTANT], errors="coerce").to_numpy(dtype=float)
    if np.isnan(values).any():
        raise ValueError(f"forecasts.{SAME_INSTANT} has missing values")
    return values
