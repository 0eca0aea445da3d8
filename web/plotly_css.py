"""plotly.js's own CSS as a stylesheet, so charts draw under a CSP without inline styles.

plotly.js normally injects its rules into a ``<style>`` element it creates, which a strict
``style-src 'self'`` blocks. It skips that when the page already has an element with the id
``plotly.js-style-global`` and the class ``no-inline-styles`` (its documented switch for strict
CSPs), so the chart template links this stylesheet under that id. The rules are read from the
vendored plotly.js itself (the one object of selector → declarations it would inject), so
they always match the served version. The bundle also injects maplibre's CSS, for map traces,
which we never draw; an element with the id it checks for stops that.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, url_for

from web.assets import PLOTLY_JS, PLOTLY_VERSION, YEAR, plotly_js_path

bp = Blueprint("plotly_css", __name__)

# `var I0e={"X,X div":"…",…};for(bV in I0e)R0e=bV.replace(/^,/," ,").replace(/X/g,…)`
RULES = re.compile(r'=(\{"X,X div":.*?\});for\(')
STRING = r"""(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')"""
PAIR = re.compile(rf"({STRING})\s*:\s*({STRING})")
MAPLIBRE_STYLE_ID = re.compile(
    r'getElementById\("([0-9a-f]{64})"\)\)\{var \w+=document\.createElement\("style"\)')


def _bundle() -> str:
    return str(plotly_js_path(current_app))


@cache
def _rules(bundle: str) -> str:
    match = RULES.search(Path(bundle).read_text("utf-8"))
    if match is None:
        raise LookupError("plotly.min.js no longer carries its style rules where expected")
    lines = []
    for selector_literal, declarations_literal in PAIR.findall(match.group(1)):
        # JS string literals here are plain quoted text, which Python reads the same way
        selector, declarations = map(ast.literal_eval, (selector_literal, declarations_literal))
        # the same substitutions plotly.js applies before inserting each rule
        full = re.sub(r"^,", " ,", selector).replace("X", ".js-plotly-plot .plotly")
        lines.append(f"{full.replace('Y', '.plotly-notifier')}{{{declarations}}}")
    return "\n".join(lines) + "\n"


def plotly_css() -> str:
    """The stylesheet plotly.js would inject; raises LookupError if the bundle changed shape."""
    return _rules(_bundle())


@cache
def _maplibre_id(bundle: str) -> str:
    match = MAPLIBRE_STYLE_ID.search(Path(bundle).read_text("utf-8"))
    return match.group(1) if match else ""


@bp.app_template_global("plotly_maplibre_style_id")
def plotly_maplibre_style_id() -> str:
    """The id whose presence stops plotly.js injecting maplibre's CSS ("" if none)."""
    return _maplibre_id(_bundle())


@bp.app_template_global("plotly_js_url")
def plotly_js_url() -> str:
    """The vendored plotly.js, at its fingerprinted URL (web/assets.py)."""
    return url_for("static", filename=PLOTLY_JS)


@bp.app_template_global("plotly_js_version")
def plotly_js_version() -> str:
    """The vendored plotly.js's version (it names the stylesheet's URL, for long caching)."""
    return PLOTLY_VERSION


@bp.get("/vendor/plotly-<version>.css")
def stylesheet(version: str) -> Response:
    """plotly.js's CSS for this version, cached for a year like the script."""
    if version != PLOTLY_VERSION:
        abort(404, description="That plotly.js version is not served here.")
    response = Response(plotly_css(), mimetype="text/css")
    response.cache_control.public = True
    response.cache_control.immutable = True
    response.cache_control.max_age = YEAR
    return response
