"""The crowd aggregates' stored ids are known in one place: is_crowd and aggregate_of."""

from __future__ import annotations

import pandas as pd

from forecasts.scoring.table import CROWD_IDS, aggregate_of, is_crowd


def test_crowd_ids_are_told_from_people_and_named_by_their_aggregate():
    ids = pd.Series([7, CROWD_IDS["median"], 1, CROWD_IDS["extremized_mean"]])
    assert is_crowd(ids).tolist() == [False, True, False, True]
    assert aggregate_of(ids) == ["", "median", "", "extremized_mean"]
    assert set(aggregate_of(pd.Series(list(CROWD_IDS.values())))) == set(CROWD_IDS)
