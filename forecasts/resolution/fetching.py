"""Fetching a resolution source's document through the guarded outbound client.

A total deadline per fetch (connect and every read together), a size cap, at most 5 redirects,
and only public addresses unless ``SOURCE_ALLOWED_NETWORKS`` allows more (see outbound.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from forecasts import outbound
from forecasts.outbound import IPNetwork, OutboundError

MAX_BODY_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = outbound.MAX_REDIRECTS
DEADLINE = 20.0  # seconds for a whole fetch


class Fetcher:
    """GETs a source's document; safe to share between worker threads (it holds no state)."""

    def __init__(
        self,
        *,
        deadline: float = DEADLINE,
        max_bytes: int = MAX_BODY_BYTES,
        allowed: Iterable[IPNetwork] = (),
    ) -> None:
        self.deadline, self.max_bytes, self.allowed = deadline, max_bytes, tuple(allowed)

    def get(self, url: str) -> tuple[int | None, bytes]:
        """Status and body; raises FetchFailed with the status (if any) and a short reason."""
        try:
            answer = outbound.fetch(url, max_bytes=self.max_bytes, deadline=self.deadline,
                                    allowed=self.allowed, max_redirects=MAX_REDIRECTS)
        except OutboundError as error:
            raise FetchFailed(error.status, str(error)) from None
        if answer.status >= 400:
            raise FetchFailed(answer.status, f"HTTP {answer.status}")
        return answer.status, answer.body

    def close(self) -> None:
        """Nothing to release: every fetch opens and closes its own connection."""


class FetchFailed(Exception):
    """The document could not be fetched; ``status`` is the HTTP status when there was one."""

    def __init__(self, status: int | None, message: str) -> None:
        super().__init__(message)
        self.status = status
