"""The load-and-fault harness in two seconds: real gunicorn on SQLite, a few clients.

benchmarks/http_load.py runs the full 60 s version on both engines with faults, by hand; this
keeps the harness working and the service honest in CI: every acknowledged forecast is in the
database once, and nothing answers 5xx or drops a connection under ordinary load. Two seconds
take every route of the mix a dozen times or more (four clients make some 130 requests a
second); each further second cost about 2 s of CPU in every CI run.
"""

from __future__ import annotations

from benchmarks.http_load import FORECAST, run_engine


def test_two_seconds_of_mixed_load_lose_nothing_and_never_fail() -> None:
    result = run_engine("sqlite", duration=2, clients=4, workers=2, questions=300,
                        forecasters=8, faults=False, health_seconds=0.5)
    assert result.acknowledged > 0, "no forecast was acknowledged: the harness did nothing"
    assert (result.lost, result.duplicated) == (0, 0)
    assert result.server_errors == 0
    assert result.unexplained == []
    assert result.errors_logged == 0
    routes = {row.route: row for row in result.routes}
    assert all(row.requests > 0 for row in routes.values() if row.route != FORECAST), routes
    assert result.health.requests > 0 and result.health.server_errors == 0
