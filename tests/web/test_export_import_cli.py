"""`forecasts export` and `forecasts import`: round trip, Fatebook's format, bad rows."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import delete
from sqlmodel import select

from forecasts import resolution
from forecasts.exports import standings
from forecasts.exports.cells import FORMULA_STARTS
from forecasts.models import Forecast, Question, QuestionRevision, QuestionTag, ResolutionEvent, Tag
from forecasts.questions import forecasting
from forecasts.scoring.reader import ScoreCache
from tests.support.builders import T0, make_question, make_user


@pytest.fixture
def history(session, manager, forecaster):  # type: ignore[no-untyped-def]
    """Two resolved questions (one corrected), one open, three forecasters' forecasts."""
    other = make_user(session, "rowena")
    other.display_name = "=cmd|' /C calc'!A0"  # a hostile name must not become a formula
    session.add(other)
    session.commit()
    ferry = make_question(session, manager, tags=["Shipping", "Greece"])
    grain = make_question(session, manager, title="Will the grain corridor stay open?",
                          tags=["Grain"], description="+ hostile description")
    make_question(session, manager, title="Will the strike spread to Crete?",
                  closes_at=T0 + timedelta(days=300), resolve_by=T0 + timedelta(days=310))
    for day, person, question, p, why in [
        (1, forecaster, ferry, 0.2, "Talks resumed"), (2, other, ferry, 0.7, "@union vote"),
        (3, forecaster, ferry, 0.15, ""), (1, forecaster, grain, 0.6, "Shipping data"),
        (2, manager, grain, 0.55, "")]:
        forecasting.submit_forecast(session, question, forecaster=person, probability=p,
                                    rationale=why, now=T0 + timedelta(days=day, hours=day))
    resolution.resolve(session, ferry, outcome="no", actor=manager,
                       now=ferry.closes_at + timedelta(days=1))
    resolution.resolve(session, grain, outcome="yes", actor=manager,
                       now=grain.closes_at + timedelta(days=2))
    resolution.resolve(session, grain, outcome="no", actor=manager, note="Misread the notice",
                       now=grain.closes_at + timedelta(days=3))
    session.commit()  # the requests above end: scores are read on their own connection
    return ferry


def _snapshot(session):  # type: ignore[no-untyped-def]
    questions = {q.title: (q.opens_at, q.closes_at, q.resolve_by, q.outcome, q.resolved_at,
                           q.published_at, q.description)
                 for q in session.exec(select(Question))}
    titles = {q.id: q.title for q in session.exec(select(Question))}
    forecasts = sorted((titles[f.question_id], f.forecaster_id, f.probability, f.rationale,
                        f.created_at) for f in session.exec(select(Forecast)))
    trail = sorted((titles[e.question_id], e.action.value, e.actor_id, str(e.to_outcome), e.note,
                    e.at) for e in session.exec(select(ResolutionEvent)))
    scores = standings.question_scores(session, ScoreCache())
    scored = sorted((titles[int(r.question_id)], int(r.forecaster_id), round(r.brier, 9),
                     round(r.relative_brier, 9)) for r in scores.itertuples())
    return questions, forecasts, trail, scored


def _wipe(session):  # type: ignore[no-untyped-def]
    for table in (Forecast, ResolutionEvent, QuestionRevision, QuestionTag, Tag, Question):
        session.exec(delete(table))  # type: ignore[call-overload]
    session.commit()


def test_export_then_import_into_an_empty_database_round_trips(runner, session, manager,
                                                               history, tmp_path):
    before = _snapshot(session)
    for dataset in ("questions", "forecasts"):
        result = runner.invoke(args=["export", dataset, "-o", str(tmp_path / f"{dataset}.csv")])
        assert result.exit_code == 0, result.output
    _wipe(session)
    assert session.exec(select(Question)).all() == []
    for dataset in ("questions", "forecasts"):
        result = runner.invoke(args=["import", dataset, str(tmp_path / f"{dataset}.csv"),
                                     "--as", "maria"])
        assert result.exit_code == 0, result.output
    session.expire_all()
    after = _snapshot(session)
    for part_after, part_before in zip(after, before, strict=True):
        assert part_after == part_before
    assert len(after[2]) == 3 and after[3]  # the trail and the scores came back


