"""The per-process caches the pages read, set on the app in ``web.create_app``: the score
store's reader (``forecasts.scoring.reader.ScoreCache``) and the questions' crowd histories
(``forecasts.scoring.history.CrowdHistories``)."""

from __future__ import annotations

from flask import current_app

from forecasts.scoring.history import CrowdHistories
from forecasts.scoring.reader import ScoreCache


def score_cache() -> ScoreCache:
    """This process's reader of the score store."""
    return current_app.extensions["scores"]


def crowd_histories() -> CrowdHistories:
    """This process's kept crowd histories, one per question asked for lately."""
    return current_app.extensions["crowd_histories"]
