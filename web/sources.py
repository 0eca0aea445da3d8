"""Managers' automatic resolution on a question page: set a source, confirm a proposal."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import BooleanField, SelectChoice, SelectField
from wtforms.validators import DataRequired, Optional

from forecasts import bounds
from forecasts.errors import DomainError, ValidationFailed
from forecasts.models import Question, ResolutionSource, Role, SourceKind
from forecasts.questions import catalog as questions
from forecasts.resolution import checks as source_checks
from forecasts.resolution import comparison, feeds, proposals, sources
from forecasts.resolution.sources import Comparison, SourceInput
from web import prg
from web.database import get_session, now
from web.forms import ActionForm, DismissForm, text_field
from web.permissions import role_required, viewer

bp = Blueprint("sources", __name__)


class SourceForm(FlaskForm):
    """A question's automatic resolution source."""

    kind = SelectField("Source", choices=[
        SelectChoice(SourceKind.http_json.value, "JSON at a URL"),
        SelectChoice(SourceKind.feed.value, "RSS/Atom feed"),
    ])
    url = text_field("URL", bounds.URL, DataRequired())
    pointer = text_field("JSON Pointer", bounds.POINTER, Optional(),
                         render_kw={"placeholder": "/data/0/status"})
    comparison = SelectField("Comparison", choices=[SelectChoice(c.value) for c in Comparison])
    value = text_field("Value", bounds.SOURCE_VALUE, Optional())
    pattern = text_field("Keyword or regular expression (feeds)", bounds.PATTERN, Optional())
    pattern_is_regex = BooleanField("The keyword is a regular expression")
    no_event_means_no = BooleanField("No event by the deadline proposes NO", default=True)
    auto_apply = BooleanField("Resolve automatically, without waiting for a confirmation")

    def to_domain(self) -> SourceInput:
        """The form's values as the domain's input."""
        return SourceInput(
            kind=self.kind.data or "", url=self.url.data or "", pointer=self.pointer.data or "",
            comparison=self.comparison.data or "", value=self.value.data or "",
            pattern=self.pattern.data or "", pattern_is_regex=bool(self.pattern_is_regex.data),
            no_event_means_no=bool(self.no_event_means_no.data),
            auto_apply=bool(self.auto_apply.data),
        )


def _form_for(source: ResolutionSource | None) -> SourceForm:
    form = SourceForm(formdata=None)
    if source is not None:
        for name in ("kind", "url", "pointer", "value", "pattern", "pattern_is_regex",
                     "no_event_means_no", "auto_apply"):
            getattr(form, name).data = getattr(source, name)
        form.comparison.data = source.comparison.value if source.comparison else "=="
    return form


@bp.app_context_processor
def automation_helpers() -> dict[str, Any]:
    """Lets the question page's automation partial load its own data."""
    return {"automation_for": automation_for}


def automation_for(question: Question) -> dict[str, Any]:
    """The question's source, its latest checks, its proposal and the forms, for managers."""
    session = get_session()
    source = sources.source_of(session, question.id)  # type: ignore[arg-type]
    return {
        "source": source,
        "checks": source_checks.recent_checks(session, source.id) if source else [],  # type: ignore[arg-type]
        "proposal": proposals.proposal_for(session, question.id),  # type: ignore[arg-type]
        "form": prg.restored(_form_for(source)),  # after a refusal: what was typed, and why
        "action_form": ActionForm(formdata=None),
        "dismiss_form": prg.restored(DismissForm(formdata=None)),
        "comparison_rule": comparison.RULE,
        "feed_rule": feeds.RULE,
    }


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
