from datetime import timedelta

import pytest

from forecasts import resolution
from forecasts.accounts import people as accounts
from forecasts.questions import forecasting
from tests.support.builders import T0, make_question, make_user
from tests.support.pages import column, table_rows


@pytest.fixture
def resolved(session, manager, forecaster):
    question = make_question(session, manager)
    other = make_user(session, "rowena")
    for person, p in [(forecaster, 0.2), (other, 0.7)]:
        forecasting.submit_forecast(session, question, forecaster=person, probability=p,
                                    now=T0 + timedelta(days=1))
    resolution.resolve(session, question, outcome="no", actor=manager,
                       now=question.closes_at + timedelta(days=1))
    return question


def test_leaderboard_ranks_forecasters_and_the_crowd(sign_in, forecaster, resolved):
    page = sign_in(forecaster).get("/leaderboard").get_data(as_text=True)
    rows = table_rows(page, "table.leaderboard")
    names = [row[1] for row in rows]
    # Scoped to the table: the page header always holds the signed-in user's name.
    assert "Crowd: median" in names
    assert names.index("Finn") < names.index("Rowena")  # 0.04 beats 0.49
    by_name = {row[1]: row for row in rows}
    assert by_name["Finn"][3] == "0.040" and by_name["Rowena"][3] == "0.490"


def test_leaderboard_by_team_and_its_errors(sign_in, session, admin, forecaster, resolved):
    team = accounts.create_team(session, "Aegean desk", now=T0)
    accounts.update_user(session, forecaster, role="forecaster", team=team)
    client = sign_in(forecaster)
    teams = column(client.get("/leaderboard?by=team").get_data(as_text=True),
                   "table.leaderboard", 1)
    assert "Aegean desk" in teams
    bad = client.get("/leaderboard?by=planet")
    assert bad.status_code == 400 and "by: choose one of" in bad.get_data(as_text=True)
    assert client.get("/leaderboard?min=-3").status_code == 400
    empty = client.get("/leaderboard?min=5").get_data(as_text=True)
    assert "No scores yet" in empty


def test_question_page_shows_scores_once_resolved(sign_in, forecaster, resolved):
    page = sign_in(forecaster).get(f"/questions/{resolved.id}").get_data(as_text=True)
    assert 'data-testid="question-scores"' in page
    # forecasters see their own score and the crowd's, not each other's
    assert "<td>Finn</td>" in page and "Rowena" not in page


def test_cli_prints_and_writes_the_leaderboard(runner, resolved, tmp_path):
    csv = tmp_path / "board.csv"
    result = runner.invoke(args=["scores", "leaderboard", "--csv", str(csv)])
    assert result.exit_code == 0, result.output
    assert "Finn" in result.output and "Crowd: median" in result.output
    lines = csv.read_text().splitlines()
    assert lines[0].startswith("forecaster_id,name,questions")
    assert len(lines) == 1 + 2 + 4  # two forecasters and four crowd aggregates
    bad = runner.invoke(args=["scores", "leaderboard", "--by", "planet"])
    assert bad.exit_code == 2


def test_a_question_the_scoring_code_cannot_handle_takes_no_page_down(
        sign_in, session, manager, forecaster, resolved, caplog):
    from datetime import UTC, datetime

    broken = make_question(session, manager, title="Will the archive reopen?")
    broken.opens_at = datetime(1, 1, 1, tzinfo=UTC)  # a row no form accepts any more
    session.add(broken)
    session.commit()
    forecasting.submit_forecast(session, broken, forecaster=forecaster, probability=0.6,
                                now=T0 + timedelta(days=1))
    resolution.resolve(session, broken, outcome="yes", actor=manager,
                       now=T0 + timedelta(days=2))
    assert f"Question {broken.id} cannot be scored" in caplog.text
    client = sign_in(manager)
    pages = ["/leaderboard", "/leaderboard?by=tag", "/dashboards/calibration?of=crowd",
             "/dashboards/calibration?of=horizon&id=short",
             f"/dashboards/calibration?of=forecaster&id={forecaster.id}",
             f"/dashboards/scores-over-time?of=forecaster&id={forecaster.id}",
             f"/forecasters/{forecaster.id}", f"/questions/{broken.id}",
             f"/questions/{resolved.id}"]
    for page in pages:
        assert client.get(page).status_code == 200, page
    # the questions that can be scored still are
    assert "0.040" in client.get("/leaderboard").get_data(as_text=True)


def test_crowd_rows_are_marked_and_never_linked_as_people(sign_in, manager, forecaster, resolved):
    from bs4 import BeautifulSoup

    page = sign_in(manager).get("/leaderboard").get_data(as_text=True)
    rows = BeautifulSoup(page, "html.parser").select("table.leaderboard tbody tr")
    crowd = [r for r in rows if "crowd-row" in (r.get("class") or [])]
    people = [r for r in rows if "crowd-row" not in (r.get("class") or [])]
    assert {r.select("td")[1].get_text(strip=True) for r in crowd} >= {"Crowd: median"}
    assert all(r.select_one("a") is None for r in crowd)
    assert {r.select("td")[1].get_text(strip=True) for r in people} == {"Finn", "Rowena"}
    assert all(r.select_one("a[href^='/forecasters/']") is not None for r in people)
