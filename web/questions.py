"""Question pages: the list, one question with its forecast form, and managers' actions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import login_required
from flask_wtf import FlaskForm

from forecasts import resolution
from forecasts.errors import DomainError
from forecasts.models import Question, Role
from forecasts.questions import catalog as questions
from forecasts.questions import duplicates, forecasting
from forecasts.questions.catalog import Status
from forecasts.questions.crowd_chart import COMPARED, DEFAULT_COMPARED, ChartOptions
from forecasts.questions.listing import PAGE_SIZE, ListQuery, Sort, list_questions, search_words
from forecasts.questions.page import question_page
from web import prg, query
from web.caches import crowd_histories, score_cache
from web.database import get_session, now
from web.forms import (
    ActionForm,
    CloseForm,
    ForecastForm,
    QuestionForm,
    ReopenForm,
    ResolveForm,
)
from web.permissions import role_required, viewer
from web.question_page import context as question_page_context

bp = Blueprint("questions", __name__)

SORT_LABELS = {
    Sort.closes: "Closing soonest",
    Sort.closes_late: "Closing latest",
    Sort.newest: "Newest",
    Sort.forecasters: "Most forecasters",
    Sort.needs_update: "Needs my update",
}
MAX_PAGE = 100_000  # 2.5 million questions at 25 a page

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
    """Questions for the viewer: filter by status, tag and words; five sorts; 25 a page."""
    user = viewer()
    is_manager = user.has_role(Role.manager)
    shown = query.choice("status", list(LIST_FILTERS), "open")
    if shown == "drafts" and not is_manager:
        shown = "open"  # drafts are for managers; forecasters get the open list instead
    session = get_session()
    tag = questions.tag_named(session, query.text("tag")) or None
    words = search_words(query.text("q"))
    sort = Sort(query.choice("sort", [s.value for s in Sort], Sort.closes.value))
    page_number = query.whole("page", 1, 1, MAX_PAGE)
    statuses = LIST_FILTERS[shown]
    page = list_questions(
        session, viewer=user, now=now(), stale_after=_stale_after(),
        query=ListQuery(statuses=None if statuses is None else frozenset(statuses), tag=tag,
                        words=words, sort=sort, limit=PAGE_SIZE,
                        offset=(page_number - 1) * PAGE_SIZE),
    )
    return render_template(
        "questions/list.html", page=page, rows=page.rows, shown=shown, tag=tag,
        q=" ".join(words), sort=sort, sorts=SORT_LABELS, page_number=page_number,
        tags=questions.all_tags(session, drafts=is_manager), filters=list(LIST_FILTERS),
    )


def _stale_after() -> timedelta:
    return timedelta(days=current_app.config["SETTINGS"].stale_after_days)


@bp.get("/questions/<int:question_id>")
@login_required
def detail(question_id: int) -> ResponseReturnValue:
    """One question: its terms, the viewer's forecasts, the crowd (once allowed), its trail."""
    options = ChartOptions(  # a bad value is a 400 here, before anything is read
        aggregate=query.choice("aggregate", COMPARED, DEFAULT_COMPARED),
        every_value=query.choice("crowd_table", ("", "all"), "") == "all")
    page = question_page(get_session(), question_id, viewer(), now(), options,
                         scores=score_cache(), histories=crowd_histories())
    return render_template("questions/detail.html", **question_page_context(page))


def _back_to(question: Question, form: FlaskForm) -> ResponseReturnValue:
    """Post/Redirect/Get: the question page again, this form's values and errors kept."""
    return prg.redirect_with(form, url_for("questions.detail", question_id=question.id))


def _refuse(question: Question, form: FlaskForm, error: DomainError) -> ResponseReturnValue:
    """A refused action: the question page again, the reason beside the form (prg.refuse)."""
    return prg.refuse(form, error, url_for("questions.detail", question_id=question.id))


@bp.post("/questions/<int:question_id>/forecasts")
@login_required
def forecast(question_id: int) -> ResponseReturnValue:
    """Add the viewer's forecast; errors go back to the question page, with what was typed."""
    session, user = get_session(), viewer()
    question = questions.visible_question(session, question_id, user)
    form = ForecastForm()
    if not form.validate_on_submit():
        return _back_to(question, form)
    try:
        forecasting.submit_forecast(
            session, question, forecaster=user, probability=form.parsed_probability,
            rationale=form.rationale.data or "", now=now(),
        )
    except DomainError as error:
        return _refuse(question, form, error)
    flash(f"Forecast saved: {form.parsed_probability * 100:g} %.", "success")
    return redirect(url_for("questions.detail", question_id=question_id))


