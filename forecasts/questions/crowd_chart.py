"""The crowd over time on one question, as its page draws it: the crowd's step lines (only for a
viewer who may see the crowd), the viewer's own forecasts, the close and the resolution.

A busy question's crowd lines go through at most ``history.POINTS`` of the instants the crowd
moved (exact values there), so the page stays light whatever the number of forecasts; every
value comes on demand (``ChartOptions.every_value``). Definitions: docs/scoring.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd
from sqlmodel import Session

from forecasts.errors import ValidationFailed
from forecasts.models import Forecast, Question
from forecasts.scoring import history as crowd_history
from forecasts.scoring.book import CROWD_IDS, CROWD_NAMES

# every crowd aggregate by method, as charts and tables name it ("Crowd: median" ...)
AGGREGATE_NAMES: dict[str, str] = {method: CROWD_NAMES[crowd_id]
                                   for method, crowd_id in CROWD_IDS.items()}
# the median is always drawn; the viewer picks one of these to compare it with
COMPARED = tuple(method for method in CROWD_IDS if method != "median")
DEFAULT_COMPARED = "recency_weighted_median"


@dataclass(frozen=True)
class ChartOptions:
    """What the viewer asked of the chart: the aggregate drawn beside the median, and whether
    the table lists every value the crowd took (slower on a busy question)."""

    aggregate: str = DEFAULT_COMPARED
    every_value: bool = False

    def __post_init__(self) -> None:
        if self.aggregate not in COMPARED:
            raise ValidationFailed({"aggregate": f"Compare the median with one of "
                                                 f"{', '.join(COMPARED)}."})


@dataclass(frozen=True)
class CrowdChart:
    """The chart's data and the crowd table's rows for one viewer.

    ``lines`` holds, per shown aggregate method, the step function (created_at, probability,
    forecasters); it is empty when the viewer may not see the crowd. ``mine`` is the viewer's
    (time, probability) oldest first; ``marks`` the dated vertical lines; the lines run to
    ``until``. ``rows`` has one dict per instant the crowd moved (created_at, median, the
    compared aggregate, forecasters), empty while the lines are sampled.
    """

    show_crowd: bool
    aggregate: str
    lines: dict[str, pd.DataFrame]
    mine: list[tuple[datetime, float]]
    until: datetime
    marks: list[tuple[str, datetime]]
    rows: list[dict[str, Any]]
    sampled: bool  # the lines go through some of the instants, not all
    changes: int  # instants the crowd moved at, in all
    points: int  # instants the lines go through
    names: dict[str, str] = field(default_factory=lambda: dict(AGGREGATE_NAMES))
    choices: dict[str, str] = field(
        default_factory=lambda: {m: AGGREGATE_NAMES[m] for m in COMPARED})

    @property
    def drawn(self) -> bool:
        """True when there is anything to draw: a crowd line or a forecast of the viewer's."""
        return any(not line.empty for line in self.lines.values()) or bool(self.mine)


def crowd_chart(session: Session, question: Question, mine: list[Forecast], *, show_crowd: bool,
                now: datetime, options: ChartOptions,
                histories: crowd_history.CrowdHistories,
                history: crowd_history.History | None = None) -> CrowdChart:
    """The chart of ``question`` for a viewer whose forecasts are ``mine`` (newest first).

    The crowd is read (through ``histories``, kept per process) only when ``show_crowd``,
    unless the caller has just read its ``history`` there.
    """
    methods = ["median", options.aggregate] if show_crowd else []
    until = max(min(question.closed_at, question.resolved_at or question.closed_at, now),
                question.opens_at)
    if not show_crowd:
        history = crowd_history.History(crowd_history.empty_history(), 0)
    elif history is None:
        history = histories.history(session.connection(), question.id)  # type: ignore[arg-type]
    sampled = not history.complete and not options.every_value
    points = history.points
    if not history.complete and options.every_value:
        points = crowd_history.exact_history(
            crowd_history.crowd_forecasts(session.connection(), question.id))  # type: ignore[arg-type]
    lines = crowd_history.lines(points, methods)
    marks = [("Closed" if question.closed_at <= now else "Closes", question.closed_at)]
    if question.resolved_at is not None:
        marks.append(("Resolved", question.resolved_at))
    return CrowdChart(
        show_crowd=show_crowd, aggregate=options.aggregate, lines=lines,
        mine=[(f.created_at, f.probability) for f in reversed(mine)], until=until, marks=marks,
        rows=[] if sampled else crowd_rows(lines), sampled=sampled and show_crowd,
        changes=history.changes, points=len(points),
    )


def crowd_rows(lines: dict[str, pd.DataFrame]) -> list[dict[str, Any]]:
    """One row per instant the crowd moved, with every shown aggregate's value then."""
    if not lines or all(line.empty for line in lines.values()):
        return []
    merged: pd.DataFrame | None = None
    for method, line in lines.items():
        part = line[["created_at", "probability"]].rename(columns={"probability": method})
        if method == "median":
            part = part.assign(forecasters=line["forecasters"])
        merged = part if merged is None else merged.merge(part, on="created_at", how="outer")
    assert merged is not None
    merged = merged.sort_values("created_at").ffill()
    return merged.to_dict("records")
