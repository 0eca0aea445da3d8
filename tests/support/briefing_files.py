"""Where the briefing fixtures and the shared seed briefing live, and small helpers for them."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from sqlmodel import Session

from forecasts import briefings
from forecasts.briefings import Draft
from forecasts.models import Briefing, BriefingDraft, User

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "briefings"
PUBLISHED = date(2025, 11, 15)
HARBOUR_DESK_DATE = date(2026, 1, 5)


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def only(drafts: list[Draft] | tuple[Draft, ...], words: str) -> Draft:
    """The one judgement draft whose title contains ``words``."""
    found = [d for d in drafts if words in d.title and not d.is_condition]
    assert len(found) == 1, [d.title for d in drafts]
    return found[0]


def one_line_judgments(count: int) -> str:
    """A briefing of ``count`` distinct one-line judgments: ``count`` drafts when parsed."""
    lines = (f"The strike at dock {number} is unlikely to end." for number in range(1, count + 1))
    return "Source: Wire\n" + "\n".join(lines) + "\n"


def harbour_desk(session: Session, manager: User, now: datetime, **options: object) -> Briefing:
    """Import the harbour-desk fixture briefing as ``manager``."""
    text = (FIXTURES / "harbour-desk.txt").read_text("utf-8")
    return briefings.import_briefing(session, text, published=HARBOUR_DESK_DATE,
                                     importer=manager, now=now, **options)  # type: ignore[arg-type]


def by_title(rows: list[BriefingDraft], start: str) -> BriefingDraft:
    return next(row for row in rows if row.title.startswith(start))


def accept(session: Session, manager: User, *rows: BriefingDraft) -> None:
    for row in rows:
        briefings.accept_draft(session, row, actor=manager)