@bp.route("/questions/new", methods=["GET", "POST"])
@role_required(Role.manager)
def new() -> ResponseReturnValue:
    """Draft a question."""
    form = QuestionForm()
    if request.method == "GET" and not prg.restore(form):
        _prefill_dates(form)
    if form.validate_on_submit() and not _stopped_as_duplicate(form):
        try:
            question = questions.create_question(
                get_session(), form.to_domain(), author=viewer(), now=now()
            )
        except DomainError as error:
            return prg.refuse(form, error, url_for("questions.new"))
        flash("Draft saved. Check it, then publish it for forecasters.", "success")
        return redirect(url_for("questions.detail", question_id=question.id))
    if request.method == "POST":
        return prg.redirect_with(form, url_for("questions.new"))
    similar = duplicates.similar_to(get_session(), form.title.data or "") if form.errors else []
    return render_template("questions/form.html", form=form, question=None, similar=similar)


def _stopped_as_duplicate(form: QuestionForm) -> bool:
    """A new title like an existing question's stops once, with a warning, until confirmed."""
    if form.save_anyway.data or not duplicates.similar_to(get_session(), form.title.data):
        return False
    form.save_anyway.errors = ["This looks like an existing question (listed above). Tick the "
                               "box to save it anyway, or open the question instead."]
    return True


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
    if request.method == "GET" and not prg.restore(form):
        _fill_from(form, question, questions.tag_names(session, question))
    if form.validate_on_submit():
        try:
            questions.update_question(session, question, form.to_domain(), editor=viewer(),
                                      now=now())
        except DomainError as error:
            return prg.refuse(form, error, url_for("questions.edit", question_id=question_id))
        flash("Question updated.", "success")
        return redirect(url_for("questions.detail", question_id=question_id))
    if request.method == "POST":
        return prg.redirect_with(form, url_for("questions.edit", question_id=question_id))
    has_forecasts = questions.has_forecasts(session, question)
    return render_template("questions/form.html", form=form, question=question,
                           has_forecasts=has_forecasts)


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
    return _act(question, ActionForm(), lambda: questions.publish_question(
        session, question, actor=viewer(), now=now()), "Published: forecasters can see it now.")


@bp.post("/questions/<int:question_id>/close")
@role_required(Role.manager)
def close(question_id: int) -> ResponseReturnValue:
    """Stop forecasting now."""
    session = get_session()
    question = questions.visible_question(session, question_id, viewer())
    form = CloseForm()
    if not form.validate_on_submit():
        return _back_to(question, form)
    return _act(question, form, lambda: questions.close_early(
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
        return _back_to(question, form)
    return _act(question, form, lambda: questions.reopen(
        session, question, actor=viewer(), note=form.note.data or "", now=now()),
        "Reopened: forecasts are accepted until the scheduled close.")


@bp.post("/questions/<int:question_id>/reaffirm")
@login_required
def reaffirm(question_id: int) -> ResponseReturnValue:
    """Record the viewer's latest forecast again, unchanged, at the current time."""
    session = get_session()
    question = questions.visible_question(session, question_id, viewer())
    return _act(question, ActionForm(), lambda: forecasting.reaffirm(
        session, question, forecaster=viewer(), now=now()), "Forecast reaffirmed.")


@bp.post("/questions/<int:question_id>/resolve")
@role_required(Role.manager)
def resolve(question_id: int) -> ResponseReturnValue:
    """Resolve YES, NO or annulled, or correct an earlier resolution."""
    session = get_session()
    question = questions.visible_question(session, question_id, viewer())
    form = ResolveForm()
    if not form.validate_on_submit():
        return _back_to(question, form)
    return _act(question, form, lambda: resolution.resolve(
        session, question, outcome=form.outcome.data, actor=viewer(),
        note=form.note.data or "", now=now()), "Resolution recorded.")


def _act(question: Question, form: FlaskForm, action: Callable[[], object],
         done: str) -> ResponseReturnValue:
    """Run an action; a refusal goes back to the page with the reason, the form's text kept."""
    try:
        action()
    except DomainError as error:
        return _refuse(question, form, error)
    flash(done, "success")
    return redirect(url_for("questions.detail", question_id=question.id))
