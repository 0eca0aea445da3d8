"""Names compared without regard to case: tags and teams, through one stored key.

Comparing ``lower(column)`` in SQL with ``str.lower()`` in Python fails for non-ASCII names:
SQLite's ``lower()`` and PostgreSQL's under the C locale leave "Ä" and "Р" as they are. So
each such table stores ``name_key(name)`` in a ``key`` column with a unique index, and every
lookup compares keys computed here, in Python, on both sides.
"""

from __future__ import annotations

import unicodedata


def tidy_name(name: str) -> str:
    """The name as shown: runs of white space collapsed to one space, ends trimmed."""
    return " ".join(name.split())


def name_key(name: str) -> str:
    """The key two names share when they differ only in case, spacing or Unicode form.

    NFKC, then Unicode case folding (``str.casefold``: "Straße" and "STRASSE" share a key),
    then NFKC again, as Unicode's NFKC_Casefold does (Unicode 15, section 3.13, D145); spaces
    are collapsed last, since NFKC can turn a character into one ("¯" into " ̄").
    """
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())
    return tidy_name(folded)


def text_key(*texts: str) -> str:
    """The texts as one searchable key: ``name_key`` of them all, joined by single spaces.

    The question list's search compares ``name_key(word)`` with this stored key, so a word
    matches in any case and any script on both engines (see the module's docstring).
    """
    return name_key(" ".join(texts))
