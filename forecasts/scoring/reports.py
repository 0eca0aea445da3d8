"""What the managers' dashboards show, shaped from the score book: no Flask, no HTTP.

Which forecasts count (the pages say the same):

- calibration of the crowd, a forecaster, a team, a tag or a publication: each forecaster's last
  forecast made before the question closed (or resolved, if earlier), one per (question,
  forecaster); for the crowd, the aggregate standing at that moment, one per question;
- calibration by horizon: every forecast made before the close, by its time to the close
  (under 30 days, 30 to 182 days, over 182 days);
- scores over time: each (question, forecaster) time-weighted and relative Brier, by the month
  the question resolved; the crowd's line is the crowd median scored over the same periods.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd
from sqlalchemy import text
from sqlmodel import Session, col, select

from forecasts.models import ScoreSnapshot
from forecasts.questions.crowd import crowd_member_sql
from forecasts.scoring.aggregates import crowd_histories, crowds_at
from forecasts.scoring.calibration import (
    MurphyDecomposition,
    calibration_table,
    murphy_decomposition,
    proportion_interval,
)
from forecasts.scoring.frames import question_ends
from forecasts.scoring.scores import log_score

HORIZONS = {
    "short": "made under 1 month (30 days) before close",
    "medium": "made 1 to 6 months (30 to 182 days) before close",
    "long": "made over 6 months (182 days) before close",
}
_HORIZON_DAYS = (30, 182)
SHARPNESS_BINS = 20


# ---------------------------------------------------------------- which forecasts count


def horizon_forecasts(forecasts: pd.DataFrame, questions: pd.DataFrame) -> pd.DataFrame:
    """Every forecast made before its question's end, with its outcome and ``horizon`` key."""
    table = questions.set_index("question_id")
    merged = forecasts.merge(
        table.assign(end=question_ends(table))[["closes_at", "end", "outcome"]],
        left_on="question_id", right_index=True, how="inner",
    )
    merged = merged.loc[merged["created_at"] < merged["end"]]
    days = (merged["closes_at"] - merged["created_at"]).dt.total_seconds() / 86_400
    index = np.searchsorted(np.asarray(_HORIZON_DAYS, dtype=float), days.to_numpy(), side="left")
    keys = np.asarray(list(HORIZONS))
    return merged.drop(columns=["end", "closes_at"]).assign(horizon=keys[index])


def horizon_of(days_before_close: float) -> str:
    """The horizon key of a forecast made that many days before close (30 days is short)."""
    return list(HORIZONS)[int(np.searchsorted(_HORIZON_DAYS, days_before_close, side="left"))]


# ---------------------------------------------------------------- calibration


@dataclass(frozen=True)
class Calibration:
    """A reliability diagram's numbers, its sharpness histogram and the scores beside it."""

    table: pd.DataFrame  # calibration_table's columns, one row per non-empty bin
    sharpness: pd.DataFrame  # bin_low, bin_high, count: forecasts in 5-point bins
    murphy: MurphyDecomposition
    log_score: float
    n: int
    questions: int
    base_rate: float


def _edges(probability: np.ndarray, n_bins: int, strategy: str) -> np.ndarray:
    # the same edges as scoring.calibration_table, so the Murphy terms match the plotted bins
    if strategy == "quantile":
        return np.percentile(probability, np.linspace(0, 100, n_bins + 1))
    return np.linspace(0.0, 1.0, n_bins + 1)


def calibration(
    sample: pd.DataFrame,
    *,
    n_bins: int = 10,
    strategy: str = "uniform",
    interval: str = "wilson",
) -> Calibration | None:
    """Calibration of ``sample`` (probability, outcome, question_id); None when it is empty.

    Nothing is folded: a 20 % forecast stays at 20 %. Raises ValueError for an unknown
    strategy or interval.
    """
    if strategy not in ("uniform", "quantile"):
        raise ValueError(f"strategy must be 'uniform' or 'quantile', not {strategy!r}")
    if sample.empty:
        return None
    p = sample["probability"].to_numpy(dtype=float)
    o = sample["outcome"].to_numpy(dtype=float)
    table = calibration_table(p, o, n_bins=n_bins, strategy=strategy,  # type: ignore[arg-type]
                              interval=interval)  # type: ignore[arg-type]
    edges = np.linspace(0.0, 1.0, SHARPNESS_BINS + 1)
    counts, _ = np.histogram(p, bins=edges)
    sharpness = pd.DataFrame({"bin_low": edges[:-1], "bin_high": edges[1:], "count": counts})
    return Calibration(
        table=table,
        sharpness=sharpness,
        murphy=murphy_decomposition(p, o, bins=_edges(p, n_bins, strategy)),
        log_score=float(np.mean(log_score(p, o))),
        n=int(p.size),
        questions=int(sample["question_id"].nunique()),
        base_rate=float(o.mean()),
    )


# ---------------------------------------------------------------- scores over time


