"""API: briefings — import text and get the drafts back, accept drafts, publish the accepted."""

from __future__ import annotations

from flask import Blueprint
from sqlmodel import Session

from forecasts import briefings
from forecasts.models import Briefing, BriefingDraft
from forecasts.questions.catalog import normalise_tags, require_manager
from web.api.auth import api_user
from web.api.schemas import BriefingIn, BriefingOut, DraftOut, Published
from web.api.spec import ID, api_spec, responses
from web.database import get_session, now

TAG = "briefings"


def _draft(row: BriefingDraft) -> DraftOut:
    return DraftOut(id=row.id, state=row.state.value, quote=row.quote, term=row.term,  # type: ignore[arg-type]
                    probability=row.probability, title=row.title,
                    resolution_criteria=row.resolution_criteria, closes_at=row.closes_at,
                    tags=normalise_tags(row.tags.split(",")), conditional=row.conditional)


def _briefing(session: Session, briefing: Briefing) -> BriefingOut:
    return BriefingOut(id=briefing.id, title=briefing.title,  # type: ignore[arg-type]
                       publication=briefing.publication, published=briefing.published,
                       yardstick=briefing.yardstick,
                       drafts=[_draft(row) for row in briefings.drafts(session, briefing)])


def _managed_briefing(briefing_id: int) -> Briefing:
    require_manager(api_user())
    return briefings.get_briefing(get_session(), briefing_id)


def register(bp: Blueprint) -> None:
    """Add the briefing routes to the API blueprint."""

    @bp.post("/briefings")
    @api_spec.validate(json=BriefingIn, resp=responses(HTTP_201=BriefingOut), tags=[TAG])
    def import_briefing(json: BriefingIn) -> tuple[BriefingOut, int]:
        """Import a briefing's text (managers): one pending draft question per assessment."""
        session = get_session()
        briefing = briefings.import_briefing(
            session, json.text, published=json.published, yardstick=json.yardstick,
            publication=json.publication, importer=api_user(), now=now())
        return _briefing(session, briefing), 201

    @bp.get(f"/briefings/<{ID}:briefing_id>")
    @api_spec.validate(resp=responses(HTTP_200=BriefingOut), tags=[TAG])
    def get_briefing(briefing_id: int) -> BriefingOut:
        """A briefing with its drafts (managers)."""
        return _briefing(get_session(), _managed_briefing(briefing_id))

    @bp.post(f"/briefings/<{ID}:briefing_id>/drafts/<{ID}:draft_id>/accept")
    @api_spec.validate(resp=responses(HTTP_200=DraftOut), tags=[TAG])
    def accept_draft(briefing_id: int, draft_id: int) -> DraftOut:
        """Mark a draft for publishing (managers)."""
        session = get_session()
        draft = briefings.get_draft(session, _managed_briefing(briefing_id), draft_id)
        briefings.accept_draft(session, draft, actor=api_user())
        return _draft(draft)

    @bp.post(f"/briefings/<{ID}:briefing_id>/publish")
    @api_spec.validate(resp=responses(HTTP_200=Published), tags=[TAG])
    def publish_briefing(briefing_id: int) -> Published:
        """Publish every accepted draft as an open question, all or nothing (managers)."""
        session = get_session()
        created = briefings.publish_accepted(session, _managed_briefing(briefing_id),
                                             actor=api_user(), now=now())
        return Published(question_ids=[q.id for q in created])  # type: ignore[misc]
