"""Benchmark of a question page for a forecaster with thousands of their own forecasts on it.

Run: .venv/bin/python benchmarks/my_forecasts_page.py [--forecasts N] [--repeat R]

Builds a SQLite file with the real migrations, one question and one forecaster who made N
forecasts on it (each with a 200-character rationale, as an import would store them), plus a
quiet question with three of theirs. Prints, for that forecaster, the median time of R views
and the bytes sent of the busy page, of its every-forecast form (``?my_forecasts=all``) and of
the quiet page (the baseline, measured in the same run).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlmodel import Session  # noqa: E402

from benchmarks.signed_in import signed_in_client  # noqa: E402
from forecasts import schema  # noqa: E402
from forecasts.config import Settings  # noqa: E402
from forecasts.db import make_engine  # noqa: E402
from forecasts.models import Forecast, Role  # noqa: E402
from tests.support.builders import PASSWORD, T0, make_question, make_user  # noqa: E402


def fill(url: str, n_forecasts: int) -> tuple[int, int]:
    """The busy and the quiet question's ids, with the forecaster's forecasts stored in bulk."""
    schema.upgrade(url)
    with Session(make_engine(Settings(database_url=url))) as session:
        manager = make_user(session, "manager", Role.manager)
        finn = make_user(session, "finn")
        busy = make_question(session, manager, title="Will the busy forecaster's question resolve?")
        quiet = make_question(session, manager, title="Will the quiet question resolve YES?")
        rationale = ("Base rates and the latest reports point the same way; " * 4)[:200]
        rows = [{"question_id": busy.id, "forecaster_id": finn.id, "rationale": rationale,
                 "probability": round(0.05 + 0.9 * ((i * 37) % 100) / 100, 4),
                 "created_at": T0 + timedelta(minutes=i)} for i in range(n_forecasts)]
        rows += [{"question_id": quiet.id, "forecaster_id": finn.id, "rationale": rationale,
                  "probability": 0.3 + 0.1 * i, "created_at": T0 + timedelta(hours=i)}
                 for i in range(3)]
        session.execute(sa.insert(Forecast), rows)
        session.commit()
        return busy.id, quiet.id  # type: ignore[return-value]


def measure(client, path: str, repeat: int) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    """(median milliseconds of `repeat` views after one warm-up, bytes sent)."""
    size = len(client.get(path).get_data())
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, path
    return statistics.median(times), size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--forecasts", type=int, default=3_000)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        busy, quiet = fill(url, args.forecasts)
        _, client = signed_in_client(url, folder, "finn", PASSWORD)
        quiet_ms, _ = measure(client, f"/questions/{quiet}", args.repeat)
        print(f"{'page':<40} {'ms':>8} {'KB':>8} {'ms/quiet':>9}")
        for name, path in [("quiet question (3 forecasts)", f"/questions/{quiet}"),
                           (f"busy forecaster ({args.forecasts:,})", f"/questions/{busy}"),
                           ("busy, ?my_forecasts=all", f"/questions/{busy}?my_forecasts=all")]:
            ms, size = measure(client, path, args.repeat)
            print(f"{name:<40} {ms:8.1f} {size / 1000:8.1f} {ms / quiet_ms:9.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
