"""Calibration tables and Murphy's decomposition of the Brier score (docs/scoring.md)."""

from __future__ import annotations

from statistics import NormalDist
from typing import Literal, NamedTuple, cast

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from forecasts.scoring.frames import binary_outcomes, probabilities


class MurphyDecomposition(NamedTuple):
    """Brier = reliability − resolution + uncertainty + within-bin variance − covariance."""

    brier: float
    reliability: float
    resolution: float
    uncertainty: float
    within_bin_variance: float
    within_bin_covariance: float


def _pair(probability: ArrayLike, outcome: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    p = np.ravel(probabilities(probability))
    o = np.ravel(binary_outcomes(outcome))
    if p.size != o.size or p.size == 0:
        raise ValueError("probability and outcome must be non-empty and the same length")
    return p, o


def bin_of(probability: np.ndarray, edges: np.ndarray) -> np.ndarray:
    # sklearn.calibration.calibration_curve's rule: a value on an inner edge goes to the lower bin
    return np.searchsorted(edges[1:-1], probability)


def _bins(
    probability: np.ndarray, bins: int | ArrayLike | None
) -> tuple[np.ndarray, np.ndarray | None]:
    """Bin index per forecast and, for distinct-value bins, each bin's exact forecast value."""
    if bins is None:
        values, index = np.unique(probability, return_inverse=True)
        return index, values
    if np.ndim(bins) == 0:
        edges = np.linspace(0.0, 1.0, int(cast(int, bins)) + 1)
    else:
        edges = np.asarray(bins, dtype=float)
    if edges.size < 2 or np.any(np.diff(edges) < 0):
        raise ValueError("bins must be a positive count or increasing edges")
    return bin_of(probability, edges), None


def murphy_decomposition(
    probability: ArrayLike, outcome: ArrayLike, *, bins: int | ArrayLike | None = None
) -> MurphyDecomposition:
    """Murphy's decomposition of the Brier score, with Stephenson et al.'s (2008) within-bin terms.

    `bins=None` bins by distinct forecast value, so the within-bin terms are 0 and
    Brier = REL − RES + UNC exactly; an int gives that many equal-width bins on [0, 1], an array
    gives edges (both with sklearn's edge rule). Coarser bins need the within-bin variance and
    covariance for the identity to hold. Raises ValueError for invalid or empty input.
    """
    p, o = _pair(probability, outcome)
    index, distinct = _bins(p, bins)
    count = np.bincount(index)
    filled = count > 0
    n = p.size
    mean_forecast = (
        np.bincount(index, weights=p)[filled] / count[filled] if distinct is None else distinct
    )
    frequency = np.bincount(index, weights=o)[filled] / count[filled]
    base_rate = o.mean()
    # deviations from each row's own bin mean; map bins to the compacted (non-empty) numbering
    compact = np.cumsum(filled) - 1
    forecast_deviation = p - mean_forecast[compact[index]]
    outcome_deviation = o - frequency[compact[index]]
    return MurphyDecomposition(
        brier=float(np.mean((p - o) ** 2)),
        reliability=float(np.sum(count[filled] * (mean_forecast - frequency) ** 2) / n),
        resolution=float(np.sum(count[filled] * (frequency - base_rate) ** 2) / n),
        uncertainty=float(base_rate * (1 - base_rate)),
        within_bin_variance=float(np.sum(forecast_deviation**2) / n),
        within_bin_covariance=float(2 * np.sum(outcome_deviation * forecast_deviation) / n),
    )


def _edges(probability: np.ndarray, n_bins: int, strategy: str) -> np.ndarray:
    if strategy == "quantile":
        return np.percentile(probability, np.linspace(0, 1, n_bins + 1) * 100)
    if strategy == "uniform":
        return np.linspace(0.0, 1.0, n_bins + 1)
    raise ValueError(f"strategy must be 'uniform' or 'quantile', not {strategy!r}")


def proportion_interval(
    hits: np.ndarray, count: np.ndarray, interval: str = "wilson", level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Two-sided `level` interval (Wilson or Jeffreys) for binomial proportions hits/count."""
    tail = (1 - level) / 2
    if interval == "jeffreys":
        # scipy.stats takes over a second to import: only the Jeffreys interval needs it
        from scipy.stats import beta

        # Brown, Cai & DasGupta (2001): the Jeffreys ends are 0 / 1 when all fail / all succeed
        low = np.where(hits == 0, 0.0, beta.ppf(tail, hits + 0.5, count - hits + 0.5))
        high = np.where(hits == count, 1.0, beta.ppf(1 - tail, hits + 0.5, count - hits + 0.5))
        return low, high
    if interval == "wilson":
        z = NormalDist().inv_cdf(1 - tail)
        centre = (hits + z**2 / 2) / (count + z**2)
        half = z / (count + z**2) * np.sqrt(hits * (count - hits) / count + z**2 / 4)
        # algebraically exact at 0 and 1 when all fail or all succeed; rounding is not
        low = np.where(hits == 0, 0.0, np.clip(centre - half, 0, 1))
        return low, np.where(hits == count, 1.0, np.clip(centre + half, 0, 1))
    raise ValueError(f"interval must be 'wilson' or 'jeffreys', not {interval!r}")


def calibration_table(
    probability: ArrayLike,
    outcome: ArrayLike,
    *,
    n_bins: int = 10,
    strategy: Literal["uniform", "quantile"] = "uniform",
    interval: Literal["wilson", "jeffreys"] = "wilson",
    level: float = 0.95,
) -> pd.DataFrame:
    """Per non-empty bin: bin_low, bin_high, mean_forecast, observed_frequency, count, ci_low/high.

    Bins, edge rule and empty-bin dropping match sklearn.calibration.calibration_curve
    (observed_frequency = prob_true, mean_forecast = prob_pred). Plot each bin at its mean
    forecast, not its centre. Raises ValueError for invalid input, strategy or interval.
    """
    p, o = _pair(probability, outcome)
    edges = _edges(p, n_bins, strategy)
    index = bin_of(p, edges)
    count = np.bincount(index, minlength=n_bins)
    filled = np.flatnonzero(count)
    hits = np.bincount(index, weights=o, minlength=n_bins)[filled]
    total = count[filled]
    low, high = proportion_interval(hits, total, interval, level)
    return pd.DataFrame(
        {
            "bin_low": edges[filled],
            "bin_high": edges[filled + 1],
            "mean_forecast": np.bincount(index, weights=p, minlength=n_bins)[filled] / total,
            "observed_frequency": hits / total,
            "count": total,
            "ci_low": low,
            "ci_high": high,
        }
    )
