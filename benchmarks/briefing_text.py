"""Benchmark of reading a 2 MB briefing of every shape into text (the import's first stage).

Run: .venv/bin/python benchmarks/briefing_text.py [--megabytes 2] [--runs 3]

Each shape is built to the same size and read with ``decode_briefing`` (HTML through lexbor with
the nesting-depth limit, Markdown through markdown-it-pyrs). Shapes that would hold a tree builder
for minutes (a tower of ``<div>``, thousands of unclosed formatting tags) must be refused at
once with a clear message. The baseline, measured in the same run, is the floor any reader
pays: decoding the bytes and one regex pass over the tags. Each figure is the best of
``--runs`` (time.perf_counter); the target is under 2 s for every shape.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from forecasts.briefings.text import BriefingError, decode_briefing

SENTENCE = "The port authority is unlikely to approve the dredging budget before March. "


def _fill(head: str, unit: str, tail: str, size: int) -> str:
    count = max(1, (size - len(head) - len(tail)) // len(unit))
    return head + unit * count + tail


def shapes(size: int) -> dict[str, str]:
    """Briefings of about ``size`` bytes, one per shape a reader must survive."""
    half = size // 2
    depth = (size - 30) // 11
    return {
        "plain text": _fill("", SENTENCE + "\n\n", "", size),
        "markdown": _fill("# Port desk\n\n", f"- **Source:** wire\n- {SENTENCE}\n\n", "", size),
        "html paragraphs": _fill("<html><body>", f"<p>{SENTENCE}</p>\n", "</body></html>", size),
        "html table": _fill("<table>", f"<tr><td>{SENTENCE}</td><td>x</td></tr>", "</table>",
                            size),
        "html comments": _fill("<body>", f"<!-- {SENTENCE} --><p>{SENTENCE}</p>", "</body>", size),
        "html unclosed <p>": _fill("<body>", f"<p>{SENTENCE}", "</body>", size),
        "html long attributes": _fill("<body>", f'<p title="{"a" * 2000}">{SENTENCE}</p>',
                                      "</body>", size),
        "html nested <div> (refused)": "<body>" + "<div>" * depth + "x" + "</div>" * depth,
        "html 150 KB nested <div> (refused)": "<body>" + "<div>" * 13_600 + "x"
                                              + "</div>" * 13_600,
        "html unclosed <b id> (refused)": _fill("<body>", '<b id="n">w ', "</body>", size),
        "html nested <div/> (refused)": _fill("<body>", "<div/>", "x</body>", half),
    }


def best(run: Callable[[], object], runs: int) -> float:
    """The fastest of ``runs`` calls, in seconds."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def read(raw: bytes) -> str:
    """What the import does first; a refusal is an outcome, so it is returned as text."""
    try:
        return f"{len(decode_briefing(raw)):,} chars"
    except BriefingError as error:
        return f"refused: {str(error)[:60]}…"


def main() -> None:
    """Print, per shape, its size, the outcome, the time and the ratio to the baseline."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=2.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    size = int(args.megabytes * 1024 * 1024) - 64
    print(f"{'shape':36} {'bytes':>10} {'read s':>8} {'floor s':>8} {'ratio':>7}  outcome")
    worst = 0.0
    for name, text in shapes(size).items():
        raw = text.encode()
        floor = best(lambda raw=raw: len(re.findall(r"<[a-z/!]", raw.decode())), args.runs)
        seconds = best(lambda raw=raw: read(raw), args.runs)
        worst = max(worst, seconds)
        print(f"{name:36} {len(raw):>10,} {seconds:>8.3f} {floor:>8.3f} "
              f"{seconds / max(floor, 1e-6):>7.1f}  {read(raw)}")
    print(f"slowest shape: {worst:.3f} s (target < 2 s)")


if __name__ == "__main__":
    main()
