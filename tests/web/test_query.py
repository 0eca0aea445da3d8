"""Every view reads its query string through web.query: a bad value is a 400 that says what is
wrong, never a 500 and never silently the default."""

from __future__ import annotations

import pytest
from flask import Flask, jsonify

from web import query


@pytest.fixture
def probe() -> Flask:
    """A bare app whose one view echoes what web.query read (the real views are below)."""
    app = Flask("probe")
    query.init_app(app)

    @app.get("/probe")
    def echo():  # type: ignore[no-untyped-def]
        start, end = query.period()
        return jsonify(bins=query.whole("bins", 10, 2, 20), id=query.row_id(),
                       start=str(start), end=str(end), tag=query.text("tag"),
                       of=query.choice("of", ("crowd", "team"), "crowd"))

    return app


def test_blank_values_give_the_defaults(probe):
    got = probe.test_client().get("/probe?bins=&tag=&of=").get_json()
    assert got == {"bins": 10, "id": None, "start": "None", "end": "None", "tag": "",
                   "of": "crowd"}


def test_good_values_are_parsed(probe):
    got = probe.test_client().get(
        "/probe?bins=20&id=7&from=2026-01-01&to=2026-01-31&tag=Energy&of=team").get_json()
    assert got == {"bins": 20, "id": 7, "start": "2026-01-01", "end": "2026-01-31",
                   "tag": "Energy", "of": "team"}


@pytest.mark.parametrize(("query_string", "message"), [
    ("bins=21", "bins must be a whole number from 2 to 20."),
    ("bins=١٠", "bins must be a whole number from 2 to 20."),
    ("bins=ten", "bins must be a whole number from 2 to 20."),
    ("id=0", "id must be a whole number from 1 to 2147483647."),
    ("id=99999999999", "id must be a whole number"),
    ("from=2026-02-30", "YYYY-MM-DD"),
    ("from=1900-01-01", "1970-01-01 to 2200-12-31"),
    ("from=2026-02-01&to=2026-01-01", "must not be after its end"),
    ("tag=" + "t" * 1001, "at most 1,000 characters"),
    ("of=everyone", "of: choose one of crowd, team."),
    ("tag=a%00b", "control character"),
])
def test_a_bad_value_is_a_400_saying_what_is_wrong(probe, query_string, message):
    response = probe.test_client().get(f"/probe?{query_string}")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


@pytest.mark.sqlite_only
@pytest.mark.parametrize(("path", "message"), [
    ("/exports?tag=" + "t" * 61, "at most 60 characters"),
    ("/exports?from=1900-01-01", "1970-01-01 to 2200-12-31"),
    ("/exports/forecasts.csv?from=2026-02-01&to=2026-01-01", "must not be after its end"),
    ("/leaderboard?from=2026-02-01&to=2026-01-01", "must not be after its end"),
    ("/leaderboard?sort=nonsense", "sort: choose one of"),
    ("/dashboards/calibration?of=everyone", "of: choose one of"),
    ("/dashboards/calibration?of=crowd&bins=99", "bins must be a whole number from 2 to 20."),
])
def test_the_real_views_refuse_bad_query_strings_the_same_way(sign_in, admin, path, message):
    response = sign_in(admin).get(path)
    assert response.status_code == 400, path
    assert message in response.get_data(as_text=True)
