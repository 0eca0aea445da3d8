"""Managers' automatic resolution on a question page: set a source, confirm a proposal.

The page draws the source, its checks and the proposal from ``forecasts.questions.page``; the
posts here answer with a redirect back to it.
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response

from forecasts.errors import DomainError, ValidationFailed
from forecasts.models import Role
from forecasts.questions import catalog as questions
from forecasts.resolution import proposals, sources
from web import prg
from web.database import get_session, now
from web.forms import ActionForm, DismissForm
from web.permissions import role_required, viewer
from web.source_form import SourceForm

bp = Blueprint("sources", __name__)


def _back(question_id: int) -> Response:
    return redirect(url_for("questions.detail", question_id=question_id, _anchor="automation"))


@bp.post("/questions/<int:question_id>/source")
@role_required(Role.manager)
def set_source(question_id: int) -> ResponseReturnValue:
    """Attach or replace the question's automatic resolution source."""
    session = get_session()
    question = questions.visible_question(session, question_id, viewer())
    form = SourceForm()
    page = url_for("questions.detail", question_id=question_id)
    if not form.validate_on_submit():  # back to the question page, the values and messages kept
        flash("Source not saved: see the messages beside the fields.", "error")
        return prg.redirect_with(form, page)
    try:
        sources.set_source(session, question, form.to_domain(), actor=viewer(), now=now(),
                           allowed=current_app.config["SETTINGS"].source_allowed_networks)
    except DomainError as error:
        if isinstance(error, ValidationFailed):
            flash("Source not saved: see the messages beside the fields.", "error")
        return prg.refuse(form, error, page)
    flash("Source saved: it will be checked on the scheduler's next run.", "success")
    return _back(question_id)


@bp.post("/questions/<int:question_id>/source/remove")
@role_required(Role.manager)
def remove_source(question_id: int) -> ResponseReturnValue:
    """Stop checking the question automatically."""
    session = get_session()
    question = questions.visible_question(session, question_id, viewer())
    sources.remove_source(session, question, actor=viewer())  # CSRFProtect guards every POST
    flash("Automatic checking removed.", "success")
    return _back(question_id)


@bp.post("/proposals/<int:proposal_id>/dismiss")
@role_required(Role.manager)
def dismiss(proposal_id: int) -> ResponseReturnValue:
    """Reject the automatic proposal, with the reason; the question stays unresolved."""
    session = get_session()
    proposal = proposals.get_proposal(session, proposal_id)
    form = DismissForm()
    if not form.validate_on_submit():  # the note and its message come back beside the field
        flash("Not dismissed: see the message beside the note.", "error")
        return prg.redirect_with(form, url_for("questions.detail",
                                               question_id=proposal.question_id))
    try:
        proposals.dismiss(session, proposal, actor=viewer(), note=form.note.data or "",
                          now=now())
    except DomainError as error:
        return prg.refuse(form, error, url_for("questions.detail",
                                               question_id=proposal.question_id))
    flash("Proposal dismissed. Change the source if it should propose again.", "success")
    return _back(proposal.question_id)


@bp.post("/proposals/<int:proposal_id>/confirm")
@role_required(Role.manager)
def confirm(proposal_id: int) -> ResponseReturnValue:
    """Resolve the question as the automatic check proposed."""
    session = get_session()
    proposal = proposals.get_proposal(session, proposal_id)
    try:
        proposals.confirm(session, proposal, actor=viewer(), now=now())
    except DomainError as error:  # CSRFProtect has checked the token already
        return prg.refuse(ActionForm(), error, url_for("questions.detail",
                                                       question_id=proposal.question_id))
    flash(f"Resolved {proposal.outcome.value.upper()} as proposed.", "success")
    return _back(proposal.question_id)
