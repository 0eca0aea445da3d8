"""Addresses of pages, written into emails: built from PUBLIC_URL, never from a request.

The paths mirror web routes (``tests/web/test_email_pages.py`` checks them against the URL
map); with no base URL, emails name the page instead of linking to it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Links:
    """Absolute links under ``base`` (``PUBLIC_URL``); empty strings when there is no base."""

    base: str = ""

    def _under(self, path: str) -> str:
        return self.base.rstrip("/") + path if self.base else ""

    def profile(self) -> str:
        """The reader's profile, where each kind of email is switched on or off."""
        return self._under("/profile")

    def question(self, question_id: int) -> str:
        """One question's page."""
        return self._under(f"/questions/{question_id}")


NO_LINKS = Links()
