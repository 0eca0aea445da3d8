"""Question pages: the list, one question with its forecast form, and managers' actions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required
from flask_wtf import FlaskForm

from forecasts import resolution
from forecasts.errors import Conflict, DomainError, NotFound, ValidationFailed
from forecasts.models import Question, Role, User
from forecasts.questions import catalog as questions
from forecasts.questions import forecasting
from forecasts.questions.catalog import Status
from forecasts.scoring.book import forecaster_names
from web import query
from web.dashboards import crowd_chart
from web.database import get_session, now
from web.discussion import discussion_view
from web.errors import status_of
from web.forms import (
    ActionForm,
    CloseForm,
    ForecastForm,
    QuestionForm,
    ReopenForm,
    ResolveForm,
    attach_errors,
)
from web.permissions import role_required, viewer
from web.scores import score_cache

bp = Blueprint("questions", __name__)

LIST_FILTERS = {
    "open": {Status.open},
    "closed": {Status.closed},
    "resolved": {Status.resolved},
    "upcoming": {Status.upcoming},
    "drafts": {Status.draft},
    "all": None,
}


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    return redirect(url_for("questions.listing"))


@bp.get("/questions")
@login_required
def listing() -> ResponseReturnValue:
    """Questions for the viewer: filter by status and tag, sorted by close date."""
    user = viewer()
    shown = request.args.get("status", "open")
    if shown not in LIST_FILTERS or (shown == "drafts" and not user.has_role(Role.manager)):
        shown = "open"
    tag = query.text("tag").strip() or None
    newest_first = request.args.get("sort") == "closes-desc"
    session = get_session()
    rows = questions.list_questions(
        session, viewer=user, now=now(), statuses=LIST_FILTERS[shown], tag=tag,
        newest_first=newest_first, stale_after=_stale_after(),
    )
    return render_template(
        "questions/list.html", rows=rows, shown=shown, tag=tag, newest_first=newest_first,
        tags=questions.all_tags(session, drafts=user.has_role(Role.manager)),
        filters=list(LIST_FILTERS),
    )


def _stale_after() -> timedelta:
    return timedelta(days=current_app.config["SETTINGS"].stale_after_days)


@bp.get("/questions/<int:question_id>")
@login_required
def detail(question_id: int) -> ResponseReturnValue:
    """One question: its terms, the viewer's forecasts, the crowd (once allowed), its trail."""
    question = questions.visible_question(get_session(), question_id, viewer())
    return _render_detail(question, ForecastForm())


def _render_detail(question: Question, form: ForecastForm, code: int = 200) -> ResponseReturnValue:
    session, user, moment = get_session(), viewer(), now()
    show_crowd = forecasting.may_see_crowd(session, question, user, moment)
    page = render_template(
        "questions/detail.html",
        question=question,
        status=questions.status(question, moment),
        tags=questions.tag_names(session, question),
        mine=forecasting.history(session, question, user),
        crowd=forecasting.crowd_now(session, question, moment) if show_crowd else None,
        trail=resolution.trail(session, question),
        revisions=questions.revisions(session, question),
        people=questions.people_involved(session, question),
        form=form,
        resolve_form=ResolveForm(),
        close_form=CloseForm(),
        action_form=ActionForm(),
        is_manager=user.has_role(Role.manager),
        scores=_question_scores(question, user),
        # the crowd's probability over time (crowd line only if show_crowd)
        crowd_chart=crowd_chart(question, user, show_crowd),
        # the discussion, clarifications, reaffirming and reopening (web/discussion.py)
        discussion=discussion_view(question, user, moment),
        reopen_form=ReopenForm() if questions.reopenable(question, moment) else None,
    )
    return page, code


def _question_scores(question: Question, user: User) -> list[dict[str, object]]:
    """Scores on a resolved question: everyone's for managers, the viewer's and the crowd's else."""
    if question.outcome is None:
        return []
    table = score_cache().book(get_session()).for_question(question.id)  # type: ignore[arg-type]
    if not user.has_role(Role.manager):
        table = table.loc[(table["forecaster_id"] == user.id) | (table["forecaster_id"] < 0)]
    names = forecaster_names(get_session(), table["forecaster_id"])
    rows = table.sort_values("brier").to_dict("records")
    return [{**row, "name": names.get(int(row["forecaster_id"]), "?")} for row in rows]


@bp.post("/questions/<int:question_id>/forecasts")
@login_required
def forecast(question_id: int) -> ResponseReturnValue:
    """Add the viewer's forecast; errors re-show the page with the message and a 4xx."""
    session, user = get_session(), viewer()
    question = questions.visible_question(session, question_id, user)
    form = ForecastForm()
    if not form.validate_on_submit():
        return _render_detail(question, form, 400)
    try:
        forecasting.submit_forecast(
            session, question, forecaster=user, probability=form.parsed_probability,
            rationale=form.rationale.data or "", now=now(),
        )
    except ValidationFailed as error:
        attach_errors(form, error)
        return _render_detail(question, form, 400)
    except (Conflict, NotFound) as error:
        flash(str(error), "error")
        return _render_detail(question, form, status_of(error))
    flash(f"Forecast saved: {form.parsed_probability * 100:g} %.", "success")
    return redirect(url_for("questions.detail", question_id=question_id))


