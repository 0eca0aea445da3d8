"""A question's discussion: comments, shared rationales, clarification requests, clarifications.

Comments and rationales follow the crowd's anti-anchoring rule (``forecasting.may_see_crowd``):
a forecaster sees other people's posts only after their own first forecast. Clarifications are
rulings on what the question means, so everyone sees them, pinned above the thread; they are
never edited or removed, and each is emailed once to everyone who had forecast by then.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from forecasts import bounds
from forecasts.accounts import profile
from forecasts.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from forecasts.models import (
    MAX_COMMENT_LENGTH,
    Comment,
    CommentKind,
    Forecast,
    Question,
    User,
    UserKind,
)
from forecasts.notifications import emails
from forecasts.notifications.links import NO_LINKS, Links
from forecasts.notifications.mail import Email, Mailer, send_once
from forecasts.questions.catalog import require_manager
from forecasts.questions.forecasting import may_see_crowd

logger = logging.getLogger(__name__)

MAIL_KIND = profile.CLARIFICATION


@dataclass(frozen=True)
class Post:
    """A comment as the page shows it: who wrote it and, for a shared rationale, the forecast."""

    comment: Comment
    author: str
    text: str
    probability: float | None = None

    @property
    def kind(self) -> CommentKind:
        return self.comment.kind


@dataclass(frozen=True)
class Thread:
    """What one viewer sees of a question's discussion.

    ``open`` is False until the viewer may see others' posts; ``posts`` then holds only the
    viewer's own, and ``hidden`` counts the rest. ``shareable`` lists the viewer's forecasts
    whose rationale they have not shared yet, newest first (only the newest when the page
    asked for a limit: then ``more_shareable`` says whether older ones were left out).
    ``posts`` are the newest ``posts_limit`` when the page asked for a limit, oldest first;
    ``posts_total`` counts all the viewer may see.
    """

    clarifications: list[Post]
    posts: list[Post]
    open: bool
    hidden: int
    shareable: list[Forecast]
    requests_waiting: int
    more_shareable: bool = False
    posts_total: int = 0


def thread(session: Session, question: Question, viewer: User, now: datetime,
           shareable_limit: int | None = None, posts_limit: int | None = None) -> Thread:
    """The discussion of ``question`` as ``viewer`` may see it at ``now``, with at most
    ``shareable_limit`` of the viewer's rationales still to share and the newest
    ``posts_limit`` posts (None: all)."""
    rows = session.exec(
        select(Comment, User.display_name, Forecast)
        .join(User, col(User.id) == Comment.author_id)
        .outerjoin(Forecast, col(Forecast.id) == Comment.forecast_id)
        .where(Comment.question_id == question.id)
        .order_by(col(Comment.created_at), col(Comment.id))
    ).all()
    posts = [_post(comment, name, forecast) for comment, name, forecast in rows]
    pinned = [p for p in posts if p.kind is CommentKind.clarification]
    others = [p for p in posts if p.kind is not CommentKind.clarification]
    visible = may_see_crowd(session, question, viewer, now)
    shown = others if visible else [p for p in others if p.comment.author_id == viewer.id]
    shared = select(Comment.forecast_id).where(Comment.question_id == question.id,
                                               col(Comment.forecast_id).is_not(None))
    # in SQL, newest first and bounded: an importer's thousands of rationales stay in the table
    shareable = list(session.exec(
        select(Forecast)
        .where(Forecast.question_id == question.id, Forecast.forecaster_id == viewer.id,
               Forecast.rationale != "", col(Forecast.id).not_in(shared))
        .order_by(col(Forecast.created_at).desc(), col(Forecast.id).desc())
        .limit(None if shareable_limit is None else shareable_limit + 1)
    ).all())
    more = shareable_limit is not None and len(shareable) > shareable_limit
    return Thread(
        clarifications=pinned[::-1],  # newest first: the latest ruling on top
        posts=shown if posts_limit is None else shown[max(len(shown) - posts_limit, 0):],
        posts_total=len(shown),
        open=visible,
        hidden=len(others) - len(shown),
        shareable=shareable[:shareable_limit],
        requests_waiting=_requests_waiting(others, pinned),
        more_shareable=more,
    )


def _post(comment: Comment, author: str, forecast: Forecast | None) -> Post:
    if comment.kind is CommentKind.rationale and forecast is not None:
        return Post(comment, author, forecast.rationale, forecast.probability)
    return Post(comment, author, comment.body)


def _requests_waiting(others: list[Post], pinned: list[Post]) -> int:
    """Requests made since the latest clarification (a clarification answers those before it)."""
    since = pinned[-1].comment.created_at if pinned else None
    return sum(1 for p in others if p.kind is CommentKind.request
               and (since is None or p.comment.created_at > since))


def check_body(body: str) -> str:
    """The text trimmed; raises ValidationFailed when empty or over MAX_COMMENT_LENGTH."""
    text = body.strip()
    if not text:
        raise ValidationFailed({"body": "Write something first."})
    if len(text) > MAX_COMMENT_LENGTH:
        raise ValidationFailed({"body": f"Keep it to {MAX_COMMENT_LENGTH:,} characters "
                                        f"(this has {len(text):,})."})
    bounds.check_texts({"body": (text, bounds.COMMENT)})  # control and invisible characters
    return text


def _check_published(question: Question) -> None:
    if question.published_at is None:
        raise Conflict("Publish the question before discussing it.")


def post_comment(
    session: Session, question: Question, *, author: User, body: str, request: bool = False,
    now: datetime,
) -> Comment:
    """Add a comment, or (``request``) ask the managers for a clarification.

    Anyone may ask for a clarification; commenting waits for the author's first forecast, as
    reading does. Raises Conflict for a draft, NotAllowed before that forecast,
    ValidationFailed for an empty or over-long text.
    """
    _check_published(question)
    text = check_body(body)
    if not request and not may_see_crowd(session, question, author, now):
        raise NotAllowed("Make your forecast first: the discussion opens to you after it, so "
                         "others' views cannot anchor yours.")
    kind = CommentKind.request if request else CommentKind.comment
    return _save(session, Comment(question_id=question.id, author_id=author.id, kind=kind,  # type: ignore[arg-type]
                                  body=text, created_at=now))


def share_rationale(
    session: Session, question: Question, *, forecaster: User, forecast_id: int, now: datetime
) -> Comment:
    """Post the rationale of one of the forecaster's own forecasts to the thread.

    Raises NotFound for someone else's forecast or another question's, ValidationFailed for a
    forecast without a rationale, Conflict when it is shared already.
    """
    _check_published(question)
    forecast = session.get(Forecast, forecast_id)
    if forecast is None or forecast.forecaster_id != forecaster.id \
            or forecast.question_id != question.id:
        raise NotFound("No such forecast of yours on this question.")
    if not forecast.rationale.strip():
        raise ValidationFailed({"forecast_id": "That forecast has no rationale to share."})
    comment = Comment(question_id=question.id, author_id=forecaster.id,
                      kind=CommentKind.rationale, forecast_id=forecast.id, created_at=now)
    try:
        return _save(session, comment)
    except IntegrityError:  # the unique forecast_id: shared already
        session.rollback()
        raise Conflict("You have shared that rationale already.") from None


def post_clarification(
    session: Session, question: Question, *, author: User, body: str, now: datetime
) -> Comment:
    """Pin a manager's clarification; the scheduler emails it to everyone who has forecast.

    Raises NotAllowed for non-managers, Conflict for a draft, ValidationFailed for the text.
    """
    require_manager(author)
    _check_published(question)
    text = check_body(body)
    return _save(session, Comment(question_id=question.id, author_id=author.id,  # type: ignore[arg-type]
                                  kind=CommentKind.clarification, body=text, created_at=now))


def _save(session: Session, comment: Comment) -> Comment:
    session.add(comment)
    session.flush()
    session.refresh(comment)
    return comment


# --- Emailing clarifications (run by the scheduler) -----------------------------------------


def recipients(session: Session, clarification: Comment) -> list[User]:
    """Active people with an email address who had forecast on the question by then and
    have not switched clarification emails off on their profile."""
    forecasters = (
        select(Forecast.forecaster_id)
        .where(Forecast.question_id == clarification.question_id,
               Forecast.created_at <= clarification.created_at)
    )
    query = select(User).where(
        col(User.id).in_(forecasters), col(User.active), col(User.email).is_not(None),
        User.kind == UserKind.person,
    )
    people = session.exec(query.order_by(col(User.id)))
    return [person for person in people if profile.wants(session, person, MAIL_KIND)]


def clarification_email(clarification: Comment, question: Question, to: User, *,
                        time_zone: str | None = None, links: Links = NO_LINKS) -> Email:
    """The message telling one forecaster about a clarification (``clarification.txt``)."""
    title = question.title if len(question.title) <= 120 else question.title[:119] + "…"
    return emails.email(to.email or "", f"Clarified: {title}", "clarification.txt",
                        time_zone=time_zone, person=to, question=question,
                        clarification=clarification,
                        question_url=links.question(question.id),  # type: ignore[arg-type]
                        profile_url=links.profile())


def send_clarifications(session: Session, mailer: Mailer, *, now: datetime,
                        links: Links = NO_LINKS) -> dict[str, int]:
    """Email each clarification not yet mailed to its recipients, once each (``send_once``).

    A recipient whose send fails is retried on the next run; the clarification counts as
    mailed only when every recipient has it.
    """
    counts = {"sent": 0, "already_sent": 0, "failed": 0}
    pending = session.exec(
        select(Comment).where(Comment.kind == CommentKind.clarification,
                              col(Comment.mailed_at).is_(None))
        .order_by(col(Comment.id))
    ).all()
    for clarification in pending:
        question = session.get(Question, clarification.question_id)
        failed = 0
        for person in recipients(session, clarification):
            email = clarification_email(clarification, question, person,  # type: ignore[arg-type]
                                        time_zone=profile.time_zone_of(session, person),
                                        links=links)
            try:
                sent = send_once(session, mailer, email, kind=MAIL_KIND,
                                 period=f"comment-{clarification.id}", now=now)
            except Exception:  # kept unmailed; the next run retries this recipient
                logger.exception("Clarification %s to %s failed", clarification.id, email.to)
                failed += 1
                continue
            counts["sent" if sent else "already_sent"] += 1
        counts["failed"] += failed
        if not failed:
            clarification.mailed_at = now
            session.add(clarification)
            session.commit()
    return counts
