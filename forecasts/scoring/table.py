"""Per-question score rows: what the score store keeps for each resolved question.

Data in, data out: one row per (question, forecaster) and per (question, crowd aggregate), with
the final forecast, the time-weighted Brier and the crowd median's Brier over the same period
under each before-first-forecast policy, the log score of the final forecast, coverage, counts
and peers. The readers (leaderboards, calibration, records, snapshots) aggregate these rows and
never go back to raw forecasts. Every question is scored on its own forecasts alone, so scoring
one question or the whole book gives the same rows. Definitions: docs/scoring.md.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecasts.scoring.aggregates import crowd_steps
from forecasts.scoring.calibration import bin_of
from forecasts.scoring.frames import (
    FORECAST_COLUMNS,
    NAT,
    POLICIES,
    crowd_members,
    instants_ns,
    question_ends,
)
from forecasts.scoring.horizons import FINAL_COLUMNS, horizon_finals
from forecasts.scoring.scores import log_score, score_tables

# Crowd aggregates are scored as pseudo-forecasters; negative ids never clash with users'.
CROWD_IDS = {"median": -1, "mean": -2, "recency_weighted_median": -3, "extremized_mean": -4}
CROWD_NAMES = {
    -1: "Crowd: median",
    -2: "Crowd: mean",
    -3: "Crowd: recency-weighted median",
    -4: "Crowd: extremized mean (a = 2.5)",
}
CROWD_AGGREGATES = {crowd_id: method for method, crowd_id in CROWD_IDS.items()}


def is_crowd(ids: pd.Series) -> pd.Series:
    """True where a forecaster id stands for a crowd aggregate, not a person.

    The one place that knows the stored convention (negative ids); callers and templates ask
    this, or read the ``aggregate`` key ``aggregate_of`` gives, never compare ids with 0.
    """
    return ids < 0


def aggregate_of(ids: pd.Series) -> list[str]:
    """For each forecaster id, the crowd aggregate it stands for ("median", ...), or "" for a
    person (a string either way, so a DataFrame column of them never holds NaN)."""
    return [CROWD_AGGREGATES.get(int(i), "") for i in ids]


DECILES = np.linspace(0.0, 1.0, 11)  # the leaderboard's Murphy bins, stored per row
BINARY = "binary"  # the `kind` of a yes/no question's rows; multiple choice and numeric come later
SCORE_COLUMNS: tuple[str, ...] = (
    "question_id", "kind", "option", "subject_id", "in_crowd", "peers", "resolved_at", "outcome",
    "probability", "decile", "forecasts", "coverage", "log_score",
    *(f"brier_{policy}" for policy in POLICIES),
    *(f"crowd_brier_{policy}" for policy in POLICIES),
    *FINAL_COLUMNS.values(),
)


def crowd_aggregates(members: pd.DataFrame) -> pd.DataFrame:
    """The step function of every crowd aggregate, as pseudo-forecasters with negative ids."""
    if members.empty:
        return members.assign(forecasters=pd.Series(dtype="int64"))
    question, created, standing, found = crowd_steps(members, tuple(CROWD_IDS))
    # one frame built from arrays: the aggregates share their instants (pandas' concat of four
    # frames cost a resolution more than the mean and the extremized mean themselves)
    copies = len(CROWD_IDS)
    return pd.DataFrame({
        "question_id": np.tile(question.to_numpy(), copies),
        "forecaster_id": np.repeat(np.array(list(CROWD_IDS.values()), dtype=np.int64),
                                   len(question)),
        "probability": np.concatenate([found[method] for method in CROWD_IDS]),
        "created_at": pd.to_datetime(np.tile(created, copies), utc=True),
        "forecasters": np.tile(standing, copies),
    })


def crowd_covered(median: pd.DataFrame, questions: pd.DataFrame) -> pd.Series:
    """Questions on which the crowd had a forecast before the question ended."""
    if median.empty or questions.empty:
        return pd.Series(dtype="int64")
    ends = instants_ns(question_ends(questions))
    at = pd.Index(questions["question_id"]).get_indexer(median["question_id"])
    # a step on a question not among `questions` (code -1) takes the appended NAT: no end
    before_end = instants_ns(median["created_at"]) < np.append(ends, NAT)[at]
    return median.loc[before_end, "question_id"].drop_duplicates()


def empty_rows() -> pd.DataFrame:
    """No score rows, with the store's columns."""
    return pd.DataFrame({column: pd.Series(dtype="float64") for column in SCORE_COLUMNS})


