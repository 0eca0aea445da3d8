"""What the managers' dashboards show, shaped from the score book: no Flask, no HTTP.

Which forecasts count (the pages say the same):

- calibration of the crowd, a forecaster, a team, a tag or a publication: each forecaster's last
  forecast made before the question closed (or resolved, if earlier), one per (question,
  forecaster); for the crowd, the aggregate standing at that moment, one per question;
- calibration by horizon: each forecaster's last forecast in each horizon window (under 30
  days, 30 to 182 days, over 182 days before the close), one per (question, forecaster,
  horizon), read from the score store's running sums (horizons.py, summary.py);
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
from sqlmodel import Session, col, select

from forecasts.models import ScoreSnapshot
from forecasts.scoring.aggregates import crowd_histories
from forecasts.scoring.calibration import (
    MurphyDecomposition,
    calibration_table,
    murphy_decomposition,
    proportion_interval,
)
from forecasts.scoring.history import crowd_forecasts
from forecasts.scoring.scores import log_score

SHARPNESS_BINS = 20


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
    questions: int | None = None,
) -> Calibration | None:
    """Calibration of ``sample`` (probability, outcome, question_id); None when it is empty.

    ``questions`` counts the sample's questions when it has no question_id column (a sample
    rebuilt from stored counts).

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
        questions=int(sample["question_id"].nunique()) if questions is None else questions,
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


def question_forecasts(session: Session, question_id: int) -> pd.DataFrame:
    """The crowd's forecasts on one question (publications' stated ones are not the crowd)."""
    return crowd_forecasts(session.connection(), question_id, in_order=True)


def crowd_lines(forecasts: pd.DataFrame, methods: Iterable[str]) -> dict[str, pd.DataFrame]:
    """Per method, the crowd's step function on one question (created_at, probability, ...)."""
    if forecasts.empty:
        return {method: pd.DataFrame(columns=["created_at", "probability", "forecasters"])
                for method in methods}
    histories = crowd_histories(forecasts, tuple(dict.fromkeys(methods)))
    return {method: line[["created_at", "probability", "forecasters"]].reset_index(drop=True)
            for method, line in histories.items()}


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
