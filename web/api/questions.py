"""API: questions — list, get, and managers' create, edit, publish, close and resolve."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime, timedelta

from flask import Blueprint, current_app

from forecasts import resolution
from forecasts.models import Question, User
from forecasts.questions import catalog as questions
from forecasts.questions import forecasting, listing
from forecasts.questions.catalog import QuestionCreate, Status, tag_named
from forecasts.questions.listing import ListQuery, QuestionRow, search_words
from web.api.auth import api_user
from web.api.problems import Problem
from web.api.schemas import (
    CloseIn,
    QuestionDetail,
    QuestionIn,
    QuestionOut,
    QuestionPage,
    QuestionPatch,
    QuestionQuery,
    ResolveIn,
    TrailEntry,
)
from web.api.spec import ID, api_spec, responses
from web.database import get_session, now

TAG = "questions"


def question_out(question: Question, row: QuestionRow | None = None) -> QuestionOut:
    """The API's view of a question (``row`` carries the list's per-viewer marks)."""
    session, viewer = get_session(), api_user()
    if row is None:
        mine = forecasting.history(session, question, viewer)
        tags = questions.tag_names(session, question)
        counted = len(forecasting.latest_forecasts(session, question, crowd_only=True))
        last = mine[0].created_at if mine else None
    else:
        tags, counted, last = row.tags, row.forecasters, row.my_last_forecast_at
    return QuestionOut(
        **question.model_dump(include=set(QuestionIn.model_fields) - {"tags"}),
        id=question.id, tags=tags, status=questions.status(question, now()),  # type: ignore[arg-type]
        published_at=question.published_at, closed_at=question.closed_at,
        outcome=question.outcome, resolved_at=question.resolved_at,
        forecasters=counted, my_last_forecast_at=last, cited_source=question.cited_source,
    )


def _encode(row: QuestionRow) -> str:
    key = [row.question.closes_at.isoformat(), row.question.id]
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode()


def _decode(cursor: str) -> tuple[datetime, int]:
    try:
        closes_at, question_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        when = datetime.fromisoformat(closes_at)
        # exactly what _encode writes: an aware time and a whole id (not True, 1.5 or "1")
        if when.tzinfo is None or type(question_id) is not int:
            raise ValueError("not a cursor this API wrote")
        return when, question_id
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise Problem(400, "The cursor is not one this API gave out.") from None


def register(bp: Blueprint) -> None:
    """Add the question routes to the API blueprint."""

    @bp.get("/questions")
    @api_spec.validate(query=QuestionQuery, resp=responses(HTTP_200=QuestionPage), tags=[TAG])
    def list_questions(query: QuestionQuery) -> QuestionPage:
        """Questions you may see, by close date; filter by status, tag and words."""
        statuses = None if query.status == "all" else frozenset({Status(query.status)})
        words = search_words(query.q or "")
        stale = current_app.config["SETTINGS"].stale_after_days
        page = listing.list_questions(
            get_session(), viewer=api_user(), now=now(), stale_after=timedelta(days=stale),
            query=ListQuery(statuses=statuses, tag=tag_named(get_session(), query.tag) or None,
                            words=words, limit=query.limit,
                            after=_decode(query.cursor) if query.cursor else None))
        return QuestionPage(items=[question_out(r.question, r) for r in page.rows],
                            next_cursor=_encode(page.rows[-1]) if page.has_more else None)

    @bp.post("/questions")
    @api_spec.validate(json=QuestionIn, resp=responses(HTTP_201=QuestionOut), tags=[TAG])
    def create_question(json: QuestionIn) -> tuple[QuestionOut, int]:
        """Draft a question (managers)."""
        question = questions.create_question(get_session(), QuestionCreate(**json.model_dump()),
                                             author=api_user(), now=now())
        return question_out(question), 201

    @bp.get(f"/questions/<{ID}:question_id>")
    @api_spec.validate(resp=responses(HTTP_200=QuestionDetail), tags=[TAG])
    def get_question(question_id: int) -> QuestionDetail:
        """One question with its resolution trail."""
        session = get_session()
        question = questions.visible_question(session, question_id, api_user())
        people = questions.people_involved(session, question)
        trail = [TrailEntry(at=e.at, action=e.action.value, from_outcome=e.from_outcome,
                            to_outcome=e.to_outcome, note=e.note,
                            actor=_name(people.get(e.actor_id)))
                 for e in resolution.trail(session, question)]
        return QuestionDetail(**question_out(question).model_dump(), trail=trail)

    @bp.patch(f"/questions/<{ID}:question_id>")
    @api_spec.validate(json=QuestionPatch, resp=responses(HTTP_200=QuestionOut), tags=[TAG])
    def edit_question(question_id: int, json: QuestionPatch) -> QuestionOut:
        """Change some fields (managers); after the first forecast changes go in the history."""
        session = get_session()
        question = questions.visible_question(session, question_id, api_user())
        current = question.model_dump(include=set(QuestionIn.model_fields) - {"tags"})
        current["tags"] = questions.tag_names(session, question)
        current.update(json.model_dump(exclude_unset=True, exclude_none=True))
        questions.update_question(session, question, QuestionCreate(**current),
                                  editor=api_user(), now=now())
        return question_out(question)

    @bp.post(f"/questions/<{ID}:question_id>/publish")
    @api_spec.validate(resp=responses(HTTP_200=QuestionOut), tags=[TAG])
    def publish_question(question_id: int) -> QuestionOut:
        """Make a draft visible to forecasters (managers)."""
        session = get_session()
        question = questions.visible_question(session, question_id, api_user())
        questions.publish_question(session, question, actor=api_user(), now=now())
        return question_out(question)

    @bp.post(f"/questions/<{ID}:question_id>/close")
    @api_spec.validate(json=CloseIn, resp=responses(HTTP_200=QuestionOut), tags=[TAG])
    def close_question(question_id: int, json: CloseIn) -> QuestionOut:
        """Stop forecasting now (managers); recorded in the trail."""
        session = get_session()
        question = questions.visible_question(session, question_id, api_user())
        questions.close_early(session, question, actor=api_user(), note=json.note, now=now())
        return question_out(question)

    @bp.post(f"/questions/<{ID}:question_id>/resolve")
    @api_spec.validate(json=ResolveIn, resp=responses(HTTP_200=QuestionOut), tags=[TAG])
    def resolve_question(question_id: int, json: ResolveIn) -> QuestionOut:
        """Resolve YES, NO or annulled, or correct a resolution with a note (managers)."""
        session = get_session()
        question = questions.visible_question(session, question_id, api_user())
        resolution.resolve(session, question, outcome=json.outcome, actor=api_user(),
                           note=json.note, now=now())
        return question_out(question)


def _name(user: User | None) -> str:
    return user.username if user else "?"
