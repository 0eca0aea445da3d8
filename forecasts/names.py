"""Names compared without regard to case: tags and teams, through one stored key.

Comparing ``lower(column)`` in SQL with ``str.lower()`` in Python fails for non-ASCII names:
SQLite's ``lower()`` and PostgreSQL's under the C locale leave "Ä" and "Р" as they are. So
each such table stores ``name_key(name)`` in a ``key`` column with a unique index, and every
lookup compares keys computed here, in Python, on both sides.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Protocol, TypeVar

from sqlmodel import Session

from forecasts.errors import ValidationFailed


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


class _Named(Protocol):
    name: str


N = TypeVar("N", bound=_Named)


def stored_spelling(session: Session, name: str | None,
                    find: Callable[[Session, str], N | None], field: str) -> str:
    """The stored spelling of the row a filter names by ``name`` ("" when none is named),
    looked up by ``find`` (which compares keys, as above): the one rule of the tag and team
    filters. Raises ValidationFailed (``field``) when no row has that name: an empty answer
    would read as "nothing matches" when the name is wrong."""
    if not name or not name.strip():
        return ""
    found = find(session, name)
    if found is None:
        raise ValidationFailed({field: f"No {field} named {name.strip()!r}."})
    return found.name
