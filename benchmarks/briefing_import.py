"""Benchmark of importing a 150-paragraph briefing: parsing alone, and parsing plus storing.

Run: .venv/bin/python benchmarks/briefing_import.py [--paragraphs N] [--runs N] [--database-url URL]

The briefing is synthetic (seeded): ten ``Source:`` blocks of paragraphs mixing statements of
fact with estimative judgements, some conditional. Without ``--database-url`` it stores into a
fresh, migrated SQLite file in a temporary folder. Each figure is the best of ``--runs`` runs
(time.perf_counter); the target is under 2 s for parse + store.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlmodel import Session

from forecasts import briefings, schema
from forecasts.briefings import parse_briefing
from forecasts.config import Settings
from forecasts.db import make_engine

PUBLISHED = date(2026, 11, 25)
ACTORS = ["The port authority", "The coastal guard", "The shipping union", "The regional council",
          "The grain exporters", "The ferry operator", "The customs office", "The harbour board"]
EVENTS = ["approve the dredging budget", "close the northern terminal", "call a general strike",
          "raise berth fees", "open a second ferry line", "suspend night-time loading"]
TERMS = ["is unlikely to", "will very likely", "will probably", "is likely to",
         "will almost certainly not", "has a roughly even chance to"]
HORIZONS = ["before March", "in the next six months", "by the end of the year", "within weeks"]
FACTS = ["Traffic through the channel rose by {n} percent in October.",
         "{actor} met the minister on Tuesday.",
         "Insurers raised premiums for the third time this year."]


def synthetic_briefing(paragraphs: int, seed: int = 4) -> str:
    """A briefing of ``paragraphs`` paragraphs, each two to four sentences."""
    rng = random.Random(seed)
    lines = ["Harbour Outlook", "By Benchmark Desk", ""]
    for index in range(paragraphs):
        if index % (paragraphs // 10 or 1) == 0:
            lines += [f"Source: Wire {index // (paragraphs // 10 or 1) + 1}"]
        sentences = [rng.choice(FACTS).format(n=rng.randint(2, 40), actor=rng.choice(ACTORS))]
        for _ in range(rng.randint(1, 3)):
            actor, event = rng.choice(ACTORS), rng.choice(EVENTS)
            sentence = f"{actor} {rng.choice(TERMS)} {event} {rng.choice(HORIZONS)}."
            if rng.random() < 0.15:
                other = rng.choice(ACTORS).lower()
                sentence = f"If {other} {rng.choice(EVENTS).replace('approve', 'approves')}, " \
                           f"{actor.lower()} will probably {event}."
            sentences.append(sentence)
        lines += [" ".join(sentences), ""]
    return "\n".join(lines)


def best_of(runs: int, action) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=150)  # 279 drafts: within 300
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    text = synthetic_briefing(args.paragraphs)
    parsed = parse_briefing(text, published=PUBLISHED)
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.db"
        schema.upgrade(url)
        engine = make_engine(Settings(database_url=url))

        def store() -> None:
            with Session(engine) as session:
                briefings.import_briefing(session, text, published=PUBLISHED, importer=None,
                                          now=datetime.now(UTC))

        parse_s = best_of(args.runs, lambda: parse_briefing(text, published=PUBLISHED))
        store_s = best_of(args.runs, store)
        engine.dispose()
    print(f"briefing: {args.paragraphs} paragraphs, {len(text):,} characters, "
          f"{len(parsed.drafts)} drafts, {len(parsed.context)} context sentences")
    print(f"engine: {url.split(':')[0]}; best of {args.runs} runs")
    print(f"parse only:      {parse_s * 1000:8.1f} ms")
    print(f"parse + store:   {store_s * 1000:8.1f} ms   (target < 2000 ms: "
          f"{'met' if store_s < 2 else 'MISSED'})")


if __name__ == "__main__":
    main()
