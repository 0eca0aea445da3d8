"""Benchmark of the scoring engine on 1,000,000 seeded synthetic forecasts.

Run: .venv/bin/python benchmarks/scoring.py [--seed N]

Wall time is the best of a few runs (time.perf_counter). Peak memory is tracemalloc's peak during
one separate traced run, above what was allocated before it: it counts numpy's and Python's
allocations (numpy reports its buffers to tracemalloc), not the interpreter's baseline.
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import brier_score_loss

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from forecasts.scoring.book import book_from_rows, book_leaderboard
from forecasts.scoring.calibration import calibration_table, murphy_decomposition
from forecasts.scoring.leaderboard import leaderboard
from forecasts.scoring.scores import brier
from forecasts.scoring.table import score_rows

DAY = 86_400 * 10**9  # ns
N_FORECASTS, N_QUESTIONS, N_FORECASTERS = 1_000_000, 10_000, 1_000
NAIVE_SAMPLE = 2_000  # (question, forecaster) runs timed for the naive time-weighted extrapolation


def generate(
    seed: int, n_forecasts: int = N_FORECASTS, n_questions: int = N_QUESTIONS
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Questions with a hidden true chance; forecasters of varied skill updating ~4 times each."""
    N_FORECASTS, N_QUESTIONS = n_forecasts, n_questions
    rng = np.random.default_rng(seed)
    opens = pd.Timestamp("2022-01-01", tz="UTC").value + rng.integers(0, 730 * DAY, N_QUESTIONS)
    length = rng.integers(7 * DAY, 365 * DAY, N_QUESTIONS)
    early = rng.random(N_QUESTIONS) < 0.3
    resolved = opens + np.where(
        early, (length * rng.uniform(0.5, 1, N_QUESTIONS)).astype(np.int64), length
    )
    truth = rng.beta(0.7, 0.7, N_QUESTIONS)
    outcome = (rng.random(N_QUESTIONS) < truth).astype(float)
    annulled = rng.random(N_QUESTIONS) < 0.05
    outcome[annulled] = np.nan
    questions = pd.DataFrame(
        {
            "question_id": np.arange(1, N_QUESTIONS + 1),
            "opens_at": pd.to_datetime(opens, utc=True),
            "closes_at": pd.to_datetime(opens + length, utc=True),
            "resolved_at": pd.to_datetime(
                np.where(annulled, np.iinfo(np.int64).min, resolved), utc=True
            ),
            "outcome": outcome,
        }
    )
    n_runs = N_FORECASTS // 4
    run_question = rng.integers(0, N_QUESTIONS, n_runs)
    run_forecaster = rng.integers(0, N_FORECASTERS, n_runs)
    run = np.sort(rng.integers(0, n_runs, N_FORECASTS))
    question, forecaster = run_question[run], run_forecaster[run]
    # some forecasts come before the question opens, some after it ends (those are ignored)
    created = (
        opens[question]
        - 3 * DAY
        + (rng.random(N_FORECASTS) * (length[question] + 4 * DAY)).astype(np.int64)
    )
    elapsed = np.clip((created - opens[question]) / length[question], 0, 1)
    noise = rng.uniform(0.3, 2.0, N_FORECASTERS)[forecaster] * rng.standard_normal(N_FORECASTS)
    signal = np.log(truth / (1 - truth))[question] * (0.3 + elapsed)
    probability = np.clip(np.round(1 / (1 + np.exp(-(signal + noise))), 2), 0.01, 0.99)
    forecasts = pd.DataFrame(
        {
            "question_id": question + 1,
            "forecaster_id": forecaster + 1,
            "probability": probability,
            "created_at": pd.to_datetime(created, utc=True),
        }
    )
    return forecasts, questions


def measure(work: Callable[[], object], repeat: int = 3) -> tuple[float, float, object]:
    """(best wall seconds, tracemalloc peak MB above the start, result)."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - started)
    tracemalloc.start()
    tracemalloc.reset_peak()
    baseline = tracemalloc.get_traced_memory()[0]
    work()
    peak = tracemalloc.get_traced_memory()[1] - baseline
    tracemalloc.stop()
    return best, peak / 2**20, result


def naive_plain(frame: pd.DataFrame) -> pd.Series:
    """The naive way: groupby-apply calling sklearn's brier_score_loss per forecaster."""
    return frame.groupby("forecaster_id").apply(
        lambda rows: brier_score_loss(rows["outcome"], rows["probability"]), include_groups=False
    )


def vectorised_plain(
    forecaster: np.ndarray, probability: np.ndarray, outcome: np.ndarray
) -> np.ndarray:
    """The same plain per-forecaster Brier, vectorised."""
    code, _ = pd.factorize(forecaster, sort=True)
    return np.bincount(code, weights=brier(probability, outcome)) / np.bincount(code)


