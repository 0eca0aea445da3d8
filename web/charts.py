"""Plotly figures as plain JSON-able dicts, drawn in the browser by web/static/charts.js.

plotly.js itself is a vendored static file (web/assets.py), so charts work offline; the figures
are built here as dicts, which costs nothing to import.
"""

from __future__ import annotations

import html
import math
from datetime import datetime
from typing import Any

import pandas as pd

from forecasts.scoring.reports import Calibration

Figure = dict[str, Any]

INK, CROWD, MINE, BAND, GRID = "#1f3b73", "#b05a00", "#1b7f4c", "rgba(31,59,115,0.14)", "#d9dee7"
DAY_MS = 86_400_000
BRIER_STEPS = 4  # a Brier axis has 5 ticks, a relative one too, so their grid lines meet
_FONT = {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 13}


def _plain(text: object) -> str:
    """Text for a figure, shown as written: plotly renders tags such as ``<a href>`` in names,
    labels and hover text, so ``<``, ``>`` and ``&`` become entities (plotly shows them as the
    characters), and ``%{`` cannot start a hover-template field."""
    return html.escape(str(text), quote=False).replace("%{", "%&#123;")


def _layout(**changes: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "font": _FONT,
        "margin": {"l": 60, "r": 20, "t": 30, "b": 60},
        # Above the plot, where nothing else is drawn: plotly grows the top margin to fit it
        # however many rows it wraps into on a phone, so it never covers an axis or the card
        # below (below the plot it would compete with the tick labels and the axis title).
        "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": 1.02,
                   "yanchor": "bottom"},
        "hovermode": "closest",
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
    }
    layout.update(changes)
    return layout


def _axis(title: str, **changes: Any) -> dict[str, Any]:
    # automargin: the margins grow to fit tick labels and the title, so none overlaps the plot
    return {"title": {"text": title}, "gridcolor": GRID, "zeroline": False, "automargin": True,
            **changes}


def nice_step(top: float, ticks: int, multiples: tuple[float, ...] = (1, 2, 2.5, 5)) -> float:
    """The smallest step m × 10^k (m from ``multiples``) such that ``ticks`` steps reach ``top``.

    ``top`` must be > 0. Steps like 0.05 or 0.025 label an axis with round numbers; plotly's
    own choice on an overlaid or nearly empty axis can be 0.5649 apart (−0.921, −0.357, …).
    """
    wanted = top / ticks
    power = 10.0 ** math.floor(math.log10(wanted))
    for multiple in (*multiples, 10):
        if multiple * power >= wanted * (1 - 1e-9):
            return multiple * power
    raise AssertionError("unreachable: 10 × 10^k ≥ wanted")  # pragma: no cover


def _floats(values: pd.Series) -> list[float | None]:
    return [None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)
            for v in values]


def _largest(values: list[float | None]) -> float:
    return max((abs(v) for v in values if v is not None), default=0.0)


def brier_axis(title: str, values: list[float | None], **changes: Any) -> dict[str, Any]:
    """A 0-based Brier axis in four round steps (5 ticks), labelled to 3 decimals."""
    step = nice_step(max(_largest(values) * 1.05, 0.02), BRIER_STEPS)
    return _axis(title, range=[0, step * BRIER_STEPS], tick0=0, dtick=step, tickformat=".3f",
                 **changes)


