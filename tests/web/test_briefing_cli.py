"""`forecasts briefing import`: JSON drafts without storing, storing for review, refusals."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import func, select

from forecasts import bounds
from forecasts.models import Briefing, BriefingDraft
from tests.support.briefing_files import FIXTURES, one_line_judgments
from tests.support.environment import seed_briefing


def stored(session) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    session.expire_all()
    return (session.exec(select(func.count()).select_from(Briefing)).one(),
            session.exec(select(func.count()).select_from(BriefingDraft)).one())


def one_draft(drafts: list[dict], *words: str) -> dict:
    found = [d for d in drafts if all(w.lower() in d["quote"].lower() for w in words)
             and (d["term"] is not None)]
    assert len(found) >= 1, words
    return found[0]


def test_json_on_the_seed_lists_each_assessment_and_stores_nothing(runner, session):
    seed = seed_briefing()
    result = runner.invoke(args=["briefing", "import", str(seed), "--json",
                                 "--date", "2026-11-25"])
    assert result.exit_code == 0, result.output
    drafts = json.loads(result.output)
    expected = [  # (words in the quote, the Source: block it sits in)
        (("NATO deployment",), "AP News"),
        (("NATO personnel",), "Research Briefings"),
        (("cross-border firing",), "Research Briefings"),
        (("will not confront",), "Research Briefings"),
        (("support will continue",), "Research Briefings"),
        (("near-abroad",), "Research Briefings"),
    ]
    for words, source in expected:
        draft = one_draft(drafts, *words)
        assert draft["source"] == source
        assert draft["low"] <= draft["probability"] <= draft["high"], draft
        assert draft["closes_at"] > "2026-11-25"
    greece = [d for d in drafts if "Greece" in d["title"]]
    assert len(greece) == 1 and greece[0]["term"] == "unlikely"
    assert greece[0]["low"] <= greece[0]["probability"] <= greece[0]["high"]
    deployment = one_draft(drafts, "NATO deployment")
    assert deployment["conditional"] is True
    assert "weapons of mass destruction" in deployment["condition"]
    assert {"quote", "source", "term", "probability", "low", "high", "conditional", "condition",
            "title", "resolution_criteria", "closes_at", "tags"} <= set(deployment)
    lines = [line for line in seed.read_text("utf-8").splitlines() if line.strip()]
    byline = next(line for line in lines if line.startswith("By "))
    footer = lines[-1]
    quotes = " ".join(d["quote"] for d in drafts)
    assert byline not in quotes and footer not in quotes
    assert all(d["source"] != "Reuters" for d in drafts)  # that block states only facts
    assert stored(session) == (0, 0)


def test_import_stores_the_briefing_and_points_to_its_review(runner, session):
    result = runner.invoke(args=["briefing", "import", str(FIXTURES / "harbour-desk.txt"),
                                 "--date", "2026-01-05", "--yardstick", "nato"])
    assert result.exit_code == 0, result.output
    briefing = session.exec(select(Briefing)).one()
    assert "4 drafts" in result.output and f"/briefings/{briefing.id}" in result.output
    assert (briefing.published, briefing.yardstick, briefing.imported_by_id) == (
        date(2026, 1, 5), "nato", None)
    assert stored(session) == (1, 4)


def test_the_date_defaults_to_today(runner, session, clock):
    result = runner.invoke(args=["briefing", "import", str(FIXTURES / "harbour-desk.txt")])
    assert result.exit_code == 0, result.output
    assert session.exec(select(Briefing)).one().published == clock.now().date()


def test_html_is_read_without_its_scripts(runner, session, tmp_path):
    page = tmp_path / "note.html"
    page.write_text("<html><body><script>alert('x')</script><p>Source: Coastal Monitor</p>"
                    "<p>The dock strike is unlikely to end before March.</p></body></html>")
    result = runner.invoke(args=["briefing", "import", str(page), "--json"])
    assert result.exit_code == 0, result.output
    [draft] = json.loads(result.output)
    assert draft["source"] == "Coastal Monitor" and "alert" not in result.output


def _write(tmp_path: Path, name: str, content: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


BAD_INPUTS = {
    "missing file": (lambda tmp: str(tmp / "nope.txt"), [], "does not exist"),
    "empty file": (lambda tmp: _write(tmp, "empty.txt", b"  \n"), [], "empty"),
    "binary file": (lambda tmp: str(FIXTURES / "binary.bin"), [], "binary"),
    "5 MB file": (lambda tmp: _write(tmp, "big.txt", b"The port is busy. " * 300_000), [],
                  "the limit is 2 MB"),
    "no assessments": (lambda tmp: _write(tmp, "facts.txt", b"Source: Wire\nThe ferry left."),
                       [], "No assessments found"),
    "301 assessments": (lambda tmp: _write(tmp, "many.txt", one_line_judgments(
        bounds.MAX_BRIEFING_DRAFTS + 1).encode()), [],
        "This briefing has 301 assessments; a briefing may have at most 300"),
    "unknown yardstick": (lambda tmp: str(FIXTURES / "harbour-desk.txt"),
                          ["--yardstick", "cia"], "icd203, phia, nato"),
    "bad date": (lambda tmp: str(FIXTURES / "harbour-desk.txt"), ["--date", "05/01/2026"],
                 "YYYY-MM-DD"),
}


@pytest.mark.sqlite_only
@pytest.mark.parametrize("case", list(BAD_INPUTS))
@pytest.mark.parametrize("as_json", [False, True], ids=["store", "json"])
def test_bad_input_exits_2_with_one_line_and_stores_nothing(runner, session, tmp_path, case,
                                                            as_json):
    path, options, message = BAD_INPUTS[case]
    args = ["briefing", "import", path(tmp_path), *options, *(["--json"] if as_json else [])]
    result = runner.invoke(args=args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert stored(session) == (0, 0)


def test_a_briefing_at_the_draft_limit_is_stored(runner, session, tmp_path):
    path = _write(tmp_path, "many.txt", one_line_judgments(bounds.MAX_BRIEFING_DRAFTS).encode())
    result = runner.invoke(args=["briefing", "import", path, "--date", "2026-01-05"])
    assert result.exit_code == 0, result.output
    assert f"{bounds.MAX_BRIEFING_DRAFTS} drafts" in result.output
    assert stored(session) == (1, bounds.MAX_BRIEFING_DRAFTS)


def test_json_shows_confidence_the_set_the_date_flag_the_horizon_and_whose_words(runner,
                                                                                 tmp_path):
    note = tmp_path / "lagoon.txt"
    note.write_text("LAGOON LETTER\n27 November 2026 · Written by Efua Mensah\n\n"
                    "We assess with moderate confidence that Togo will probably join the "
                    "corridor scheme before the harmattan season.\n\n"
                    "You received this because you subscribed to Lagoon Letter.\n", "utf-8")
    result = runner.invoke(args=["briefing", "import", str(note), "--json",
                                 "--date", "2026-11-27"])
    assert result.exit_code == 0, result.output
    [draft] = json.loads(result.output)
    assert (draft["confidence"], draft["date_needed"], draft["horizon"]) == (
        "moderate", True, "before the harmattan season")
    assert (draft["publication"], draft["author"]) == ("Lagoon Letter", "Efua Mensah")
    assert draft["title"].endswith("before the harmattan season?")
    assert "Prefilled from Lagoon Letter:" in draft["resolution_criteria"]
