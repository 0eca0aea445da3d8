"""gunicorn with several workers serving one SQLite file: concurrent writes all land.

On the shared live site (tests/support/site.py: two workers, the sample loaded)."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from sqlmodel import Session, func, select

from forecasts.config import Settings
from forecasts.db import make_engine
from forecasts.models import Forecast


def children_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def signed_in(server, username: str, password: str) -> tuple[requests.Session, str]:  # type: ignore[no-untyped-def]
    http = requests.Session()
    page = http.get(f"{server.url}/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = http.post(f"{server.url}/login", allow_redirects=False,
                         data={"username": username, "password": password, "csrf_token": token})
    assert response.status_code == 302
    return http, token


def forecast_count(server) -> int:  # type: ignore[no-untyped-def]
    engine = make_engine(Settings(instance_path=Path(server.env["INSTANCE_PATH"])))
    with Session(engine) as session:
        count = session.exec(select(func.count()).select_from(Forecast)).one()
    engine.dispose()
    return count


def test_two_workers_take_concurrent_forecasts_without_losing_any(site):
    assert len(children_of(site.process.pid)) == 2
    before = forecast_count(site)
    clients = [signed_in(site, name, f"{name}-demo-pass") for name in ("amir", "bea", "chen")]
    listing = clients[0][0].get(f"{site.url}/questions").text
    question_ids = sorted(set(re.findall(r'href="/questions/(\d+)"', listing)))
    assert question_ids

    def post(i: int) -> int:
        http, token = clients[i % 3]
        qid = question_ids[i % len(question_ids)]
        response = http.post(f"{site.url}/questions/{qid}/forecasts",
                             data={"probability": str(10 + i), "csrf_token": token},
                             allow_redirects=False)
        return response.status_code

    with ThreadPoolExecutor(max_workers=12) as pool:
        codes = list(pool.map(post, range(60)))
    assert codes == [302] * 60
    assert forecast_count(site) == before + 60
    health = requests.get(f"{site.url}/healthz", timeout=5).json()
    assert health == {"status": "ok"}  # anonymous callers get the status only


def test_the_server_keeps_its_log_to_what_happened(site):
    """Health checks leave only their access lines (Alembic's context lines, one set per check,
    are kept out), and the server opens no control socket (gunicorn's is one path per user,
    which every server on the machine would take from the one before)."""
    for _ in range(5):
        assert requests.get(f"{site.url}/healthz", timeout=5).status_code == 200
    log = site.log.read_text()
    assert "GET /healthz" in log
    assert "alembic" not in log
    assert "Control socket" not in log and "gunicorn.ctl" not in log