def test_importing_the_same_forecasts_again_adds_nothing(runner, session, manager, history,
                                                        tmp_path):
    path = tmp_path / "forecasts.csv"
    assert runner.invoke(args=["export", "forecasts", "-o", str(path)]).exit_code == 0
    before = len(session.exec(select(Forecast)).all())
    again = runner.invoke(args=["import", "forecasts", str(path), "--as", "maria"])
    assert again.exit_code == 2
    assert "Row 1: this forecaster already has a forecast on this question" in again.output
    session.expire_all()
    assert len(session.exec(select(Forecast)).all()) == before  # history is not doubled


def test_json_export_round_trips_too(runner, session, manager, history, tmp_path):
    before = _snapshot(session)
    for dataset in ("questions", "forecasts"):
        assert runner.invoke(args=["export", dataset, "--format", "json",
                                   "-o", str(tmp_path / f"{dataset}.json")]).exit_code == 0
    rows = json.loads((tmp_path / "forecasts.json").read_text())
    assert rows[0]["created_at"].endswith("Z") and 0 < rows[0]["probability"] < 1
    _wipe(session)
    for dataset in ("questions", "forecasts"):
        result = runner.invoke(args=["import", dataset, str(tmp_path / f"{dataset}.json"),
                                     "--as", "maria"])
        assert result.exit_code == 0, result.output
    session.expire_all()
    assert _snapshot(session) == before


def test_exports_filter_by_tag_and_period_and_neutralise_cells(runner, history):
    shipping = runner.invoke(args=["export", "forecasts", "--tag", "shipping"]).output
    rows = list(csv.DictReader(io.StringIO(shipping)))
    assert {r["question_title"] for r in rows} == {history.title}
    early = runner.invoke(args=["export", "forecasts", "--to", "2026-01-06"]).output
    assert [r["probability"] for r in csv.DictReader(io.StringIO(early))] == ["0.2", "0.6"]
    board = runner.invoke(args=["export", "leaderboard"]).output
    cells = [cell for row in csv.reader(io.StringIO(board)) for cell in row]
    assert "'=cmd|' /C calc'!A0" in cells
    everything = runner.invoke(args=["export", "questions"]).output
    for row in csv.reader(io.StringIO(everything)):
        assert not any(c.startswith(tuple(set(FORMULA_STARTS) - {"-"})) for c in row)
    bad = runner.invoke(args=["export", "forecasts", "--from", "9999-01-01"])
    assert bad.exit_code == 2


def test_every_export_takes_a_tag_in_any_case_and_refuses_an_unknown_one(runner, history):
    for dataset in ("questions", "forecasts", "scores", "leaderboard"):
        exact = runner.invoke(args=["export", dataset, "--tag", "Shipping"])
        rows = list(csv.DictReader(io.StringIO(exact.output)))
        assert exact.exit_code == 0 and rows, dataset  # the ferry question's rows
        loud = runner.invoke(args=["export", dataset, "--tag", " SHIPPING "])
        assert loud.exit_code == 0 and loud.output == exact.output, dataset
        unknown = runner.invoke(args=["export", dataset, "--tag", "Atlantis"])
        assert unknown.exit_code == 2 and "No tag named 'Atlantis'." in unknown.output, dataset
    grain = runner.invoke(args=["export", "leaderboard", "--tag", "grain"]).output
    assert "Maria" in grain and "calc" not in grain  # rowena forecast on the ferry only


def test_export_all_is_a_zip_with_a_readme(runner, history, tmp_path):
    path = tmp_path / "all.zip"
    assert runner.invoke(args=["export", "all", "-o", str(path)]).exit_code == 0
    with zipfile.ZipFile(path) as archive:
        assert set(archive.namelist()) == {"README.md", "questions.csv", "forecasts.csv",
                                           "scores.csv", "leaderboard.csv"}
        readme = archive.read("README.md").decode()
    assert "`probability`" in readme and "`trail`" in readme


FATEBOOK_HEADER = ['Question title', 'Multiple choice option', 'Forecast created by',
                   'Forecast (scale = 0-1)', 'Forecast created at', 'Question created by',
                   'Question created at', 'Question resolve by', 'Resolution', 'Resolved at',
                   'Your Brier score for this question',
                   'Your relative Brier score for this question', 'Question notes',
                   'Question shared with', 'Question shared publicly', 'Question comments']


def _fatebook_csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(FATEBOOK_HEADER)
    writer.writerows(rows)
    return buffer.getvalue()


