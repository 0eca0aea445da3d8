"""The API reference page renders the OpenAPI document in Chromium, offline, without errors."""

from __future__ import annotations

import pytest

from tests.web.test_browser import PageWatch

pytestmark = pytest.mark.browser


def test_the_api_docs_page_renders_the_document_offline(chromium, site, artifacts):
    context = chromium.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    watch = PageWatch(page)
    page.goto(f"{site.url}/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "Forecast tracker API" in page.locator(".swagger-ui .info .title").text_content()
    page.locator(".opblock-summary-path").first.wait_for()
    paths = page.locator(".opblock-summary-path").all_text_contents()
    assert any(path.strip() == "/api/v1/questions" for path in paths), paths
    page.screenshot(path=str(artifacts / "api-docs.png"), full_page=False)
    assert watch.foreign == []  # nothing fetched from a CDN
    assert watch.errors == []
    context.close()
