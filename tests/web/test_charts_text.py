"""Names in charts are shown as written: plotly renders <a href> and other tags in names,
labels and hover text, so text from users reaches it escaped."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pandas as pd

from web.charts import crowd_figure, estimative_figure, monthly_figure

EVIL = '<a href="javascript:alert(document.domain)">Finn</a> %{x}'


def text_of(figure: dict) -> str:  # type: ignore[type-arg]
    return json.dumps(figure)


def test_a_display_name_cannot_become_a_link_in_a_chart():
    table = pd.DataFrame({"month": ["2026-01"], "brier": [0.1], "crowd_brier": [0.2],
                          "relative_brier": [-0.1], "questions": [3]})
    shown = text_of(monthly_figure(table, EVIL))
    assert "<a" not in shown and "&lt;a href=" in shown and "%{x}" not in shown.split("hover")[0]


def test_a_publication_name_cannot_become_a_link_in_hover_text():
    table = pd.DataFrame({"term": ["likely"], "low": [0.55], "high": [0.8],
                          "publication": [EVIL], "frequency": [0.6], "ci_low": [0.3],
                          "ci_high": [0.8], "said": [5], "resolved": [5], "happened": [3]})
    figure = estimative_figure(table)
    trace = figure["data"][1]
    assert "<a" not in trace["name"] and "<a" not in trace["hovertemplate"]
    assert "&lt;a href=" in trace["hovertemplate"]
    assert "%{x}</extra>" not in trace["hovertemplate"]  # a name cannot add template fields


def test_crowd_line_names_and_marks_are_escaped():
    line = pd.DataFrame({"created_at": [datetime(2026, 1, 6, tzinfo=UTC)],
                         "probability": [0.4], "forecasters": [2]})
    figure = crowd_figure({"median": line}, {"median": EVIL}, [],
                          until=datetime(2026, 2, 1, tzinfo=UTC),
                          marks=[(EVIL, datetime(2026, 1, 20, tzinfo=UTC))])
    assert "<a" not in text_of(figure)
