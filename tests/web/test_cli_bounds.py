"""The `forecasts` command takes its arguments through the same bounds as the forms:
a bad value exits with status 2 and one line, and nothing is stored."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web.test_bad_input import row_counts

FIXTURE = str(Path(__file__).resolve().parents[1] / "fixtures" / "briefings" / "harbour-desk.txt")
PASSWORD = ["--password", "long-enough-1"]

CASES: dict[str, tuple[list[str], str]] = {
    "briefing dated 9999-12-31": (["briefing", "import", FIXTURE, "--date", "9999-12-31"],
                                  "1970-01-01 to 2200-12-31"),
    "briefing dated 0001-01-01": (["briefing", "import", FIXTURE, "--date", "0001-01-01"],
                                  "1970-01-01 to 2200-12-31"),
    "briefing dated in Arabic-Indic digits": (
        ["briefing", "import", FIXTURE, "--date", "٢٠٢٦-٠١-٠٥"], "YYYY-MM-DD"),
    "NUL in a publication": (["briefing", "import", FIXTURE, "--publication", "Wire\x00"],
                             "--publication: Remove the control character U+0000 (NUL)."),
    "publication over 200": (["briefing", "import", FIXTURE, "--publication", "p" * 201],
                             "at most 200 characters"),
    "NUL in a username": (["users", "create", "ne\x00w", *PASSWORD], "USERNAME: Remove"),
    "username over 40": (["users", "create", "u" * 41, *PASSWORD], "at most 40 characters"),
    "display name over 80": (["users", "create", "newbie", "--display-name", "d" * 81,
                              *PASSWORD], "--display-name: Use at most 80 characters"),
    "NUL in an email": (["users", "create", "newbie", "--email", "a\x00@example.org",
                         *PASSWORD], "--email"),
    "team over 80 for a user": (["users", "create", "newbie", "--team", "t" * 81, *PASSWORD],
                                "--team"),
    "escape in a password": (["users", "create", "newbie", "--password", "long-\x1b-enough"],
                             "--password"),
    "team name over 80": (["teams", "create", "t" * 81], "NAME: Use at most 80 characters"),
    "tab in a team name": (["teams", "create", "Red\tTeam"], "one line"),
    "superscript minimum": (["scores", "leaderboard", "--min-questions", "²"], "whole number"),
    "Arabic-Indic minimum": (["scores", "leaderboard", "--min-questions", "٣"], "whole number"),
    "huge minimum": (["scores", "leaderboard", "--min-questions", "9" * 30], "whole number"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_arguments_exit_2_with_one_line_and_store_nothing(name, runner, engine):
    args, message = CASES[name]
    before = row_counts(engine)
    result = runner.invoke(args=args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert "Traceback" not in result.output
    assert row_counts(engine) == before


def test_a_briefing_dated_on_the_last_day_is_still_taken(runner):
    result = runner.invoke(args=["briefing", "import", FIXTURE, "--date", "2200-12-31",
                                 "--json"])
    assert result.exit_code == 0, result.output