def _fatebook_row(title, who, p, at, created="2025-02-01 09:00:0", resolve_by="2025-03-01 12:0:0",
                  resolution="", resolved_at=""):  # type: ignore[no-untyped-def]
    return [title, "", who, p, at, "Maria", created, resolve_by, resolution, resolved_at,
            "", "", "From a Fatebook export", "", "false", ""]


def test_a_fatebook_export_imports_with_its_history(runner, session, manager, forecaster,
                                                    tmp_path):
    make_user(session, "rowena")
    path = tmp_path / "fatebook.csv"
    path.write_text(_fatebook_csv([
        _fatebook_row("Will the ferry union strike in March?", "finn", "0.3",
                      "2025-02-02 10:15:7", resolution="YES", resolved_at="2025-03-02 08:00:0"),
        _fatebook_row("Will the ferry union strike in March?", "Rowena", "0.8",
                      "2025-02-03 11:00:0", resolution="YES", resolved_at="2025-03-02 08:00:0"),
        _fatebook_row("Will the port reopen?", "finn", "0.5", "2025-02-05 09:30:0"),
    ]))
    result = runner.invoke(args=["import", "questions", str(path), "--as", "maria"])
    assert result.exit_code == 0, result.output
    assert "Checking rows" in result.output  # the progress bar
    assert "Imported 2 questions and 3 forecasts." in result.output
    strike = session.exec(select(Question).where(Question.title.startswith("Will the ferry"))).one()
    assert strike.outcome.value == "yes"
    assert strike.published_at.isoformat().startswith("2025-02-01")
    times = sorted(f.created_at.isoformat() for f in session.exec(
        select(Forecast).where(Forecast.question_id == strike.id)))
    assert times == ["2025-02-02T10:15:07+00:00", "2025-02-03T11:00:00+00:00"]
    trail = session.exec(select(ResolutionEvent)).all()
    assert [(e.action.value, e.actor_id) for e in trail] == [("resolve", manager.id)]


def test_a_file_with_bad_rows_stores_nothing_and_names_each(runner, session, manager,
                                                             forecaster, tmp_path):
    path = tmp_path / "fatebook.csv"
    path.write_text(_fatebook_csv([
        _fatebook_row("A good question?", "finn", "0.3", "2025-02-02 10:00:0"),
        _fatebook_row("A good question?", "nobody-here", "0.3", "2025-02-02 10:00:0"),
        _fatebook_row("Another question?", "finn", "1", "2025-02-02 10:00:0"),
        _fatebook_row("Third question?", "finn", "0.4", "yesterday"),
    ]))
    result = runner.invoke(args=["import", "forecasts", str(path), "--as", "maria"])
    assert result.exit_code == 2
    assert "Row 2: forecaster 'nobody-here'" in result.output
    assert "Row 3: Enter a probability from 1 % to 99 %" in result.output
    assert "Row 4: Forecast created at 'yesterday'" in result.output
    assert "Row 1:" not in result.output
    assert session.exec(select(Question)).all() == []
    assert session.exec(select(Forecast)).all() == []
    refused = runner.invoke(args=["import", "questions", str(path), "--as", "finn"])
    assert refused.exit_code == 2 and "managers" in refused.output


def test_bad_text_in_our_own_format_is_named_and_nothing_stored(runner, session, manager,
                                                                 tmp_path):
    columns = ["title", "resolution_criteria", "opens_at", "closes_at", "resolve_by",
               "source_name", "tags"]
    good = ["Will the port reopen?", "Port authority notice", "2026-01-05T09:00:00Z",
            "2026-02-05T09:00:00Z", "2026-02-10T09:00:00Z", "Harbour Outlook", "Ports"]
    rows = [good,
            ["Will the\x00 strike end?", *good[1:]],
            ["Will grain flow?", *good[1:5], "x" * 201, "Grain"],
            ["Will ferries run?", *good[1:6], "y" * 61],
            ["Will the port reopen?", *good[1:]]]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerows(rows)
    path = tmp_path / "questions.csv"
    path.write_text(buffer.getvalue())
    result = runner.invoke(args=["import", "questions", str(path), "--as", "maria"])
    assert result.exit_code == 2
    assert "Row 2: in column title, remove the control character U+0000 (NUL)" in result.output
    assert "Row 3: in column source_name, use at most 200 characters" in result.output
    assert "Row 4:" in result.output and "at most 60 characters" in result.output
    assert "Row 5: a question titled 'Will the port reopen?' already exists" in result.output
    assert "Row 1:" not in result.output
    assert session.exec(select(Question)).all() == []
