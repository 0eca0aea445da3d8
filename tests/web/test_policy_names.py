"""The before-first policy "uninformed" (formerly "ignorance"): the product emits only the new
name, and the API, the leaderboard's query string and the CLI still accept the old one."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from tests.support.api import ApiClient
from tests.support.builders import make_resolved_pair
from tests.support.pages import table_rows


@pytest.fixture
def resolved(session, manager, forecaster):  # type: ignore[no-untyped-def]
    """Open 30 days; both forecast after the first day (Finn 20 %, Rowena 70 %); NO."""
    question, _ = make_resolved_pair(session, manager, forecaster)
    return question


def _brier_by_name(page: str) -> dict[str, str]:
    return {row[1]: row[3] for row in table_rows(page, "table.leaderboard")}


def test_the_leaderboard_scores_the_first_day_as_uninformed_under_either_name(
        sign_in, forecaster, resolved):
    client = sign_in(forecaster)
    active = client.get("/leaderboard").get_data(as_text=True)
    new = client.get("/leaderboard?policy=uninformed").get_data(as_text=True)
    old = client.get("/leaderboard?policy=ignorance")
    assert old.status_code == 200
    # day 1 at 0.25, days 2–30 at (0.2 − 0)² = 0.04: (0.25 + 29·0.04)/30 = 0.047
    assert _brier_by_name(active)["Finn"] == "0.040"
    assert _brier_by_name(new)["Finn"] == "0.047"
    assert _brier_by_name(old.get_data(as_text=True)) == _brier_by_name(new)
    chosen = BeautifulSoup(old.get_data(as_text=True), "html.parser").select_one(
        "select[name=policy] option[selected]")
    assert chosen is not None and chosen["value"] == "uninformed"
    assert "ignorance" not in old.get_data(as_text=True)
    refused = client.get("/leaderboard?policy=chance")
    assert refused.status_code == 400
    assert "active, crowd, uninformed" in refused.get_data(as_text=True)


def test_the_api_takes_the_old_name_as_a_documented_deprecated_alias(
        app, session, forecaster, resolved):
    client = ApiClient(app, session, forecaster, can_write=False)
    new = client.get("/scores/leaderboard", query_string={"policy": "uninformed"})
    old = client.get("/scores/leaderboard", query_string={"policy": "ignorance"})
    assert new.status_code == old.status_code == 200
    assert old.json == new.json
    finn = next(row for row in new.json["rows"] if row["name"] == "Finn")
    assert finn["brier"] == pytest.approx((0.25 + 29 * 0.04) / 30)
    document = client.get("/openapi.json").json
    policy = next(p for p in document["paths"]["/api/v1/scores/leaderboard"]["get"]["parameters"]
                  if p["name"] == "policy")
    assert "deprecated alias of `uninformed`" in policy["description"]


def test_the_cli_takes_the_old_name_and_prints_the_new(runner, resolved):
    new = runner.invoke(args=["scores", "leaderboard", "--policy", "uninformed"])
    old = runner.invoke(args=["scores", "leaderboard", "--policy", "ignorance"])
    assert new.exit_code == old.exit_code == 0, old.output
    assert old.output == new.output
    assert "before-first policy: uninformed" in old.output
    helped = runner.invoke(args=["scores", "leaderboard", "--help"])
    assert "uninformed" in helped.output and "ignorance" not in helped.output
