"""The OpenAPI document and a readable docs page beside it, served locally (no CDN).

The page is Swagger UI from the ``swagger-ui-py`` package's files, started by our own
``static/api-docs.js`` (no inline script, so it works under a strict CSP).
"""

from __future__ import annotations

from pathlib import Path

import swagger_ui
from flask import Blueprint, abort, jsonify, render_template, send_from_directory
from werkzeug.wrappers import Response

from web.api.spec import api_spec

SWAGGER_FILES = Path(swagger_ui.__file__).parent / "static"
ASSETS = frozenset({"swagger-ui-bundle.js", "swagger-ui.css"})


def register(bp: Blueprint) -> None:
    """Add the document, the page and its two vendored files to the API blueprint."""

    @bp.get("/openapi.json")
    def openapi_document() -> Response:
        """The OpenAPI 3.1 document, generated from the routes and their models."""
        return jsonify(api_spec.spec)

    @bp.get("/docs")
    def docs() -> str:
        """Swagger UI over the document."""
        return render_template("api/docs.html")

    @bp.get("/docs/<name>")
    def docs_asset(name: str) -> Response:
        """Swagger UI's script and style, from the installed package (cached for a day)."""
        if name not in ASSETS:
            abort(404)
        return send_from_directory(SWAGGER_FILES, name, max_age=86_400)
