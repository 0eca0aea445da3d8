"""One number format everywhere: Brier to 3 decimals, percent to one decimal at most, a true
minus sign; chart axes with round, readable ticks and whole-number counts."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from web.charts import brier_axis, count_axis, monthly_figure, nice_step, relative_axis
from web.filters import MINUS, percent, relative, score

TEMPLATES = Path(__file__).resolve().parents[2] / "web" / "templates"
finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@given(finite)
def test_scores_have_three_decimals_and_a_true_minus(value):
    shown = score(value)
    assert "-" not in shown
    assert re.fullmatch(rf"{MINUS}?\d+\.\d{{3}}", shown)
    assert float(shown.replace(MINUS, "-")) == float(f"{value:.3f}")


@given(finite)
def test_relative_scores_carry_their_sign(value):
    shown = relative(value)
    if float(f"{value:.3f}") == 0:  # no direction in the digits shown: no sign either
        assert shown == "0.000"
    else:
        assert re.fullmatch(rf"[+{MINUS}]\d+\.\d{{3}}", shown)
    assert float(shown.replace(MINUS, "-")) == float(f"{value:.3f}")


def test_a_score_that_rounds_to_zero_has_no_sign():
    assert score(-0.0004) == relative(-0.0004) == relative(0.0004) == relative(0.0) == "0.000"


@given(st.floats(min_value=0.001, max_value=0.999))
def test_percentages_have_at_most_one_decimal(probability):
    shown = percent(probability)
    assert re.fullmatch(r"\d{1,2}(\.\d)? %", shown) or shown == "100 %"
    assert percent(probability, unit=False) == shown.removesuffix(" %")


def test_missing_numbers_are_a_dash():
    assert score(None) == relative(None) == percent(None) == "—"
    assert score(float("nan")) == relative(float("nan")) == percent(float("nan")) == "—"
    assert relative(-0.0123) == f"{MINUS}0.012" and score(-0.5) == f"{MINUS}0.500"


def test_no_template_formats_numbers_by_hand():
    # every number goes through the filters above, so one change reaches every page
    by_hand = re.compile(r"'%\.?\d*[fgd]'\|format|\|round\(|\* ?100\)")
    offenders = [str(t.relative_to(TEMPLATES)) for t in TEMPLATES.rglob("*.html")
                 if by_hand.search(t.read_text("utf-8"))]
    assert offenders == []


@given(st.floats(min_value=1e-4, max_value=1e4), st.sampled_from([2, 4, 5]))
def test_a_nice_step_is_round_and_just_enough(top, ticks):
    step = nice_step(top, ticks)
    assert step * ticks >= top * (1 - 1e-9)
    mantissa = step / 10 ** math.floor(math.log10(step) + 1e-9)
    assert any(math.isclose(mantissa, m) for m in (1, 2, 2.5, 5, 10))
    assert step < top / ticks * 2.6  # never more than the next round step


@given(st.lists(st.one_of(st.none(), st.floats(min_value=0, max_value=2)), max_size=30))
def test_brier_and_relative_axes_share_five_round_ticks(values):
    brier = brier_axis("Brier", values)
    assert brier["range"][0] == 0 and math.isclose(brier["range"][1], 4 * brier["dtick"])
    assert all(v is None or v <= brier["range"][1] for v in values)
    signed = [None if v is None else v - 1 for v in values]
    rel = relative_axis("Relative", signed)
    assert math.isclose(-rel["range"][0], rel["range"][1])
    assert math.isclose(rel["range"][1], 2 * rel["dtick"])  # −2, −1, 0, +1, +2 steps
    assert all(v is None or abs(v) <= rel["range"][1] for v in signed)
    assert rel["tickformat"] == "+.3f" and brier["tickformat"] == ".3f"


@given(st.lists(st.integers(min_value=0, max_value=100_000), max_size=20))
def test_count_axes_tick_whole_numbers_only(counts):
    axis = count_axis("Forecasts", counts)
    assert axis["dtick"] >= 1 and float(axis["dtick"]).is_integer()
    assert axis["tickformat"] == "d"


def test_the_snapshot_axis_of_a_single_night_reads_round_numbers():
    # one snapshot: plotly alone would autorange ±1 around it (−0.921 … 0.979)
    from web.charts import snapshot_figure

    figure = snapshot_figure(pd.DataFrame({"day": ["2026-11-30"], "brier": [0.166],
                                           "relative_brier": [0.079]}), "Amir")
    relative_ticks = figure["layout"]["yaxis2"]
    assert relative_ticks["range"] == [-0.1, 0.1] and relative_ticks["dtick"] == 0.05
    assert figure["layout"]["yaxis"]["range"] == [0, 0.2]


def test_legends_sit_above_the_plot_where_nothing_else_is_drawn():
    table = pd.DataFrame({"month": ["2026-01"], "brier": [0.1], "crowd_brier": [0.2],
                          "relative_brier": [-0.1], "questions": [3]})
    layout = monthly_figure(table, "Amir")["layout"]
    assert layout["legend"]["y"] > 1 and layout["legend"]["yanchor"] == "bottom"
    assert all(layout[axis]["automargin"] for axis in ("xaxis", "xaxis2", "yaxis", "yaxis2"))
