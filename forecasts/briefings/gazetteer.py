"""Tags: the countries, organisations and regions a sentence names (``data/gazetteer.json``)."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

GAZETTEER_PATH = Path(__file__).resolve().parents[1] / "data" / "gazetteer.json"

@cache
def gazetteer() -> tuple[re.Pattern[str], dict[str, str]]:
    """One regex of every place and organisation name, and each name's canonical form."""
    entries = json.loads(GAZETTEER_PATH.read_text(encoding="utf-8"))
    canonical: dict[str, str] = {}
    for section in ("countries", "organisations", "regions"):
        for name, aliases in entries[section].items():
            for alias in (name, *aliases):
                canonical.setdefault(alias, name)
    names = sorted(canonical, key=len, reverse=True)
    alternation = "|".join(re.escape(name) for name in names)
    # A hyphen may precede a name ("intra-NATO", "Russian-annexed") but not follow a plural.
    pattern = re.compile(rf"(?<![\w])(?:{alternation})(?:s|’s|'s)?(?!\w)")
    return pattern, canonical


def tags_for(text: str) -> list[str]:
    """Canonical names of the countries, organisations and regions named in ``text``."""
    pattern, canonical = gazetteer()
    tags: list[str] = []
    for match in pattern.finditer(text):
        name = _strip_plural(match[0], canonical)
        tag = canonical.get(name)
        if tag and tag not in tags:
            tags.append(tag)
    return tags


def _strip_plural(found: str, canonical: dict[str, str]) -> str:
    if found in canonical:
        return found
    for suffix in ("’s", "'s", "s"):
        if found.endswith(suffix) and found[: -len(suffix)] in canonical:
            return found[: -len(suffix)]
    return found