@bp.route("/questions/new", methods=["GET", "POST"])
@role_required(Role.manager)
def new() -> ResponseReturnValue:
    """Draft a question."""
    form = QuestionForm()
    if request.method == "GET":
        _prefill_dates(form)
    if form.validate_on_submit():
        try:
            question = questions.create_question(
                get_session(), form.to_domain(), author=viewer(), now=now()
            )
        except ValidationFailed as error:
            attach_errors(form, error)
        else:
            flash("Draft saved. Check it, then publish it for forecasters.", "success")
            return redirect(url_for("questions.detail", question_id=question.id))
    return render_template("questions/form.html", form=form, question=None), _code(form)


def _prefill_dates(form: QuestionForm) -> None:
    start = now().replace(second=0, microsecond=0)
    form.opens_at.data = start.replace(tzinfo=None)
    form.closes_at.data = (start + timedelta(days=90)).replace(tzinfo=None)
    form.resolve_by.data = (start + timedelta(days=97)).replace(tzinfo=None)


@bp.route("/questions/<int:question_id>/edit", methods=["GET", "POST"])
@role_required(Role.manager)
def edit(question_id: int) -> ResponseReturnValue:
    """Edit a question; after the first forecast each change is kept in its history."""
    session = get_session()
    question = questions.visible_question(session, question_id, viewer())
    form = QuestionForm()
    if request.method == "GET":
        _fill_from(form, question, questions.tag_names(session, question))
    if form.validate_on_submit():
        try:
            questions.update_question(session, question, form.to_domain(), editor=viewer(),
                                      now=now())
        except ValidationFailed as error:
            session.rollback()
            attach_errors(form, error)
        else:
            flash("Question updated.", "success")
            return redirect(url_for("questions.detail", question_id=question_id))
    has_forecasts = questions.has_forecasts(session, question)
    return render_template("questions/form.html", form=form, question=question,
                           has_forecasts=has_forecasts), _code(form)


def _fill_from(form: QuestionForm, question: Question, tags: list[str]) -> None:
    for name in ("title", "description", "resolution_criteria", "source_name", "source_url",
                 "source_quote"):
        getattr(form, name).data = getattr(question, name)
    for name in ("opens_at", "closes_at", "resolve_by"):
        getattr(form, name).data = getattr(question, name).replace(tzinfo=None)
    form.tags.data = ", ".join(tags)


@bp.post("/questions/<int:question_id>/publish")
@role_required(Role.manager)
def publish(question_id: int) -> ResponseReturnValue:
    """Make a draft visible to forecasters."""
    session = get_session()
    question = questions.visible_question(session, question_id, viewer())
    ActionForm().validate_on_submit()
    return _act(question, lambda: questions.publish_question(
        session, question, actor=viewer(), now=now()), "Published: forecasters can see it now.")


@bp.post("/questions/<int:question_id>/close")
@role_required(Role.manager)
def close(question_id: int) -> ResponseReturnValue:
    """Stop forecasting now."""
    session = get_session()
    question = questions.visible_question(session, question_id, viewer())
    form = CloseForm()
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
        return _render_detail(question, ForecastForm(), 400)
    return _act(question, lambda: questions.close_early(
        session, question, actor=viewer(), note=form.note.data or "", now=now()),
        "Closed: no more forecasts are accepted.")


@bp.post("/questions/<int:question_id>/reopen")
@role_required(Role.manager)
def reopen(question_id: int) -> ResponseReturnValue:
    """Undo an early close while the question is unresolved and before its scheduled close."""
    session = get_session()
    question = questions.visible_question(session, question_id, viewer())
    form = ReopenForm()
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
        return _render_detail(question, ForecastForm(), 400)
    return _act(question, lambda: questions.reopen(
        session, question, actor=viewer(), note=form.note.data or "", now=now()),
        "Reopened: forecasts are accepted until the scheduled close.")


@bp.post("/questions/<int:question_id>/reaffirm")
@login_required
def reaffirm(question_id: int) -> ResponseReturnValue:
    """Record the viewer's latest forecast again, unchanged, at the current time."""
    session = get_session()
    question = questions.visible_question(session, question_id, viewer())
    ActionForm().validate_on_submit()
    return _act(question, lambda: forecasting.reaffirm(
        session, question, forecaster=viewer(), now=now()), "Forecast reaffirmed.")


@bp.post("/questions/<int:question_id>/resolve")
@role_required(Role.manager)
def resolve(question_id: int) -> ResponseReturnValue:
    """Resolve YES, NO or annulled, or correct an earlier resolution."""
    session = get_session()
    question = questions.visible_question(session, question_id, viewer())
    form = ResolveForm()
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
        return _render_detail(question, ForecastForm(), 400)
    return _act(question, lambda: resolution.resolve(
        session, question, outcome=form.outcome.data, actor=viewer(),
        note=form.note.data or "", now=now()), "Resolution recorded.")


def _act(question: Question, action: Callable[[], object], done: str) -> ResponseReturnValue:
    """Run a manager's action; a refusal re-shows the page with the reason and its status."""
    try:
        action()
    except DomainError as error:
        get_session().rollback()
        flash(str(error), "error")
        return _render_detail(question, ForecastForm(), status_of(error))
    flash(done, "success")
    return redirect(url_for("questions.detail", question_id=question.id))


def _code(form: FlaskForm) -> int:
    return 400 if form.errors else 200