def naive_time_weighted(rows: pd.DataFrame) -> float:
    """One (question, forecaster) run's time-weighted Brier, the way a per-group loop does it."""
    rows = rows.sort_values("created_at")
    held_from = rows["created_at"].clip(lower=rows["opens_at"])
    held_until = rows["created_at"].shift(-1).fillna(rows["end"])
    seconds = (held_until - held_from).dt.total_seconds().clip(lower=0)
    return brier_score_loss(rows["outcome"], rows["probability"], sample_weight=seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20240601)
    seed = parser.parse_args().seed
    forecasts, questions = generate(seed)
    scored = forecasts.merge(questions, on="question_id")
    scored["end"] = scored[["closes_at", "resolved_at"]].min(axis=1)
    scored = scored.loc[scored["outcome"].notna() & (scored["created_at"] < scored["end"])]
    probability, outcome = scored["probability"].to_numpy(), scored["outcome"].to_numpy()
    print(
        f"{len(forecasts):,} forecasts, {len(questions):,} questions, "
        f"{forecasts['forecaster_id'].nunique():,} forecasters; "
        f"{len(scored):,} scored (seed {seed})"
    )
    print(
        "wall time: best of 3 (perf_counter); "
        "memory: tracemalloc peak above baseline, one traced run\n"
    )

    started = time.perf_counter()
    book = book_from_rows(score_rows(forecasts, questions))
    stored_in = time.perf_counter() - started
    rows = {
        "leaderboard (time-weighted + relative)": measure(
            lambda: leaderboard(forecasts, questions)
        ),
        "leaderboard over the stored rows": measure(
            lambda: book_leaderboard(book, with_crowd=False)),
        "calibration table + Murphy": measure(
            lambda: (
                calibration_table(probability, outcome),
                murphy_decomposition(probability, outcome, bins=10),
            )
        ),
        "floor: numpy (p - o)**2": measure(lambda: (probability - outcome) ** 2),
        "plain Brier per forecaster, vectorised": measure(
            lambda: vectorised_plain(scored["forecaster_id"].to_numpy(), probability, outcome)
        ),
        "naive: groupby-apply brier_score_loss": measure(lambda: naive_plain(scored), repeat=1),
    }
    sample_keys = (
        scored[["question_id", "forecaster_id"]]
        .drop_duplicates()
        .sample(NAIVE_SAMPLE, random_state=seed)
    )
    sample = scored.merge(sample_keys, on=["question_id", "forecaster_id"])
    runs = scored[["question_id", "forecaster_id"]].drop_duplicates().shape[0]
    started = time.perf_counter()
    sample.groupby(["question_id", "forecaster_id"]).apply(
        naive_time_weighted, include_groups=False
    )
    naive_tw = (time.perf_counter() - started) * runs / NAIVE_SAMPLE

    for name, (seconds, peak, _) in rows.items():
        print(f"{name:42s} {seconds:8.3f} s  {peak:8.1f} MB")
    print(
        f"{'naive time-weighted, per (q, f) apply':42s} {naive_tw:8.1f} s  (extrapolated from "
        f"{NAIVE_SAMPLE:,} of {runs:,} runs)"
    )

    board = rows["leaderboard (time-weighted + relative)"][0]
    calibration = rows["calibration table + Murphy"][0]
    floor = rows["floor: numpy (p - o)**2"][0]
    naive = rows["naive: groupby-apply brier_score_loss"][0]
    plain = rows["plain Brier per forecaster, vectorised"][0]
    stored = rows["leaderboard over the stored rows"][0]
    print(f"{'score rows for the store (every policy)':42s} {stored_in:8.3f} s  "
          f"({len(book.rows):,} rows, computed once per resolution in production)")
    ratios = [
        ("raw-forecast leaderboard vs stored-row leaderboard (x faster)", board / stored),
        ("leaderboard vs floor (times slower)", board / floor),
        ("calibration + Murphy vs floor (times slower)", calibration / floor),
        ("naive plain vs vectorised plain, like for like (x faster)", naive / plain),
        ("naive time-weighted vs leaderboard, like for like (x faster)", naive_tw / board),
        ("naive plain vs leaderboard, which also does far more (x faster)", naive / board),
    ]
    print("\nratios")
    for name, ratio in ratios:
        print(f"  {name:66s} {ratio:8.1f}")
    print(
        "\ntargets: leaderboard over stored rows <= 0.3 s; calibration + Murphy <= 0.5 s; "
        ">= 20x naive"
    )


if __name__ == "__main__":
    main()
