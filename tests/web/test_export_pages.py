"""Export and import pages: your own data for a forecaster, everything for a manager."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from sqlmodel import select

from forecasts import bounds
from forecasts.models import Question
from forecasts.questions import forecasting
from tests.support.builders import T0, make_question, make_user


def _forecasts(session, manager, forecaster):  # type: ignore[no-untyped-def]
    question = make_question(session, manager)
    other = make_user(session, "rowena")
    for person, p in [(forecaster, 0.2), (other, 0.7)]:
        forecasting.submit_forecast(session, question, forecaster=person, probability=p,
                                    rationale=f"{person.username}'s reasons",
                                    now=T0 + timedelta(days=1))
    return question


def test_a_forecaster_downloads_only_their_own_forecasts(sign_in, session, manager, forecaster):
    _forecasts(session, manager, forecaster)
    browser = sign_in(forecaster)
    assert "/exports/archive.zip" in browser.get("/exports").get_data(as_text=True)
    answer = browser.get("/exports/forecasts.csv")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert "attachment" in answer.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))
    assert [(r["forecaster"], r["probability"]) for r in rows] == [("finn", "0.2")]
    archive = zipfile.ZipFile(io.BytesIO(browser.get("/exports/archive.zip").data))
    assert "rowena" not in archive.read("forecasts.csv").decode()
    assert "your forecasts" in archive.read("README.md").decode()
    manager_rows = sign_in(manager).get("/exports/forecasts.json").json
    assert {r["forecaster"] for r in manager_rows} == {"finn", "rowena"}


@pytest.mark.sqlite_only
def test_export_filters_are_checked(sign_in, forecaster):
    browser = sign_in(forecaster)
    assert browser.get("/exports/forecasts.csv?from=2026-13-01").status_code == 400
    assert browser.get("/exports/forecasts.csv?from=2026-02-01&to=2026-01-01").status_code == 400
    assert browser.get("/exports/planets.csv").status_code == 404
    unknown = browser.get("/exports/leaderboard.csv?tag=Atlantis")
    assert unknown.status_code == 400 and "No tag named" in unknown.get_data(as_text=True)


def test_only_managers_import_and_bad_rows_store_nothing(sign_in, session, manager, forecaster):
    assert sign_in(forecaster).get("/exports/import").status_code == 403
    upload = ("title,resolution_criteria,opens_at,closes_at,resolve_by\n"
              "Good question?,Decided by the port authority,2026-01-05T09:00:00Z,"
              "2026-02-05T09:00:00Z,2026-02-10T09:00:00Z\n"
              "Bad question?,Decided by the port authority,2026-01-05T09:00:00Z,"
              "2025-02-05T09:00:00Z,2026-02-10T09:00:00Z\n")
    browser = sign_in(manager)
    answer = browser.post("/exports/import", {
        "kind": "questions", "file": (io.BytesIO(upload.encode()), "questions.csv")},
        content_type="multipart/form-data")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400 and "Nothing was imported: 1 bad row<" in page
    assert "<td>2</td>" in page and "close date must come after the open date" in page
    assert session.exec(select(Question)).all() == []
    fixed = upload.replace("2025-02-05", "2026-02-06")
    answer = browser.post("/exports/import", {
        "kind": "questions", "file": (io.BytesIO(fixed.encode()), "questions.csv")},
        content_type="multipart/form-data")
    assert answer.status_code == 200 and "Imported 2 questions" in answer.get_data(as_text=True)


def test_exported_scores_name_the_crowd_aggregate_of_each_row(sign_in, session, manager,
                                                              forecaster):
    from forecasts import resolution

    question = _forecasts(session, manager, forecaster)
    resolution.resolve(session, question, outcome="no", actor=manager,
                       now=question.closes_at + timedelta(days=1))
    browser = sign_in(forecaster)
    scores = browser.get("/exports/scores.json").json
    assert {(r["forecaster"], r["aggregate"]) for r in scores} >= {
        ("Finn", ""), ("Crowd: median", "median")}
    board = list(csv.DictReader(io.StringIO(
        browser.get("/exports/leaderboard.csv").get_data(as_text=True))))
    assert {r["name"]: r["aggregate"] for r in board}["Crowd: median"] == "median"
    assert {r["name"]: r["aggregate"] for r in board}["Finn"] == ""


def test_export_date_pickers_offer_the_whole_date_range(sign_in, forecaster):
    page = BeautifulSoup(sign_in(forecaster).get("/exports").get_data(as_text=True),
                         "html.parser")
    for name in ("from", "to"):
        picker = page.find("input", attrs={"name": name, "type": "date"})
        assert picker is not None
        assert (picker["min"], picker["max"]) == (bounds.FIRST_DAY.isoformat(),
                                                  bounds.LAST_DAY.isoformat())
        # the last day offered is one the export filter takes
        assert sign_in(forecaster).get(
            f"/exports/forecasts.csv?{name}={bounds.LAST_DAY.isoformat()}").status_code == 200
