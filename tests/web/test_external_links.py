"""Stored URLs become links only when they are http(s): a javascript: link runs when clicked."""

from __future__ import annotations

import re

import pytest

from tests.support import builders
from web.filters import linkify

# Checks how stored URLs are rendered: the same on every engine, so SQLite alone.
pytestmark = pytest.mark.sqlite_only

HOSTILE = ["javascript:alert(1)", "javascript://example.org/%0Aalert(1)", " JaVaScRiPt:alert(1)",
           "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)", "//evil.example/x"]


@pytest.mark.parametrize("url", HOSTILE)
def test_a_source_url_that_is_not_http_is_shown_without_a_link(sign_in, session, manager, url):
    question = builders.make_question(session, manager, source_name="Harbour wire",
                                      source_quote="Ferries are unlikely to sail.")
    question.source_url = url  # as a row stored before any form rule, or by an import
    session.add(question)
    session.commit()
    page = sign_in(manager).get(f"/questions/{question.id}").get_data(as_text=True)
    assert "Harbour wire" in page
    assert 'rel="noopener noreferrer">Harbour wire' not in page
    assert "alert(1)" not in page.split("<footer>")[1].split("</footer>")[0]


def test_an_http_source_url_is_a_link(sign_in, session, manager):
    question = builders.make_question(session, manager, source_name="Harbour wire",
                                      source_url="https://example.org/ferries",
                                      source_quote="Ferries are unlikely to sail.")
    page = sign_in(manager).get(f"/questions/{question.id}").get_data(as_text=True)
    link = ('<a href="https://example.org/ferries" rel="noopener noreferrer nofollow">'
            'Harbour wire</a>')
    assert link in page


def test_a_feed_entry_link_that_is_not_http_is_not_linked(sign_in, session, manager):
    question = builders.make_question(session, manager)
    builders.make_proposal(session, question, manager,
                           facts={"title": "Ferries halted", "link": "javascript:alert(1)"})
    page = sign_in(manager).get(f"/questions/{question.id}").get_data(as_text=True)
    assert "Ferries halted" in page
    assert 'href="javascript:' not in page  # the trail may quote it, as text


@pytest.mark.parametrize("text, links", [
    ("See https://example.org/report?a=1&b=2 now", ["https://example.org/report?a=1&amp;b=2"]),
    ("HTTP://EXAMPLE.ORG/x and http://example.net", ["HTTP://EXAMPLE.ORG/x", "http://example.net"]),
    *[(f"try {url} here", []) for url in HOSTILE],
    ("mailto:desk@example.org or ftp://example.org/file", []),
    ("a bare name www.example.org", []),
])
def test_comment_text_links_only_its_http_addresses(text, links):
    html = str(linkify(text + " <b>bold</b>"))
    assert re.findall(r'<a href="([^"]*)"', html) == links
    assert "&lt;b&gt;bold&lt;/b&gt;" in html and "<b>" not in html
