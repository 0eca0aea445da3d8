"""A manager's review of a briefing, done through the review page's own forms."""

from __future__ import annotations

from sqlmodel import Session, select

from forecasts import briefings
from forecasts.models import Briefing, Question


def publish_all(boss, session: Session, briefing: Briefing) -> list[Question]:  # type: ignore[no-untyped-def]
    """Accept every draft as the parser wrote it, publish them, and return every question."""
    for row in briefings.drafts(session, briefing):
        values = {"title": row.title, "resolution_criteria": row.resolution_criteria,
                  "closes_at": row.closes_at.strftime("%Y-%m-%dT%H:%M"),
                  "resolve_by": row.resolve_by.strftime("%Y-%m-%dT%H:%M"),
                  "probability": f"{row.probability * 100:g}", "tags": row.tags}
        boss.post(f"/briefings/{briefing.id}/drafts/{row.id}",
                  {"action": "accept", **{f"d{row.id}-{k}": v for k, v in values.items()}})
    assert boss.post(f"/briefings/{briefing.id}/publish").status_code == 302
    session.expire_all()
    return list(session.exec(select(Question).order_by(Question.id)))  # type: ignore[arg-type]
