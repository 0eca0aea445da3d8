"""Forecast horizons: how long before the close a forecast was made, and each one's final forecast.

Calibration by horizon asks how well forecasts made a month, half a year or longer before the
close turned out. Its sample is each forecaster's last forecast in each horizon window before the
question's end (the final-forecast rule of the timeline, applied per window), one per (question,
forecaster, horizon): a forecaster who updates every day weighs no more than one who updates
once. The score store keeps these per question score row. Definitions: docs/scoring.md.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecasts.scoring.frames import instants_ns
from forecasts.scoring.timeline import ForecastTimeline, resolved_questions

HORIZONS = {
    "short": "made under 1 month (30 days) before close",
    "medium": "made 1 to 6 months (30 to 182 days) before close",
    "long": "made over 6 months (182 days) before close",
}
HORIZON_DAYS = (30, 182)  # upper bounds (inclusive) of short and medium, in days before close
FINAL_COLUMNS: dict[str, str] = {key: f"final_{key}" for key in HORIZONS}
_NS_PER_DAY = 86_400 * 10**9


def horizon_of(days_before_close: float) -> str:
    """The horizon key of a forecast made that many days before close (30 days is short)."""
    return list(HORIZONS)[int(np.searchsorted(HORIZON_DAYS, days_before_close, side="left"))]


def horizon_codes(days_before_close: np.ndarray) -> np.ndarray:
    """Index into HORIZONS per forecast (0 short, 1 medium, 2 long), as `horizon_of` gives."""
    return np.searchsorted(np.asarray(HORIZON_DAYS, dtype=float), days_before_close, side="left")


def horizon_finals(forecasts: pd.DataFrame, questions: pd.DataFrame) -> pd.DataFrame:
    """Per (question, forecaster): the last forecast in each horizon window before the end.

    `forecasts` and `questions` as the engine takes them (frames.py); the horizon is the time
    from the forecast to the question's `closes_at`. Columns: question_id, forecaster_id and
    FINAL_COLUMNS' values (NaN where the forecaster made no forecast in that window).
    Raises ValueError for input the engine refuses.
    """
    resolved = resolved_questions(questions)
    timeline = ForecastTimeline.from_frame(forecasts, questions=resolved.ids, before=resolved.end)
    columns = ["question_id", "forecaster_id", *FINAL_COLUMNS.values()]
    if timeline.size == 0:
        return pd.DataFrame({column: pd.Series(dtype="float64") for column in columns})
    closes = instants_ns(questions.set_index("question_id")["closes_at"].reindex(resolved.ids))
    chain = timeline.chain  # (question, forecaster, time) order, ties settled by the timeline
    question = timeline.question[chain]
    days = (closes[question] - timeline.created_at[chain]) / _NS_PER_DAY
    code = horizon_codes(days)
    pair = np.zeros(chain.size, dtype=np.int64)
    pair[timeline.group_start] = 1
    pair = np.cumsum(pair) - 1  # run number of each (question, forecaster)
    # within a run, time only moves towards the close, so a horizon's forecasts are contiguous
    last = np.append((pair[1:] != pair[:-1]) | (code[1:] != code[:-1]), True)
    finals = np.full((timeline.group_start.size, len(HORIZONS)), np.nan)
    finals[pair[last], code[last]] = timeline.probability[chain][last]
    heads = chain[timeline.group_start]
    table = pd.DataFrame({
        "question_id": timeline.questions.take(timeline.question[heads]),
        "forecaster_id": timeline.forecasters.take(timeline.forecaster[heads]),
    })
    for index, column in enumerate(FINAL_COLUMNS.values()):
        table[column] = finals[:, index]
    return table
