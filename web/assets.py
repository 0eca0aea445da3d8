"""Static assets: compressed on the wire, cached for a year behind fingerprinted URLs.

Every ``url_for('static', filename=…)`` carries ``?v=`` and the first 12 hex digits of the file's
SHA-256, so a browser may keep the file for a year (``immutable``) and still fetches a changed
file at once, under its new URL. A request whose ``v`` is not the current fingerprint (an old
page, a hand-typed URL) gets the file revalidated as usual instead.

Flask-Compress (brotli, else gzip) compresses text assets only: CSS, JavaScript and SVG, once
per file and worker (kept in memory, keyed by path and fingerprint, so the set is bounded). HTML
pages and JSON stay uncompressed on purpose: they carry the CSRF token or the user's own data
next to text a visitor can choose, which is what BREACH-style attacks on compression need.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

from flask import Flask, request
from flask_compress import Compress
from werkzeug.security import safe_join
from werkzeug.wrappers import Response

YEAR = 365 * 24 * 3600
TEXT_ASSETS = ["text/css", "text/javascript", "application/javascript", "image/svg+xml"]
# plotly.js's "basic" bundle (scatter, bar and pie traces: all our charts draw) from the npm
# package plotly.js-basic-dist-min, MIT licence beside it; a quarter of the full bundle's size.
PLOTLY_JS = "vendor/plotly-basic-4.1.1.min.js"
PLOTLY_VERSION = "4.1.1"

compress = Compress()


class CompressedAssets:
    """Flask-Compress's cache backend: compressed bodies in this worker's memory."""

    def __init__(self) -> None:
        self.bodies: dict[str, bytes] = {}

    def get(self, key: str) -> bytes | None:
        return self.bodies.get(key)

    def set(self, key: str, value: bytes) -> None:
        self.bodies[key] = value


@cache
def _digest(path: str, modified: float) -> str:
    # keyed by modification time too, so an edited file gets a new URL without a restart
    with open(path, "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()[:12]


def fingerprint(app: Flask, filename: str) -> str | None:
    """The first 12 hex digits of a static file's SHA-256, or None if there is no such file."""
    path = safe_join(str(app.static_folder), filename)
    if path is None or not Path(path).is_file():
        return None
    return _digest(path, Path(path).stat().st_mtime)


def _asset_key(app: Flask, path: str, view_args: dict[str, Any] | None) -> str:
    filename = (view_args or {}).get("filename")
    return f"{path}@{fingerprint(app, filename)}" if filename else path


def plotly_js_path(app: Flask) -> Path:
    """The vendored plotly.js file on disk."""
    return Path(str(app.static_folder)) / PLOTLY_JS


def init_app(app: Flask) -> None:
    """Compress text assets and fingerprint every static URL."""
    app.config.update(
        COMPRESS_MIMETYPES=TEXT_ASSETS,
        # brotli is about a sixth smaller than gzip on plotly.js; gzip for older clients
        COMPRESS_ALGORITHM=["br", "gzip"],
        COMPRESS_BR_LEVEL=6,  # 360 KB for plotly.js in 0.13 s, once per worker (11: 329 KB, 10 s)
        COMPRESS_CACHE_BACKEND=CompressedAssets,
        COMPRESS_CACHE_KEY=lambda request: _asset_key(app, request.path, request.view_args),
    )
    compress.init_app(app)

    # Registered after Flask-Compress, so it runs before it (Flask runs these in reverse).
    @app.after_request
    def _read_files_whole(response: Response) -> Response:
        # A file (static, or Swagger UI's) is sent as a stream, which Flask-Compress would
        # compress chunk by chunk on every request and whose file it would leave open; read
        # whole, it is compressed once, cached, and the file is closed with the response.
        if response.direct_passthrough and response.mimetype in TEXT_ASSETS \
                and response.status_code == 200:
            response.direct_passthrough = False
            response.make_sequence()
        return response

    @app.url_defaults
    def _fingerprint_static(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static" and "filename" in values and "v" not in values:
            digest = fingerprint(app, values["filename"])
            if digest is not None:
                values["v"] = digest

    @app.after_request
    def _cache_fingerprinted(response: Response) -> Response:
        if request.endpoint != "static" or response.status_code not in (200, 304):
            return response
        filename = (request.view_args or {}).get("filename", "")
        if request.args.get("v") and request.args.get("v") == fingerprint(app, filename):
            response.cache_control.public = True
            response.cache_control.immutable = True
            response.cache_control.max_age = YEAR
            response.cache_control.no_cache = None
        return response
