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
    "email whose domain starts with a hyphen": (
        ["users", "create", "newbie", "--email", "new@-example.org", *PASSWORD],
        "An email address cannot have a hyphen immediately after the @-sign."),
    "unknown role": (["users", "create", "newbie", "--role", "king", *PASSWORD],
                     "--role: choose one of"),
    "unknown yardstick": (["briefing", "import", FIXTURE, "--yardstick", "vibes"],
                          "--yardstick: choose one of icd203"),
    "missing briefing": (["briefing", "import", "/nonexistent/briefing.txt"],
                         "FILE: File '/nonexistent/briefing.txt' does not exist."),
    "briefing that is a folder": (["briefing", "import", str(Path(FIXTURE).parent)],
                                  "is a directory"),
    "leaderboard CSV in a missing folder": (
        ["scores", "leaderboard", "--csv", "/nonexistent/folder/board.csv"], "does not exist"),
    "zero batch": (["scores", "rebuild", "--batch", "0"], "from 1 to 100000"),
    "export from an impossible day": (["export", "questions", "--from", "2026-02-30"],
                                      "--from: write the date as YYYY-MM-DD"),
    "export from year 1900": (["export", "questions", "--from", "1900-01-01"],
                              "1970-01-01 to 2200-12-31"),
    "export period reversed": (["export", "questions", "--from", "2026-02-01", "--to",
                                "2026-01-01"], "must not be after its end"),
    "export of an unknown dataset": (["export", "people"], "DATASET: choose one of"),
    "export in an unknown format": (["export", "questions", "--format", "xlsx"],
                                    "--format: choose one of"),
    "export tag over 60": (["export", "questions", "--tag", "t" * 61], "--tag"),
    "import of a missing file": (["import", "questions", "/nonexistent/q.csv", "--as", "ada"],
                                 "PATH: File '/nonexistent/q.csv' does not exist."),
}


# click's types refuse each of these before the command runs a query: SQLite alone.
@pytest.mark.sqlite_only
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