def score_rows(forecasts: pd.DataFrame, questions: pd.DataFrame) -> pd.DataFrame:
    """The score store's rows for these resolved questions (columns: SCORE_COLUMNS).

    `forecasts` and `questions` as the engine takes them (frames.py), `forecasts` with an
    optional `in_crowd` column. A question is scored only once someone in the crowd has forecast
    on it before its end: before that there is nothing to be relative to. Every subject is
    compared with the crowd median of the crowd members' forecasts. Crowd aggregates' peers are
    the crowd members less one: with a single member every aggregate equals the median.
    Raises ValueError (pandas' OutOfBoundsDatetime included) for input the engine refuses.
    """
    members = crowd_members(forecasts)
    crowds = crowd_aggregates(members)
    median = crowds.loc[crowds["forecaster_id"] == CROWD_IDS["median"]]
    questions = questions.loc[questions["question_id"].isin(crowd_covered(median, questions))]
    if questions.empty:
        return empty_rows()
    forecasts = forecasts.loc[forecasts["question_id"].isin(questions["question_id"])]
    # people and aggregates scored in one pass (each subject is scored on its own forecasts
    # alone); the aggregates are no crowd members, so they count as no one's peer
    member = (forecasts["in_crowd"].to_numpy(dtype=bool) if "in_crowd" in forecasts
              else np.ones(len(forecasts), dtype=bool))
    everyone = pd.concat([forecasts[list(FORECAST_COLUMNS)].assign(in_crowd=member),
                          crowds[list(FORECAST_COLUMNS)].assign(in_crowd=False)],
                         ignore_index=True)
    scored = _by_policy(everyone, questions, median)
    aggregate = is_crowd(scored["forecaster_id"]).to_numpy()
    subject = scored["forecaster_id"].to_numpy()
    question = scored["question_id"].to_numpy()
    in_crowd = ~aggregate & np.isin(subject, members["forecaster_id"].unique())
    # an aggregate's peers: its question's crowd members less one
    code, _ = pd.factorize(question)
    members_on = np.bincount(code, weights=in_crowd).astype(np.int64)
    probability = scored["probability"].to_numpy()
    outcome = scored["outcome"].to_numpy()
    ends = pd.DatetimeIndex(questions["resolved_at"])
    columns: dict[str, object] = {
        "question_id": question, "kind": BINARY, "option": "", "subject_id": subject,
        "in_crowd": in_crowd,
        "peers": np.where(aggregate, members_on[code] - 1, scored["peers"].to_numpy()),
        "resolved_at": ends.take(pd.Index(questions["question_id"]).get_indexer(question)),
        "outcome": outcome, "probability": probability,
        "decile": bin_of(probability, DECILES), "forecasts": scored["forecasts"].to_numpy(),
        "coverage": scored["coverage"].to_numpy(), "log_score": log_score(probability, outcome),
    }
    for policy in POLICIES:
        for name in (f"brier_{policy}", f"crowd_brier_{policy}"):
            columns[name] = scored[name].to_numpy()
    columns.update(_finals(scored.loc[~aggregate], ~aggregate,
                           horizon_finals(forecasts, questions)))
    # one frame from its columns, in (question, subject) order (pandas' column-by-column
    # assembly and sort cost a resolution more than the sums)
    order = np.lexsort((subject, question))
    return pd.DataFrame({name: values[order] if isinstance(values, (np.ndarray, pd.Index))
                         else values for name, values in columns.items()},
                        index=pd.RangeIndex(len(order)))[list(SCORE_COLUMNS)]


def _finals(people: pd.DataFrame, person: np.ndarray,
            finals: pd.DataFrame) -> dict[str, np.ndarray]:
    """FINAL_COLUMNS' values for every scored row (`person` marks the people's rows, whose
    frame is `people`): the horizon finals of each person, NaN for an aggregate or where the
    person made none. Both come from the same timeline runs, so they are usually row for row
    alike and are taken as they are; otherwise (pandas' merge cost a resolution more than the
    finals themselves) merged."""
    keys = ["question_id", "forecaster_id"]
    if not all(np.array_equal(people[key].to_numpy(), finals[key].to_numpy()) for key in keys):
        finals = people[keys].merge(finals, on=keys, how="left")
    found = {}
    for column in FINAL_COLUMNS.values():
        values = np.full(person.size, np.nan)
        values[person] = finals[column].to_numpy(dtype=float)
        found[column] = values
    return found


def _by_policy(
    forecasts: pd.DataFrame, questions: pd.DataFrame, median: pd.DataFrame
) -> pd.DataFrame:
    """The engine's per-question table under every policy, side by side (brier_<policy>, ...)."""
    tables = score_tables(forecasts, questions, policies=POLICIES, crowd=median)
    first = tables[POLICIES[0]]
    columns = {name: first[name].to_numpy() for name in (
        "question_id", "forecaster_id", "coverage", "forecasts", "peers", "probability",
        "outcome")}
    for policy, scored in tables.items():
        columns[f"brier_{policy}"] = scored["brier"].to_numpy()
        columns[f"crowd_brier_{policy}"] = scored["crowd_brier"].to_numpy()
    return pd.DataFrame(columns)
