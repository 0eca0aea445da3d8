"""Benchmark of the text bound on the largest field: a 2 MB briefing checked for its length
and for control characters, against a baseline measured in the same run.

Run: .venv/bin/python benchmarks/input_bounds.py [--runs N]

The baselines are encoding the same text to UTF-8 (what storing it costs at least) and
splitting it into words (the cheapest pass the briefing parser makes over it). The
per-character ``unicodedata.category`` scan the bound replaced is measured too, to show why the
check is a regular expression. Each figure is the best of ``--runs`` runs (time.perf_counter).
"""

from __future__ import annotations

import argparse
import sys
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from forecasts import bounds


def best_of(runs: int, work: Callable[[], object]) -> float:
    """The fastest of ``runs`` timings of ``work``, in seconds."""
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        timings.append(time.perf_counter() - started)
    return min(timings)


def per_character(text: str) -> bool:
    """The scan the bound replaced: one unicodedata lookup per character."""
    return any(unicodedata.category(c) in ("Cc", "Cs") and c not in "\t\n\r" for c in text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    line = "The port authority will probably approve the dredging budget before March.\n"
    text = (line * (bounds.BRIEFING_TEXT.max_length // len(line)))[:bounds.BRIEFING_TEXT.max_length]
    assert bounds.BRIEFING_TEXT.problem(text) is None
    baseline = best_of(args.runs, lambda: text.encode("utf-8"))
    words = best_of(args.runs, text.split)
    checked = best_of(args.runs, lambda: bounds.BRIEFING_TEXT.problem(text))
    old = best_of(max(1, args.runs // 5), lambda: per_character(text))
    print(f"text: {len(text):,} characters ({len(text.encode()) / 1024 / 1024:.2f} MB)")
    print(f"baseline, UTF-8 encode:          {baseline * 1000:8.2f} ms")
    print(f"baseline, split into words:      {words * 1000:8.2f} ms")
    print(f"bound (length + control chars):  {checked * 1000:8.2f} ms  "
          f"({checked / baseline:.0f}× encoding, {checked / words:.2f}× splitting)")
    print(f"per-character unicodedata scan:  {old * 1000:8.2f} ms  "
          f"({old / words:.1f}× splitting, {old / checked:.0f}× the bound)")
    # Non-ASCII text also gets the invisible-format-character scan (ASCII text skips it).
    mixed_line = "Minsk’s reply — «Лукашенко молчит» — is likely before March.\n"
    mixed = (mixed_line * (bounds.BRIEFING_TEXT.max_length // len(mixed_line)))[
        :bounds.BRIEFING_TEXT.max_length]
    assert bounds.BRIEFING_TEXT.problem(mixed) is None
    mixed_words = best_of(args.runs, mixed.split)
    mixed_checked = best_of(args.runs, lambda: bounds.BRIEFING_TEXT.problem(mixed))
    print(f"non-ASCII text, split into words: {mixed_words * 1000:8.2f} ms")
    print(f"non-ASCII bound (+ invisible chars): {mixed_checked * 1000:8.2f} ms  "
          f"({mixed_checked / mixed_words:.2f}× splitting)")


if __name__ == "__main__":
    main()
