"""The one rule for where a redirect after sign-in may go: a path on this site, nothing else."""

from __future__ import annotations

from urllib.parse import urlsplit

from werkzeug.urls import iri_to_uri


def local_target(target: str | None) -> str | None:
    """``target`` as it will be sent in ``Location``, if it stays on this site; else None.

    The check runs on the very string that is sent: first the value is put into the form the
    Location header carries (``iri_to_uri``, as werkzeug writes it), then that value is
    checked. Refused: anything with a scheme or host (``https:x``, ``javascript:``, ``//x``),
    a path not starting with one "/" (browsers read ``////x`` and ``/\\x`` as another host),
    and any whitespace, control character or backslash (browsers drop tabs and newlines, so
    ``%09//x`` would become ``//x``).
    """
    if not target or any(ch.isspace() or not ch.isprintable() or ch == "\\" for ch in target):
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None  # refused as given, before any normalisation could hide the extra slashes
    location = iri_to_uri(target)
    if not location.startswith("/") or location.startswith("//"):
        return None
    parts = urlsplit(location)
    if parts.scheme or parts.netloc:
        return None
    return location
