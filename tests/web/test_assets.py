"""Static assets: fingerprinted URLs cached for a year, text assets compressed, pages not."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import brotli
from bs4 import BeautifulSoup
from flask import url_for

from web.assets import PLOTLY_JS

STATIC = Path(__file__).resolve().parents[2] / "web" / "static"


def asset_urls(page: str) -> list[str]:
    """Every stylesheet, script and icon a page loads from this site."""
    soup = BeautifulSoup(page, "html.parser")
    return [tag.get("href") or tag.get("src") for tag in soup.select("link[href], script[src]")]


def test_every_static_url_on_a_page_is_fingerprinted_and_cached_for_a_year(
        client_for_anonymous):
    urls = [u for u in asset_urls(client_for_anonymous.get("/login").get_data(as_text=True))
            if u.startswith("/static/")]
    assert len(urls) >= 3  # the stylesheet, the icon, the menu script
    for url in urls:
        assert "?v=" in url, url
        response = client_for_anonymous.get(url)
        assert response.status_code == 200, url
        assert "max-age=31536000" in response.headers["Cache-Control"], url
        assert "immutable" in response.headers["Cache-Control"], url
        response.close()


def test_a_stale_fingerprint_is_not_cached_for_a_year(client_for_anonymous):
    response = client_for_anonymous.get("/static/style.css?v=000000000000")
    assert response.status_code == 200
    assert "max-age=31536000" not in response.headers.get("Cache-Control", "")
    response.close()


def test_an_edited_file_gets_a_new_url(app, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "static_folder", str(tmp_path))
    (tmp_path / "x.css").write_text("a{}")
    with app.test_request_context():
        before = url_for("static", filename="x.css")
        (tmp_path / "x.css").write_text("b{}")
        os.utime(tmp_path / "x.css", (1, 1))  # a different modification time, as an edit has
        assert url_for("static", filename="x.css") != before


def test_plotly_goes_over_the_wire_compressed_and_arrives_whole(client_for_anonymous):
    with client_for_anonymous.application.test_request_context():
        url = url_for("static", filename=PLOTLY_JS)
    original = (STATIC / PLOTLY_JS).read_bytes()
    for encoding, decode in (("br", brotli.decompress), ("gzip", gzip.decompress)):
        response = client_for_anonymous.get(url, headers={"Accept-Encoding": encoding})
        assert response.headers["Content-Encoding"] == encoding
        body = response.get_data()
        assert len(body) < 450_000, (encoding, len(body))  # of 1.2 MB
        assert decode(body) == original
        assert "Accept-Encoding" in response.headers["Vary"]
        response.close()


def test_stylesheets_and_scripts_are_compressed_but_pages_are_not(client_for_anonymous):
    page = client_for_anonymous.get("/login", headers={"Accept-Encoding": "br"})
    assert "Content-Encoding" not in page.headers  # BREACH: pages carry the CSRF token
    for url in ("/static/style.css", "/static/charts.js"):
        response = client_for_anonymous.get(url, headers={"Accept-Encoding": "br"})
        assert response.headers.get("Content-Encoding") == "br", url
        assert brotli.decompress(response.get_data()) == (STATIC / url.split("/")[-1]).read_bytes()
        response.close()


def test_swagger_uis_files_are_compressed_too(client_for_anonymous):
    response = client_for_anonymous.get("/api/v1/docs/swagger-ui-bundle.js",
                                        headers={"Accept-Encoding": "br"})
    assert response.headers.get("Content-Encoding") == "br"
    assert b"swagger" in brotli.decompress(response.get_data())[:5000].lower()
    response.close()
