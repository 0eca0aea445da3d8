"""Recalibration: a mapping fitted on earlier questions, judged on later ones (docs/scoring.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike

from forecasts.scoring.aggregates import logit
from forecasts.scoring.frames import NAT, instant_ns, instants_ns, outcomes, probabilities

Recalibrator = Any  # a fitted IsotonicRegression or LogisticRegression


def _fit(method: str, probability: np.ndarray, outcome: np.ndarray) -> Recalibrator:
    # scikit-learn takes a second to import; only recalibration needs it, so web workers and the
    # CLI do not pay for it at start-up.
    from sklearn.isotonic import IsotonicRegression
    from sklearn.linear_model import LogisticRegression

    if method == "isotonic":
        return IsotonicRegression(y_min=0, y_max=1, out_of_bounds="clip").fit(probability, outcome)
    if np.unique(outcome).size < 2:
        raise ValueError(
            "platt recalibration needs both outcomes among the rows resolved before cutoff"
        )
    # sklearn's default L2 penalty (C=1) keeps the fit finite when the training rows are separable
    return LogisticRegression().fit(logit(probability).reshape(-1, 1), outcome.astype(int))


def _predict(model: Recalibrator, probability: np.ndarray) -> np.ndarray:
    from sklearn.isotonic import IsotonicRegression

    if isinstance(model, IsotonicRegression):
        return model.predict(probability)
    return model.predict_proba(logit(probability).reshape(-1, 1))[:, 1]


@dataclass(frozen=True)
class Recalibration:
    """A recalibration mapping fitted on earlier questions and its Brier score on later ones."""

    method: str
    model: Recalibrator
    fitted_rows: int
    evaluated_rows: int
    brier_before: float
    brier_after: float

    def apply(self, probability: ArrayLike) -> np.ndarray:
        """Recalibrated probabilities; raises ValueError for values outside [0, 1]."""
        return _predict(self.model, np.atleast_1d(probabilities(probability)))


def recalibrate(
    probability: ArrayLike,
    outcome: ArrayLike,
    resolved_at: ArrayLike,
    *,
    cutoff: object,
    method: Literal["isotonic", "platt"] = "isotonic",
) -> Recalibration:
    """Fit on rows resolved before `cutoff`; report Brier on rows resolved at or after it.

    Isotonic: IsotonicRegression(y_min=0, y_max=1, out_of_bounds="clip"); platt: logistic
    regression on logit p. Rows with a missing outcome or resolved_at are skipped. The evaluation
    rows' outcomes are never seen by the fit. Raises ValueError for an unknown method, invalid
    values, or when either side of the cutoff has no rows.
    """
    if method not in ("isotonic", "platt"):
        raise ValueError(f"method must be 'isotonic' or 'platt', not {method!r}")
    probability = probabilities(probability)
    outcome = outcomes(outcome)
    resolved = instants_ns(resolved_at)
    known = ~np.isnan(outcome) & (resolved != NAT)
    bound = instant_ns(cutoff)
    fit_rows = known & (resolved < bound)
    test_rows = known & (resolved >= bound)
    if not fit_rows.any():
        raise ValueError("no rows resolved before cutoff to fit the recalibration on")
    if not test_rows.any():
        raise ValueError("no rows resolved at or after cutoff to evaluate the recalibration on")
    model = _fit(method, probability[fit_rows], outcome[fit_rows])
    held_out, truth = probability[test_rows], outcome[test_rows]
    return Recalibration(
        method=method,
        model=model,
        fitted_rows=int(fit_rows.sum()),
        evaluated_rows=int(test_rows.sum()),
        brier_before=float(np.mean((held_out - truth) ** 2)),
        brier_after=float(np.mean((_predict(model, held_out) - truth) ** 2)),
    )
