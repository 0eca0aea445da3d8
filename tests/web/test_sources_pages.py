"""Source pages: evidence links only for http(s), form errors for refused addresses and
patterns, the stated comparison rule, and "Scheduler" in the trail."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from markupsafe import escape

from forecasts.resolution import checks, closing
from forecasts.resolution.comparison import RULE
from forecasts.resolution.fetching import Fetcher
from tests.support.builders import LOCAL, make_question
from web.filters import external_link

FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>Desk</title>
<item><title>Strike called off</title><link>{link}</link>
<pubDate>Fri, 09 Jan 2026 10:00:00 GMT</pubDate></item></channel></rss>"""


@pytest.mark.sqlite_only
@pytest.mark.parametrize("link", ["javascript:alert(document.domain)",
                                  " JaVaScRiPt:alert(1)", "data:text/html,<script>x</script>",
                                  "vbscript:msgbox", "//evil.example/x", "/relative"])
def test_an_evidence_link_that_is_not_http_is_shown_as_text_only(
    sign_in, session, manager, clock, httpserver, link
):
    question = make_question(session, manager)
    httpserver.expect_request("/feed").respond_with_data(
        FEED.format(link=html.escape(link)), content_type="application/rss+xml")
    desk = sign_in(manager)
    desk.post(f"/questions/{question.id}/source", {
        "kind": "feed", "url": httpserver.url_for("/feed"), "pattern": "called off",
        "comparison": "=="})
    assert checks.poll_due(session, now=clock.now(), fetcher=Fetcher(allowed=LOCAL)) == \
        {"proposed": 1}

    page = desk.get(f"/questions/{question.id}").get_data(as_text=True)

    start = page.index('data-testid="proposal"')
    evidence = page[start:page.index("</dl>", start)]
    assert "<dt>Entry</dt><dd>Strike called off (" in evidence  # the title, as text
    assert "<a " not in evidence.split("<dt>Source</dt>")[0]


@pytest.mark.sqlite_only
def test_an_http_evidence_link_is_a_link(sign_in, session, manager, clock, httpserver):
    question = make_question(session, manager)
    httpserver.expect_request("/feed").respond_with_data(
        FEED.format(link="https://example.org/called-off?a=1&amp;b=2"),
        content_type="application/rss+xml")
    desk = sign_in(manager)
    desk.post(f"/questions/{question.id}/source", {
        "kind": "feed", "url": httpserver.url_for("/feed"), "pattern": "called off",
        "comparison": "=="})
    checks.poll_due(session, now=clock.now(), fetcher=Fetcher(allowed=LOCAL))

    page = desk.get(f"/questions/{question.id}").get_data(as_text=True)

    assert ('<a href="https://example.org/called-off?a=1&amp;b=2" '
            'rel="noopener noreferrer nofollow">Strike called off</a>') in page


@pytest.mark.parametrize(("url", "text", "rendered"), [
    ("https://example.org/a", None,
     '<a href="https://example.org/a" rel="noopener noreferrer nofollow">'
     "https://example.org/a</a>"),
    ("HTTP://example.org/", "Ex", '<a href="HTTP://example.org/" rel="noopener noreferrer '
                                  'nofollow">Ex</a>'),
    ("javascript:alert(1)", "Click", "Click"),
    ("javascript:alert(1)", None, "javascript:alert(1)"),
    ('https://x.org/"><script>', "t", '<a href="https://x.org/&#34;&gt;&lt;script&gt;" '
                                      'rel="noopener noreferrer nofollow">t</a>'),
    ("https:///nohost", "<b>", "&lt;b&gt;"),
    (None, "Desk", "Desk"),
])
def test_external_link_links_only_http_and_https(url, text, rendered):
    assert str(external_link(url, text)) == rendered


@pytest.mark.sqlite_only
@pytest.mark.parametrize(("data", "field", "message"), [
    ({"kind": "http_json", "url": "http://169.254.169.254/latest/", "pointer": "/a",
      "comparison": "=="}, "URL", "not a public address"),
    ({"kind": "http_json", "url": "http://[::ffff:10.0.0.1]/", "pointer": "/a",
      "comparison": "=="}, "URL", "not a public address"),
    ({"kind": "feed", "url": "http://127.0.0.1/f", "pattern": r"(a)\1",
      "pattern_is_regex": "y", "comparison": "=="}, "pattern", "RE2"),
    ({"kind": "http_json", "url": "http://127.0.0.1/j", "pointer": "/a", "comparison": ">=",
      "value": "lots"}, "value", "with a number"),
])
def test_a_source_that_cannot_work_is_a_form_error(sign_in, session, manager, data, field,
                                                   message):
    question = make_question(session, manager)
    desk = sign_in(manager)

    saved = desk.post(f"/questions/{question.id}/source", data)

    assert saved.status_code == 303
    page = desk.get(f"/questions/{question.id}").get_data(as_text=True)
    assert "Source not saved" in page and message in page


@pytest.mark.sqlite_only
def test_the_source_form_states_the_comparison_and_date_rules(sign_in, session, manager):
    question = make_question(session, manager)
    page = sign_in(manager).get(f"/questions/{question.id}").get_data(as_text=True)
    assert str(escape(RULE)) in page
    assert "RFC 2822" in page and "ISO 8601" in page


def test_the_trail_credits_automatic_closes_to_the_scheduler(sign_in, session, manager, clock):
    question = make_question(session, manager)
    clock.set(question.closes_at + timedelta(minutes=1))
    closing.close_due(session, now=clock.now())

    page = sign_in(manager).get(f"/questions/{question.id}").get_data(as_text=True)

    row = page[page.index('class="trail"'):]
    assert "<td>Scheduler</td>" in row and "Maria" not in row[:row.index("</tbody>")]
