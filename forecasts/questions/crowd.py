"""Who is in the crowd: the one rule that counts, medians, aggregates and charts all call.

The crowd is the people who forecast. A publication's stated forecast (its pseudo-forecaster,
a user of kind ``publication``) is scored like anyone's, against the crowd, but it is not part
of the crowd: counting it would let a briefing vote on its own score. The rule is written once
here, as a set of kinds, and given in the three forms callers need: for a kind, as a SQLAlchemy
condition on ``User``, and as SQL text for queries written by hand.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement
from sqlmodel import col

from forecasts.models import User, UserKind

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