def relative_axis(title: str, values: list[float | None], **changes: Any) -> dict[str, Any]:
    """A relative-Brier axis symmetric about 0 (negative beats the crowd), 5 ticks with signs."""
    step = nice_step(max(_largest(values) * 1.05, 0.02), BRIER_STEPS // 2)
    edge = step * (BRIER_STEPS // 2)
    return _axis(title, range=[-edge, edge], tick0=0, dtick=step, tickformat="+.3f",
                 zeroline=True, zerolinecolor="#888888", **changes)


def count_axis(title: str, counts: list[int], **changes: Any) -> dict[str, Any]:
    """An axis of counts: whole-number ticks only (never 0.5 or 1.5 forecasts)."""
    step = max(1.0, nice_step(max(max(counts, default=0), 1), 4, multiples=(1, 2, 5)))
    return _axis(title, rangemode="tozero", tick0=0, dtick=step, tickformat="d", **changes)


def calibration_figure(result: Calibration) -> Figure:
    """Reliability diagram: bins at mean forecast, size = count, 95 % bars, histogram below."""
    table = result.table
    counts = table["count"].astype(int)
    biggest = max(int(counts.max()), 1)
    points = {
        "type": "scatter", "mode": "markers", "name": "Observed frequency (95 % interval)",
        "x": _floats(table["mean_forecast"]), "y": _floats(table["observed_frequency"]),
        "marker": {"size": [8 + 30 * math.sqrt(c / biggest) for c in counts], "color": INK,
                   "opacity": 0.85, "line": {"width": 1, "color": "#ffffff"}},
        "error_y": {"type": "data", "symmetric": False, "color": INK, "thickness": 1.5,
                    "array": _floats(table["ci_high"] - table["observed_frequency"]),
                    "arrayminus": _floats(table["observed_frequency"] - table["ci_low"])},
        "customdata": [[int(c), lo, hi, cl, ch] for c, lo, hi, cl, ch in zip(
            counts, table["bin_low"], table["bin_high"], table["ci_low"], table["ci_high"],
            strict=True)],
        "hovertemplate": ("Bin %{customdata[1]:.0%}–%{customdata[2]:.0%}<br>"
                          "Mean forecast %{x:.1%}<br>Happened %{y:.1%} "
                          "(95 %: %{customdata[3]:.0%}–%{customdata[4]:.0%})<br>"
                          "%{customdata[0]} forecasts<extra></extra>"),
    }
    diagonal = {"type": "scatter", "mode": "lines", "name": "Perfectly calibrated",
                "x": [0, 1], "y": [0, 1], "hoverinfo": "skip",
                "line": {"dash": "dash", "color": "#888888", "width": 1}}
    sharp = result.sharpness
    sharp_counts = [int(c) for c in sharp["count"]]
    histogram = {
        "type": "bar", "name": "Forecasts made (sharpness)", "xaxis": "x2", "yaxis": "y2",
        "x": _floats((sharp["bin_low"] + sharp["bin_high"]) / 2), "y": sharp_counts,
        "width": 0.045, "marker": {"color": "#8aa1cf"},
        "customdata": [[lo, hi] for lo, hi in zip(sharp["bin_low"], sharp["bin_high"],
                                                  strict=True)],
        "hovertemplate": ("%{customdata[0]:.0%}–%{customdata[1]:.0%}: %{y} forecasts"
                          "<extra></extra>"),
    }
    return {
        "data": [diagonal, points, histogram],
        "layout": _layout(
            height=560,
            # no fixed dtick: plotly spaces the percent ticks to the chart's width (10 % apart
            # on a desk, 20 % on a phone) so they never overlap
            xaxis=_axis("", range=[-0.02, 1.02], tickformat=".0%", anchor="y"),
            xaxis2=_axis("Forecast probability", range=[-0.02, 1.02], tickformat=".0%",
                         anchor="y2", matches="x"),
            yaxis=_axis("Observed frequency", range=[-0.06, 1.06], tickformat=".0%",
                        domain=[0.34, 1]),
            yaxis2=count_axis("Forecasts", sharp_counts, domain=[0, 0.2], anchor="x2"),
        ),
    }


def monthly_figure(table: pd.DataFrame, name: str) -> Figure:
    """Mean Brier per month of resolution against the crowd's, and relative Brier as bars."""
    months = list(table["month"])
    briers = _floats(table["brier"]) + _floats(table["crowd_brier"])
    return {
        "data": [
            {"type": "scatter", "mode": "lines+markers",
             "name": f"{_plain(name)}: time-weighted Brier",
             "x": months, "y": _floats(table["brier"]), "line": {"color": INK},
             "customdata": [int(n) for n in table["questions"]],
             "hovertemplate": "%{x}: %{y:.3f} over %{customdata} questions<extra></extra>"},
            {"type": "scatter", "mode": "lines+markers", "name": "Crowd median, same periods",
             "x": months, "y": _floats(table["crowd_brier"]),
             "line": {"color": CROWD, "dash": "dot"},
             "hovertemplate": "%{x}: crowd %{y:.3f}<extra></extra>"},
            {"type": "bar", "name": "Relative Brier (negative beats the crowd)", "x": months,
             "y": _floats(table["relative_brier"]), "xaxis": "x2", "yaxis": "y2", "width": 0.4,
             "marker": {"color": MINE},
             "hovertemplate": "%{x}: %{y:+.3f} relative<extra></extra>"},
        ],
        "layout": _layout(
            height=480,
            xaxis=_axis("", type="category", anchor="y"),
            xaxis2=_axis("Month the question resolved", type="category", anchor="y2",
                         matches="x"),
            yaxis=brier_axis("Mean Brier (lower is better)", briers, domain=[0.42, 1]),
            yaxis2=relative_axis("Relative", _floats(table["relative_brier"]), domain=[0, 0.3],
                                 anchor="x2"),
        ),
    }


def snapshot_figure(table: pd.DataFrame, name: str) -> Figure:
    """Each night's standing: mean Brier and relative Brier as they stood that day."""
    days = [str(day) for day in table["day"]]
    first, last = pd.Timestamp(min(days)), pd.Timestamp(max(days))
    # a day either side, so one night's snapshot is a point in a readable range, not milliseconds
    span = [str((first - pd.Timedelta(days=1)).date()), str((last + pd.Timedelta(days=1)).date())]
    return {
        "data": [
            {"type": "scatter", "mode": "lines+markers",
             "name": f"{_plain(name)}: Brier as it stood",
             "x": days, "y": _floats(table["brier"]), "line": {"color": INK},
             "hovertemplate": "%{x}: %{y:.3f}<extra></extra>"},
            {"type": "scatter", "mode": "lines+markers", "name": "Relative Brier as it stood",
             "x": days, "y": _floats(table["relative_brier"]), "yaxis": "y2",
             "line": {"color": MINE}, "hovertemplate": "%{x}: %{y:+.3f}<extra></extra>"},
        ],
        "layout": _layout(
            height=380, margin={"l": 60, "r": 70, "t": 30, "b": 60},
            xaxis=_axis("Night of the snapshot (UTC)", type="date", tickformat="%Y-%m-%d",
                        range=span, dtick=DAY_MS * math.ceil(((last - first).days + 2) / 8)),
            yaxis=brier_axis("Brier", _floats(table["brier"])),
            # the same five tick positions as the Brier axis, so one set of grid lines serves both
            yaxis2=relative_axis("Relative", _floats(table["relative_brier"]), overlaying="y",
                                 side="right", showgrid=False),
        ),
    }


_PALETTE = ("#1f3b73", "#b05a00", "#1b7f4c", "#8e2c8e", "#a11d2d", "#3b7fb0")


def estimative_figure(table: pd.DataFrame) -> Figure:
    """Per term, its band as a shaded bar and how often it happened per publication, with 95 %."""
    bands = table.drop_duplicates("term")
    data: list[dict[str, Any]] = [{
        "type": "bar", "name": "The term's band", "x": [_plain(t) for t in bands["term"]],
        "base": _floats(bands["low"]), "y": _floats(bands["high"] - bands["low"]),
        "marker": {"color": BAND, "line": {"color": INK, "width": 1}},
        "customdata": [[lo, hi] for lo, hi in zip(_floats(bands["low"]), _floats(bands["high"]),
                                                  strict=True)],
        "hovertemplate": "%{x}: band %{customdata[0]:.0%}–%{customdata[1]:.0%}<extra></extra>",
    }]
    for n, (publication, rows) in enumerate(table.groupby("publication", sort=True)):
        data.append({
            "type": "scatter", "mode": "markers", "name": f"{_plain(publication)}: happened",
            "x": [_plain(t) for t in rows["term"]], "y": _floats(rows["frequency"]),
            "marker": {"size": 12, "color": _PALETTE[n % len(_PALETTE)]},
            "error_y": {"type": "data", "symmetric": False,
                        "array": _floats(rows["ci_high"] - rows["frequency"]),
                        "arrayminus": _floats(rows["frequency"] - rows["ci_low"])},
            "customdata": [[int(s), int(r), int(h)] for s, r, h in zip(
                rows["said"], rows["resolved"], rows["happened"], strict=True)],
            "hovertemplate": ("%{x}: happened %{y:.0%}<br>said %{customdata[0]} times, "
                              "%{customdata[1]} resolved, %{customdata[2]} happened"
                              f"<extra>{_plain(publication)}</extra>"),
        })
    return {
        "data": data,
        "layout": _layout(
            height=460, barmode="overlay",
            xaxis=_axis("Term (ordered by its band)", type="category",
                        categoryorder="array", categoryarray=list(bands["term"])),
            yaxis=_axis("How often it happened", range=[-0.04, 1.04], tickformat=".0%"),
        ),
    }


def crowd_figure(
    lines: dict[str, pd.DataFrame],
    names: dict[str, str],
    mine: list[tuple[datetime, float]],
    *,
    until: datetime,
    marks: list[tuple[str, datetime]],
) -> Figure:
    """The crowd's step lines (if shown), the viewer's own forecasts and dated vertical lines."""
    data: list[dict[str, Any]] = []
    for n, (method, line) in enumerate(lines.items()):
        if line.empty:
            continue
        times = [t.isoformat() for t in line["created_at"]] + [until.isoformat()]
        values = _floats(line["probability"])
        data.append({
            "type": "scatter", "mode": "lines", "name": _plain(names[method]), "line": {
                "shape": "hv", "color": (CROWD, INK)[n % 2], "dash": "solid" if n == 0 else "dot"},
            "x": times, "y": [*values, values[-1]],
            "customdata": [*(counts := [int(f) for f in line["forecasters"]]), counts[-1]],
            "hovertemplate": "%{x|%Y-%m-%d %H:%M} UTC: %{y:.1%} (%{customdata} forecasters)"
                             "<extra></extra>",
        })
    if mine:
        data.append({
            "type": "scatter", "mode": "markers", "name": "Your forecasts",
            "x": [t.isoformat() for t, _ in mine], "y": [p for _, p in mine],
            "marker": {"size": 10, "color": MINE, "symbol": "diamond"},
            "hovertemplate": "You, %{x|%Y-%m-%d %H:%M} UTC: %{y:.1%}<extra></extra>",
        })
    shapes = [{"type": "line", "xref": "x", "yref": "paper", "x0": when.isoformat(),
               "x1": when.isoformat(), "y0": 0, "y1": 1,
               "line": {"color": "#555555", "dash": "dash", "width": 1}} for _, when in marks]
    # inside the plot's top edge: the legend has the space above it
    notes = [{"x": when.isoformat(), "y": 1, "xref": "x", "yref": "paper", "text": _plain(label),
              "showarrow": False, "xanchor": "left", "yanchor": "top",
              "bgcolor": "rgba(255,255,255,0.85)", "font": {"size": 11}} for label, when in marks]
    return {
        "data": data,
        "layout": _layout(
            height=380, shapes=shapes, annotations=notes,
            xaxis=_axis("Time (UTC)", type="date"),
            yaxis=_axis("Probability of YES", range=[0, 1], tickformat=".0%"),
        ),
    }
