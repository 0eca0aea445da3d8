"""Dashboard pages on both engines: the numbers shown, filters, access, bad input, caching."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from forecasts import briefings, resolution
from forecasts.accounts import people as accounts
from forecasts.models import ScoreSnapshot, Tag
from forecasts.questions import forecasting
from tests.support.briefing_files import accept, by_title, harbour_desk
from tests.support.builders import T0, make_question, make_user

DAY = timedelta(days=1)


@pytest.fixture
def board(session, manager, forecaster):  # type: ignore[no-untyped-def]
    """Three resolved questions (two tagged Greece, one Baltic) and three forecasters."""
    team = accounts.create_team(session, "Aegean desk", now=T0)
    accounts.update_user(session, forecaster, role="forecaster", team=team)
    rowena, sam = make_user(session, "rowena"), make_user(session, "sam")
    q1 = make_question(session, manager, title="Will the ferry strike last?", tags=["Greece"])
    q2 = make_question(session, manager, title="Will a Baltic cable be cut?", tags=["Baltic"])
    q3 = make_question(session, manager, title="Will Athens ban cruise ships?", tags=["Greece"])
    plan = [
        (forecaster, q1, 0.15, 1), (forecaster, q1, 0.85, 5), (forecaster, q2, 0.12, 1),
        (forecaster, q3, 0.18, 1), (rowena, q1, 0.65, 2), (rowena, q2, 0.55, 2),
        (rowena, q3, 0.60, 2), (sam, q1, 0.9, 3),
    ]
    for person, question, p, day in plan:
        forecasting.submit_forecast(session, question, forecaster=person, probability=p,
                                    now=T0 + day * DAY)
    for question, outcome in [(q1, "yes"), (q2, "no"), (q3, "no")]:
        resolution.resolve(session, question, outcome=outcome, actor=manager,
                           now=question.closes_at + DAY)  # 5 February 2026
    return {"team": team, "rowena": rowena, "sam": sam, "questions": (q1, q2, q3)}


def rows(page: str, testid: str | None = None, css: str | None = None) -> list[list[str]]:
    """The body rows of a table, each cell's text."""
    marker = f'data-testid="{testid}"' if testid else f'class="{css}"'
    table = page[page.index(marker):]
    body = table[table.index("<tbody>"):table.index("</tbody>")]
    return [[re.sub(r"<[^>]+>", "", cell).strip()
             for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def figure(page: str, name: str) -> dict:  # type: ignore[type-arg]
    """The figure JSON a chart carries."""
    match = re.search(rf'<script type="application/json" id="{name}-figure">(.*?)</script>',
                      page, re.S)
    assert match, f"no {name} on the page"
    return json.loads(match.group(1))


def test_calibration_tables_count_the_forecasts_that_count(sign_in, manager, forecaster,
                                                           board):
    client = sign_in(manager)
    mine = client.get(f"/dashboards/calibration?of=forecaster&id={forecaster.id}")
    page = mine.get_data(as_text=True)
    assert mine.status_code == 200
    # Finn's last forecasts: 85 % (YES), 12 % and 18 % (NO); the earlier 15 % does not count
    assert rows(page, "calibration-table") == [
        ["10–20 %", "15 %", "0 %", "0 %–65.8 %", "2"],
        ["80–90 %", "85 %", "100 %", "20.7 %–100 %", "1"],
    ]
    assert re.search(r'data-testid="n">3<', page)
    assert "last forecast before the question closed" in page
    points = figure(page, "calibration-chart")["data"][1]
    assert points["x"] == pytest.approx([0.15, 0.85])  # at the bins' mean forecasts
    crowd = client.get("/dashboards/calibration?of=crowd").get_data(as_text=True)
    # crowd median at each close: 85 %, (12 + 55) / 2 = 33.5 %, (18 + 60) / 2 = 39 %
    assert [r[4] for r in rows(crowd, "calibration-table")] == ["2", "1"]
    assert figure(crowd, "calibration-chart")["data"][1]["x"] == pytest.approx([0.3625, 0.85])
    team = client.get(f"/dashboards/calibration?of=team&id={board['team'].id}")
    assert [r[4] for r in rows(team.get_data(as_text=True), "calibration-table")] == ["2", "1"]


def test_calibration_by_tag_horizon_and_quantile_bins(sign_in, session, manager, board):
    client = sign_in(manager)
    greece = session.exec(select(Tag).where(Tag.name == "Greece")).one()
    page = client.get(f"/dashboards/calibration?of=tag&id={greece.id}").get_data(as_text=True)
    assert re.search(r'data-testid="n">5<', page)  # q1 and q3: Finn, Rowena twice, Sam once
    short = client.get("/dashboards/calibration?of=horizon&id=short&strategy=quantile"
                       "&interval=jeffreys").get_data(as_text=True)
    # all within 30 days of the close; Finn's 15 % on q1 was superseded by his 85 % there
    assert re.search(r'data-testid="n">7<', short)
    assert "last forecast in each window before the question closed" in short
    assert [r[1] for r in rows(short, "horizon-table")] == ["7", "0", "0"]
    long = client.get("/dashboards/calibration?of=horizon&id=long").get_data(as_text=True)
    assert 'data-testid="empty"' in long and "calibration-chart" not in long


@pytest.mark.sqlite_only
def test_forecasters_see_their_own_calibration_only(sign_in, forecaster, board):
    client = sign_in(forecaster)
    own = client.get("/dashboards/calibration")
    assert own.status_code == 200 and "Calibration: Finn" in own.get_data(as_text=True)
    for url in (f"/dashboards/calibration?of=forecaster&id={board['rowena'].id}",
                "/dashboards/calibration?of=crowd", "/dashboards", "/dashboards/estimative",
                "/dashboards/scores-over-time"):
        assert client.get(url).status_code == 403, url
    assert "Dashboards</a>" not in own.get_data(as_text=True)


@pytest.mark.sqlite_only
@pytest.mark.parametrize("query, message", [
    ("of=planet", "of: choose one of"),
    ("of=crowd&strategy=centre", "strategy: choose one of"),
    ("of=crowd&interval=exact", "interval: choose one of"),
    ("of=crowd&bins=1", "bins must be a whole number from 2 to 20"),
    ("of=team&id=abc", "id must be a whole number"),
    ("of=crowd&id=loudest", "id must be one of"),
])
def test_bad_calibration_parameters_are_a_clear_400(sign_in, manager, query, message):
    response = sign_in(manager).get(f"/dashboards/calibration?{query}")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_unknown_subjects_are_404_and_empty_ones_say_what_to_do(sign_in, session, manager,
                                                                 board):
    client = sign_in(manager)
    assert client.get("/dashboards/calibration?of=team&id=999").status_code == 404
    idle = accounts.create_team(session, "Sahel desk", now=T0)
    page = client.get(f"/dashboards/calibration?of=team&id={idle.id}").get_data(as_text=True)
    assert "No resolved questions yet for team Sahel desk" in page
    assert "calibration-chart" not in page
    none = client.get("/dashboards/calibration?of=publication").get_data(as_text=True)
    assert "Nothing to choose yet" in none


def test_calibration_is_computed_once_per_change(sign_in, manager, board, monkeypatch):
    import web.dashboards

    calls = []
    real = web.dashboards.calibration
    monkeypatch.setattr(web.dashboards, "calibration",
                        lambda *a, **k: calls.append(1) or real(*a, **k))
    client = sign_in(manager)
    for _ in range(3):
        assert client.get("/dashboards/calibration?of=crowd").status_code == 200
    assert len(calls) == 1


def cells_by_name(page: str) -> dict[str, list[str]]:
    return {row[1]: row for row in rows(page, css="leaderboard")}


def test_leaderboard_filters_by_tag_team_and_period(sign_in, forecaster, board):
    client = sign_in(forecaster)
    everything = cells_by_name(client.get("/leaderboard").get_data(as_text=True))
    assert everything["Finn"][4] == "3" and everything["Rowena"][4] == "3"
    baltic = cells_by_name(client.get("/leaderboard?tag=Baltic").get_data(as_text=True))
    assert baltic["Finn"][4] == "1" and "Sam" not in baltic  # Sam forecast on Greece only
    team = cells_by_name(client.get("/leaderboard?team=Aegean+desk").get_data(as_text=True))
    assert "Finn" in team and "Rowena" not in team and "Crowd: median" in team
    by_team = client.get("/leaderboard?by=team&team=Aegean+desk").get_data(as_text=True)
    assert [row[1] for row in rows(by_team, css="leaderboard")] == ["Aegean desk"]
    inside = client.get("/leaderboard?from=2026-02-05&to=2026-02-05").get_data(as_text=True)
    assert cells_by_name(inside)["Finn"][4] == "3"
    before = client.get("/leaderboard?to=2026-02-04").get_data(as_text=True)
    assert "No scores yet for these filters" in before


@pytest.mark.sqlite_only
@pytest.mark.parametrize("query, message", [
    ("tag=Atlantis", "No tag named"),
    ("team=Nobody", "No team named"),
    ("from=2026-02-31", "from must be a date"),
    ("from=2026-03-01&to=2026-02-01", "must not be after"),
])
def test_bad_leaderboard_filters_are_a_clear_400(sign_in, forecaster, board, query, message):
    response = sign_in(forecaster).get(f"/leaderboard?{query}")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_scores_over_time_by_month_and_from_snapshots(sign_in, session, manager, forecaster,
                                                      board):
    client = sign_in(manager)
    page = client.get(f"/dashboards/scores-over-time?id={forecaster.id}").get_data(as_text=True)
    [february] = rows(page, "monthly-table")
    assert february[:3] == ["2026-02", "3", "3"]
    assert 'data-testid="no-snapshots"' in page
    assert figure(page, "monthly-chart")["data"][0]["x"] == ["2026-02"]
    session.add(ScoreSnapshot(day=date(2026, 2, 6), subject_kind="forecaster",
                              subject_id=forecaster.id, questions=3, brier=0.05,
                              relative_brier=-0.1, taken_at=datetime(2026, 2, 6, tzinfo=UTC)))
    session.commit()
    page = client.get(f"/dashboards/scores-over-time?id={forecaster.id}").get_data(as_text=True)
    assert rows(page, "snapshot-table") == [["2026-02-06", "3", "0.050", "−0.100"]]
    team = client.get(f"/dashboards/scores-over-time?of=team&id={board['team'].id}")
    assert rows(team.get_data(as_text=True), "monthly-table")[0][:3] == ["2026-02", "3", "3"]
    assert client.get("/dashboards/scores-over-time?of=team&id=999").status_code == 404
    assert client.get("/dashboards/scores-over-time?of=planet").status_code == 400


def test_estimative_language_counts_each_term_per_publication(sign_in, session, manager,
                                                              forecaster, clock):
    client = sign_in(manager)
    empty = client.get("/dashboards/estimative").get_data(as_text=True)
    assert 'data-testid="empty"' in empty and "import a briefing" in empty
    briefing = harbour_desk(session, manager, clock.now())
    accept(session, manager, by_title(briefings.drafts(session, briefing), "Will the dock strike"))
    [question] = briefings.publish_accepted(session, briefing, actor=manager, now=clock.now())
    said = client.get("/dashboards/estimative").get_data(as_text=True)
    assert [r[1:6] for r in rows(said, "term-table")] == [["unlikely", "20–45 %", "1", "0", "0"]]
    assert 'data-testid="no-resolved"' in said
    # a stated forecast alone is not scored: someone in the crowd forecasts too
    forecasting.submit_forecast(session, question, forecaster=forecaster, probability=0.3,
                                now=clock.now())
    resolution.resolve(session, question, outcome="yes", actor=manager,
                       now=clock.advance(hours=1))
    page = client.get("/dashboards/estimative").get_data(as_text=True)
    [row] = rows(page, "term-table")
    assert row[1:7] == ["unlikely", "20–45 %", "1", "1", "1", "100 % (20.7 %–100 %)"]
    chart = figure(page, "estimative-chart")
    assert chart["data"][0]["base"] == [0.2] and chart["data"][1]["y"] == [1.0]
    publication = row[0]
    assert client.get(f"/dashboards/estimative?publication={publication}").status_code == 200
    assert client.get("/dashboards/estimative?publication=Nobody").status_code == 400
    assert client.get("/dashboards/estimative?yardstick=astrology").status_code == 400
    # the publication's stated forecast is scored: it now has a calibration of its own
    stated = client.get("/dashboards/calibration?of=publication").get_data(as_text=True)
    assert re.search(r'data-testid="n">1<', stated)


def test_question_page_crowd_chart_respects_anti_anchoring(sign_in, session, manager,
                                                          forecaster):
    question = make_question(session, manager)  # open: the clock is ten days in
    rowena = make_user(session, "rowena")
    forecasting.submit_forecast(session, question, forecaster=rowena, probability=0.7,
                                now=T0 + DAY)
    finn = sign_in(forecaster)
    before = finn.get(f"/questions/{question.id}").get_data(as_text=True)
    assert "crowd-chart" not in before  # no crowd for him yet, and nothing of his own
    forecasting.submit_forecast(session, question, forecaster=forecaster, probability=0.2,
                                now=T0 + 2 * DAY)
    after = finn.get(f"/questions/{question.id}").get_data(as_text=True)
    names = [trace["name"] for trace in figure(after, "crowd-chart")["data"]]
    assert names == ["Crowd: median", "Crowd: recency-weighted median", "Your forecasts"]
    assert rows(after, "crowd-table")[-1][1] == "45 %"  # median of 70 % and 20 %
    boss = sign_in(manager)
    chart = figure(boss.get(f"/questions/{question.id}?aggregate=mean").get_data(as_text=True),
                   "crowd-chart")
    assert [t["name"] for t in chart["data"]] == ["Crowd: median", "Crowd: mean"]
    assert chart["layout"]["shapes"][0]["x0"].startswith("2026-02-04")  # the close
    assert boss.get(f"/questions/{question.id}?aggregate=loudest").status_code == 400


@pytest.mark.sqlite_only
def test_the_dashboards_index_links_every_dashboard(sign_in, manager):
    index = sign_in(manager).get("/dashboards").get_data(as_text=True)
    assert "/dashboards/calibration?of=horizon" in index


def test_a_busy_questions_crowd_chart_is_sampled_and_exact_values_come_on_demand(
        sign_in, session, manager, monkeypatch):
    from forecasts.scoring import history

    monkeypatch.setattr(history, "POINTS", 5)
    question = make_question(session, manager)
    people = [make_user(session, f"busy{i}") for i in range(4)]
    for step in range(8):  # the crowd moves 8 times
        forecasting.submit_forecast(session, question, forecaster=people[step % 4],
                                    probability=0.1 + 0.1 * step, now=T0 + step * DAY)
    boss = sign_in(manager)
    page = boss.get(f"/questions/{question.id}").get_data(as_text=True)
    assert 'data-testid="crowd-sampled"' in page and "crowd-table" not in page
    line = figure(page, "crowd-chart")["data"][0]
    # every other of the 8 moments, the last included, then the line carried to now
    assert len(line["x"]) == 4 + 1
    assert line["y"][-2] == pytest.approx(0.65)  # median of 50, 60, 70, 80 % at the last one
    assert "draws it through 4 of those moments" in page
    exact = boss.get(f"/questions/{question.id}?crowd_table=all").get_data(as_text=True)
    assert rows(exact, "crowd-table")[-1][1] == "65 %" and len(rows(exact, "crowd-table")) == 8