def monthly_scores(
    pairs: pd.DataFrame, questions: pd.DataFrame, forecaster_ids: Iterable[int]
) -> pd.DataFrame:
    """Mean time-weighted, crowd and relative Brier of these forecasters per month of resolution.

    Columns: month ("YYYY-MM"), questions (distinct), scores (question-forecaster pairs), brier,
    crowd_brier, relative_brier. The crowd is the crowd median over the same periods.
    """
    ids = list(forecaster_ids)
    mine = pairs.loc[pairs["forecaster_id"].isin(ids)]
    resolved = questions.set_index("question_id")["resolved_at"]
    months = resolved.dt.tz_convert("UTC").dt.strftime("%Y-%m")
    mine = mine.assign(month=mine["question_id"].map(months))
    grouped = mine.groupby("month", sort=True)
    table = grouped.agg(
        questions=("question_id", "nunique"), scores=("question_id", "size"),
        brier=("brier", "mean"), crowd_brier=("crowd_brier", "mean"),
        relative_brier=("relative_brier", "mean"),
    )
    return table.reset_index()


def snapshot_series(session: Session, kind: str, subject_id: int) -> pd.DataFrame:
    """The nightly snapshots of one forecaster's or team's standing: day, questions, brier, ...

    Empty when the scheduler has taken none yet.
    """
    columns = ["day", "questions", "brier", "relative_brier"]
    rows = session.exec(
        select(col(ScoreSnapshot.day), col(ScoreSnapshot.questions), col(ScoreSnapshot.brier),
               col(ScoreSnapshot.relative_brier))
        .where(ScoreSnapshot.subject_kind == kind, ScoreSnapshot.subject_id == subject_id)
        .order_by(col(ScoreSnapshot.day))
    ).all()
    return pd.DataFrame(rows, columns=columns)


# ---------------------------------------------------------------- estimative language


def wilson(hits: int, count: int) -> tuple[float, float]:
    """95 % Wilson interval for hits/count, as the calibration table computes it; NaNs if none."""
    if count == 0:
        return math.nan, math.nan
    low, high = proportion_interval(np.array([hits]), np.array([count]), "wilson")
    return float(low[0]), float(high[0])


def term_table(records: Iterable[object], yardstick: str) -> pd.DataFrame:
    """Per (publication, term) of ``yardstick``: band, said, resolved, happened, frequency, CI.

    ``records`` are briefings.TermRecord rows; frequency is happened / resolved (NaN if none).
    """
    rows = []
    for record in records:
        if getattr(record, "yardstick", None) != yardstick:
            continue
        said, resolved, happened = record.said, record.resolved, record.happened  # type: ignore[attr-defined]
        low, high = wilson(happened, resolved)
        rows.append({
            "publication": record.publication, "term": record.term,  # type: ignore[attr-defined]
            "band": record.band, "low": record.low, "high": record.high,  # type: ignore[attr-defined]
            "said": said, "resolved": resolved, "happened": happened,
            "frequency": happened / resolved if resolved else math.nan,
            "ci_low": low, "ci_high": high,
        })
    columns = ["publication", "term", "band", "low", "high", "said", "resolved", "happened",
               "frequency", "ci_low", "ci_high"]
    return pd.DataFrame(rows, columns=columns)


# ---------------------------------------------------------------- one question's crowd

IN_CROWD = crowd_member_sql("u")  # the one crowd rule (forecasts/questions/crowd.py), as SQL
_QUESTION_FORECASTS_SQL = f"""
SELECT f.question_id, f.forecaster_id, f.probability, f.created_at
FROM forecast f JOIN "user" u ON u.id = f.forecaster_id
WHERE f.question_id = :question_id AND {IN_CROWD} ORDER BY f.created_at, f.id
"""


def question_forecasts(session: Session, question_id: int) -> pd.DataFrame:
    """The crowd's forecasts on one question (publications' stated ones are not the crowd)."""
    frame = pd.read_sql(text(_QUESTION_FORECASTS_SQL), session.connection(),
                        params={"question_id": question_id})
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True, format="ISO8601")
    return frame


def crowd_lines(forecasts: pd.DataFrame, methods: Iterable[str]) -> dict[str, pd.DataFrame]:
    """Per method, the crowd's step function on one question (created_at, probability, ...)."""
    if forecasts.empty:
        return {method: pd.DataFrame(columns=["created_at", "probability", "forecasters"])
                for method in methods}
    histories = crowd_histories(forecasts, tuple(dict.fromkeys(methods)))
    return {method: line[["created_at", "probability", "forecasters"]].reset_index(drop=True)
            for method, line in histories.items()}


def sampled_lines(
    forecasts: pd.DataFrame, methods: Iterable[str], until: datetime, points: int
) -> dict[str, pd.DataFrame]:
    """Per method, one question's crowd at `points` evenly spaced instants from the first
    forecast to `until` (crowd_lines' columns): a chart's worth, whatever the forecasts."""
    if forecasts.empty:
        return crowd_lines(forecasts, methods)
    first = forecasts["created_at"].min()
    last = max(pd.Timestamp(until), forecasts["created_at"].max())
    instants = pd.date_range(first, last, periods=points)
    return crowds_at(forecasts, instants, tuple(dict.fromkeys(methods)))


def questions_in_period(
    questions: pd.DataFrame, start: datetime | None, end: datetime | None
) -> pd.Series:
    """Mask of questions resolved in [start, end) (either end open when None)."""
    mask = pd.Series(True, index=questions.index)
    if start is not None:
        mask &= questions["resolved_at"] >= pd.Timestamp(start)
    if end is not None:
        mask &= questions["resolved_at"] < pd.Timestamp(end)
    return mask
