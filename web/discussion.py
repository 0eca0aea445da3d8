"""Discussion pages: comments, shared rationales, clarification requests and clarifications.

The thread is drawn on the question page (``questions/_discussion.html``) from
``forecasts.questions.page``; the posts here answer with a redirect back to it, with the form's
errors and text kept (Post/Redirect/Get, ``web.prg``).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from sqlmodel import Session

from forecasts.errors import DomainError
from forecasts.models import Question, Role, User
from forecasts.questions import catalog as questions
from forecasts.questions import discussion
from web import prg
from web.database import get_session, now
from web.forms import ClarificationForm, CommentForm, ShareForm, form_messages
from web.permissions import role_required, viewer

bp = Blueprint("discussion", __name__)


def _back(question_id: int) -> ResponseReturnValue:
    return redirect(url_for("questions.detail", question_id=question_id, _anchor="discussion"),
                    303)


def _reshow(question: Question, name: str, form: FlaskForm) -> ResponseReturnValue:
    """Post/Redirect/Get: the question page again, this form's text and errors kept once."""
    if name == "share" and form.errors:  # a one-list form, not drawn when nothing is left
        flash(form_messages(form), "error")  # to share: its messages are flashed too
    return prg.redirect_with(form, url_for("questions.detail", question_id=question.id))


def _post(question_id: int, name: str, form: FlaskForm,
          action: Callable[[Session, Question, User], object], done: str) -> ResponseReturnValue:
    session, user = get_session(), viewer()
    question = questions.visible_question(session, question_id, user)
    if not form.validate_on_submit():
        return _reshow(question, name, form)
    try:
        action(session, question, user)
    except DomainError as error:  # prg.refuse's path, with the share form's flash
        prg.attach_errors(form, error)
        return _reshow(question, name, form)
    flash(done, "success")
    return _back(question_id)


@bp.post("/questions/<int:question_id>/comments")
@role_required(Role.forecaster)
def comment(question_id: int) -> ResponseReturnValue:
    """Add a comment, or a request for a clarification."""
    form = CommentForm()
    asking = bool(form.request.data)
    return _post(question_id, "comment", form, lambda session, question, user:
                 discussion.post_comment(session, question, author=user, body=form.body.data,
                                         request=asking, now=now()),
                 "Request sent to the managers." if asking else "Comment posted.")


@bp.post("/questions/<int:question_id>/rationales")
@role_required(Role.forecaster)
def share(question_id: int) -> ResponseReturnValue:
    """Share the rationale of one of the viewer's forecasts with the thread."""
    form = ShareForm()
    session, user = get_session(), viewer()
    question = questions.visible_question(session, question_id, user)
    form.forecast_id.choices = [(f.id, "") for f in
                                discussion.thread(session, question, user, now()).shareable]
    return _post(question_id, "share", form, lambda session, question, user:
                 discussion.share_rationale(session, question, forecaster=user,
                                            forecast_id=form.forecast_id.data, now=now()),
                 "Rationale shared with the discussion.")


@bp.post("/questions/<int:question_id>/clarifications")
@role_required(Role.manager)
def clarify(question_id: int) -> ResponseReturnValue:
    """Pin a clarification; the scheduler emails it to the question's forecasters."""
    form = ClarificationForm()
    return _post(question_id, "clarification", form, lambda session, question, user:
                 discussion.post_clarification(session, question, author=user,
                                               body=form.body.data, now=now()),
                 "Clarification pinned; its forecasters will be emailed within a minute.")
