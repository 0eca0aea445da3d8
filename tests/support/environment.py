"""Parts of the environment a test may need, and what happens when one is missing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def unavailable(reason: str, required_by: str) -> None:
    """Skip, or fail when the environment says this part is required (CI sets each REQUIRE_*)."""
    if os.environ.get(required_by, "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"{reason} ({required_by} is set, so this may not be skipped)")
    pytest.skip(f"{reason}; set {required_by}=1 to make this a failure")


def seed_briefing() -> Path:
    """The real seed briefing, kept outside the repository in shared/seed/ beside the clone.

    SEED_DIR points elsewhere (a worktree, say). Skips, or fails under REQUIRE_SEED, without it.
    """
    folder = Path(os.environ.get("SEED_DIR") or ROOT.parent / "shared" / "seed")
    path = folder / "riskline-briefing.txt"
    if not path.is_file():
        unavailable(f"seed briefing not found at {path}", "REQUIRE_SEED")
    return path
