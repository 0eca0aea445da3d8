from datetime import timedelta

import pytest

from forecasts import resolution
from forecasts.accounts import people as accounts
from forecasts.questions import forecasting
from tests.support.builders import T0, make_question, make_resolved_pair, make_user
from tests.support.pages import column, table_rows


@pytest.fixture
def resolved(session, manager, forecaster):
    question, _ = make_resolved_pair(session, manager, forecaster)
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


@pytest.fixture
def crowded(session, manager, forecaster):
    """One resolved question with 60 forecasters besides Finn (65 rows with the crowd's four):
    forecaster n says n %, so Finn's 99 % on a YES question ranks first and "f059" last."""
    from forecasts.models import Forecast

    question = make_question(session, manager)
    people = [make_user(session, f"f{n:03d}") for n in range(60)]
    for n, person in enumerate([*people, forecaster]):
        session.add(Forecast(question_id=question.id, forecaster_id=person.id,
                             probability=0.99 if person is forecaster else (n + 1) / 100,
                             created_at=T0 + timedelta(days=1, minutes=n)))
    session.commit()
    resolution.resolve(session, question, outcome="yes", actor=manager,
                       now=question.closes_at + timedelta(days=1))
    return people


def test_the_leaderboard_comes_a_page_at_a_time(sign_in, session, manager, crowded):
    from bs4 import BeautifulSoup

    client = sign_in(manager)
    first = client.get("/leaderboard").get_data(as_text=True)
    ranks = column(first, "table.leaderboard", 0)
    assert ranks == [str(n) for n in range(1, 51)]  # PAGE_ROWS rows, ranked from 1
    assert "Page 1 of 2 (rows 1–50 of 65)" in first
    assert "You have no row in this table." in first  # the manager forecast nothing
    links = BeautifulSoup(first, "html.parser").select("nav.pagination a[rel=next]")
    assert links and "page=2" in links[0]["href"]
    second = client.get(links[0]["href"]).get_data(as_text=True)
    assert column(second, "table.leaderboard", 0) == [str(n) for n in range(51, 66)]
    everyone = column(first, "table.leaderboard", 1) + column(second, "table.leaderboard", 1)
    assert len(set(everyone)) == 65 and everyone[0] == "Finn"  # no row lost or shown twice
    # sorting and filters survive paging: the next page of a sort by Brier stays sorted by it
    by_brier = client.get("/leaderboard?sort=brier&min=1").get_data(as_text=True)
    [next_link] = BeautifulSoup(by_brier, "html.parser").select("nav.pagination a[rel=next]")[:1]
    assert "sort=brier" in next_link["href"] and "min=1" in next_link["href"]


@pytest.mark.sqlite_only
@pytest.mark.parametrize("page, message", [("3", "only 2 pages"), ("0", ""), ("two", ""),
                                           ("1e3", ""), ("-1", "")])
def test_a_bad_page_is_a_400(sign_in, manager, crowded, page, message):
    response = sign_in(manager).get(f"/leaderboard?page={page}")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_the_viewer_finds_their_own_row(sign_in, session, crowded):
    from bs4 import BeautifulSoup

    last = crowded[0]  # 1 % on a YES question: near the bottom, on page 2
    client = sign_in(last)
    page = BeautifulSoup(client.get("/leaderboard").get_data(as_text=True), "html.parser")
    note = page.select_one("[data-testid=own-row]")
    assert note is not None and "page 2" in note.get_text()
    target = note.select_one("a")["href"]
    assert "page=2" in target and target.endswith("#own-row")
    there = BeautifulSoup(client.get(target).get_data(as_text=True), "html.parser")
    own = there.select_one("tr#own-row")
    assert own is not None and own.select("td")[1].get_text(strip=True) == "F000"
    assert own.get("aria-current") == "true"
    assert "on this page" in there.select_one("[data-testid=own-row]").get_text()


def test_a_fresh_worker_loads_the_compiled_leaderboard(settings, clock, session, forecaster,
                                                       resolved, monkeypatch):
    """Two workers of one deployment share the instance folder: the second renders the
    leaderboard from the code the first compiled (the test apps' in-memory cache is not used)."""
    from tests.conftest import SignedIn
    from web import create_app

    session.commit()  # what earlier requests stand for
    workers = [create_app(settings, clock=clock) for _ in range(2)]
    try:
        first = SignedIn(workers[0].test_client(), forecaster).get("/leaderboard")
        assert first.status_code == 200

        def no_compiling(*_args, **_kwargs):
            raise AssertionError("a template was compiled again")

        monkeypatch.setattr(workers[1].jinja_env, "compile", no_compiling)
        again = SignedIn(workers[1].test_client(), forecaster).get("/leaderboard")
        assert again.status_code == 200
        assert again.get_data(as_text=True) == first.get_data(as_text=True).replace(
            *_tokens(first, again))
        assert "Rowena" in again.get_data(as_text=True)
    finally:
        for worker in workers:
            worker.extensions["engine"].dispose()


def _tokens(first, again) -> tuple[str, str]:
    """The two pages' CSRF tokens (the one part that differs between two sign-ins)."""
    from tests.conftest import CSRF

    def token(response) -> str:
        match = CSRF.search(response.get_data(as_text=True))
        return next(group for group in match.groups() if group) if match else ""

    return token(first), token(again)
