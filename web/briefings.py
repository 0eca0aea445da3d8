"""Briefing pages (managers only): import, review drafts beside the text, publish, term records."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm

from forecasts import briefings
from forecasts.briefings.review import context_page, context_pages
from forecasts.errors import DomainError, ValidationFailed
from forecasts.models import Briefing, BriefingDraft, DraftState, Role, User
from forecasts.questions import duplicates
from web import prg, query
from web.database import get_session, now
from web.forms import (
    ActionForm,
    BriefingImportForm,
    DraftForm,
    PromoteForm,
    PublicationForm,
)
from web.permissions import role_required, viewer

bp = Blueprint("briefings", __name__, url_prefix="/briefings")


@bp.route("", methods=["GET", "POST"])
@role_required(Role.manager)
def index() -> ResponseReturnValue:
    """Imported briefings, and the form to import one (paste or upload)."""
    session = get_session()
    form = BriefingImportForm()
    if request.method == "GET":
        form.published.data = now().date()
    if form.validate_on_submit():
        try:
            briefing = briefings.import_briefing(
                session, form.briefing(), published=form.published.data,
                yardstick=form.yardstick.data, publication=form.publication.data or "",
                importer=viewer(), now=now(),
            )
        except ValidationFailed as error:
            # Shown in place, not through prg.refuse: a pasted briefing is too big to keep.
            # The page answers 400, so the request's transaction is rolled back.
            prg.attach_errors(form, error, field="text")
        else:
            count = len(briefings.drafts(session, briefing))
            flash(f"Imported: {count} draft{'' if count == 1 else 's'} to review.", "success")
            return redirect(url_for("briefings.review", briefing_id=briefing.id))
    listed = briefings.list_briefings(session)
    page = render_template("briefings/index.html", form=form, briefings=listed,
                           counts=briefings.draft_counts(session, listed),
                           publications=briefings.list_publications(session))
    return page, 400 if form.errors else 200


@bp.get("/<int:briefing_id>")
@role_required(Role.manager)
def review(briefing_id: int) -> ResponseReturnValue:
    """The drafts beside the briefing's text, each source sentence marked."""
    return _render_review(briefings.get_briefing(get_session(), briefing_id))


def _render_review(briefing: Briefing) -> ResponseReturnValue:
    """The review page; a form that just failed here comes back with its text and errors."""
    session = get_session()
    rows = briefings.drafts(session, briefing)
    forms = {}
    for row in rows:
        kept = DraftForm(prefix=f"d{row.id}-", formdata=None)
        forms[row.id] = kept if prg.restore(kept) else _form_for(row)
    publication_form = PublicationForm(formdata=None, name=briefing.publication)
    prg.restore(publication_form)
    open_rows = [row for row in rows if row.state in (DraftState.pending, DraftState.accepted)]
    similar = duplicates.similar_questions(session, {row.id: row.title for row in open_rows})
    questions = briefings.published_questions(session, briefing)
    text = briefings.review_text(briefing, rows)
    # ?sentences=N pages the "Other sentences" list; a page outside it is a 400, not a guess.
    context = context_page(text.context, query.whole(
        "sentences", 1, 1, context_pages(text.context)))
    page = render_template(
        "briefings/review.html", briefing=briefing, drafts=rows, forms=forms,
        by_id={row.id: row for row in rows}, questions=questions,
        text=text, context=context, importer=_importer(briefing),
        action_form=ActionForm(), promote_form=PromoteForm(),
        accepted=sum(row.state is DraftState.accepted for row in rows),
        publication_form=publication_form,
        similar=similar,  # existing questions like each draft (questions/duplicates.py)
        publications=briefings.list_publications(session),
        any_published=any(row.state is DraftState.published for row in rows),
    )
    return page


def _back(briefing: Briefing, form: FlaskForm) -> ResponseReturnValue:
    """Post/Redirect/Get: the review page again, this form's text and errors kept once."""
    return prg.redirect_with(form, url_for("briefings.review", briefing_id=briefing.id))


def _refuse(briefing: Briefing, form: FlaskForm, error: DomainError, *,
            field: str | None = None) -> ResponseReturnValue:
    """A refused change: the review page again, the reason beside the form (prg.refuse)."""
    return prg.refuse(form, error, url_for("briefings.review", briefing_id=briefing.id),
                      field=field)


def _importer(briefing: Briefing) -> User | None:
    return get_session().get(User, briefing.imported_by_id) if briefing.imported_by_id else None


def _form_for(row: BriefingDraft) -> DraftForm:
    form = DraftForm(prefix=f"d{row.id}-", formdata=None)
    form.title.data = row.title
    form.resolution_criteria.data = row.resolution_criteria
    form.closes_at.data = row.closes_at.replace(tzinfo=None)
    form.resolve_by.data = row.resolve_by.replace(tzinfo=None)
    form.probability.data = (f"{row.probability * 100:.1f}".removesuffix(".0")
                             if row.probability is not None else "")
    form.tags.data = row.tags
    return form


@bp.post("/<int:briefing_id>/drafts/<int:draft_id>")
@role_required(Role.manager)
def update(briefing_id: int, draft_id: int) -> ResponseReturnValue:
    """Save a draft's edits, then accept it (action=accept), or reject it (action=reject)."""
    session = get_session()
    briefing = briefings.get_briefing(session, briefing_id)
    draft = briefings.get_draft(session, briefing, draft_id)
    action = request.form.get("action", "save")
    form = DraftForm(prefix=f"d{draft.id}-")
    try:
        if action == "reject":  # only the CSRF token matters, and CSRFProtect checked it
            briefings.reject_draft(session, draft, actor=viewer())
            flash("Draft rejected.", "success")
        else:
            if not form.validate_on_submit():
                return _back(briefing, form)
            briefings.update_draft(session, draft, form.to_edit(), actor=viewer())
            if action == "accept":
                briefings.accept_draft(session, draft, actor=viewer())
            flash("Draft accepted." if action == "accept" else "Draft saved.", "success")
    except DomainError as error:
        return _refuse(briefing, form, error)
    return redirect(url_for("briefings.review", briefing_id=briefing.id,
                            _anchor=f"draft-{draft.id}"))


@bp.post("/<int:briefing_id>/publish")
@role_required(Role.manager)
def publish(briefing_id: int) -> ResponseReturnValue:
    """Publish every accepted draft as an open question, in one go."""
    session = get_session()
    briefing = briefings.get_briefing(session, briefing_id)
    try:
        created = briefings.publish_accepted(session, briefing, actor=viewer(), now=now())
    except DomainError as error:
        return _refuse(briefing, ActionForm(), error)
    flash(f"Published {len(created)} question{'' if len(created) == 1 else 's'}.", "success")
    return redirect(url_for("briefings.review", briefing_id=briefing.id))


@bp.post("/<int:briefing_id>/promote")
@role_required(Role.manager)
def promote(briefing_id: int) -> ResponseReturnValue:
    """Turn a context sentence into a draft the manager fills in by hand."""
    session = get_session()
    briefing = briefings.get_briefing(session, briefing_id)
    form = PromoteForm()
    if not form.validate_on_submit():
        flash("Choose a sentence to promote.", "error")
        return redirect(url_for("briefings.review", briefing_id=briefing.id), 303)
    try:
        draft = briefings.promote_sentence(session, briefing, form.sentence_index.data,
                                           actor=viewer())
    except DomainError as error:
        return _refuse(briefing, form, error)
    flash("Promoted to a draft: write the question, its criteria and a probability.", "success")
    return redirect(url_for("briefings.review", briefing_id=briefing.id,
                            _anchor=f"draft-{draft.id}"))


@bp.post("/<int:briefing_id>/publication")
@role_required(Role.manager)
def publication(briefing_id: int) -> ResponseReturnValue:
    """Credit the briefing to another publication (picked by name or alias, or created)."""
    session = get_session()
    briefing = briefings.get_briefing(session, briefing_id)
    form = PublicationForm()
    if not form.validate_on_submit():
        return _back(briefing, form)
    try:
        chosen = briefings.set_briefing_publication(session, briefing, form.name.data or "",
                                                    now=now())
    except DomainError as error:  # the name's messages beside it; "published already" flashed
        return _refuse(briefing, form, error,
                       field="name" if isinstance(error, ValidationFailed) else None)
    flash(f"Credited to {chosen.name}.", "success")
    return redirect(url_for("briefings.review", briefing_id=briefing.id))


@bp.get("/publications")
@role_required(Role.manager)
def publications() -> ResponseReturnValue:
    """Every publication with its aliases, the authors of its bylines and its briefings."""
    return render_template("briefings/publications.html",
                           publications=briefings.list_publications(get_session()))


@bp.get("/terms")
@role_required(Role.manager)
def terms() -> ResponseReturnValue:
    """How often each publication's estimative terms came true, optionally for one author."""
    publication = query.text("publication").strip() or None
    author = query.text("author").strip() or None
    records = briefings.term_record(get_session(), publication, author)
    return render_template("briefings/terms.html", records=records, publication=publication,
                           author=author)


@bp.get("/stated")
@role_required(Role.manager)
def stated() -> ResponseReturnValue:
    """Every forecast a publication stated, with its outcome and Brier, optionally per author."""
    session = get_session()
    publication = query.text("publication").strip() or None
    author = query.text("author").strip() or None
    listed = briefings.list_publications(session)
    authors = next((p.authors for p in listed if p.publication.name == publication), [])
    rows = briefings.stated_forecasts(session, publication, author)
    per_author = (briefings.by_author(briefings.stated_forecasts(session, publication))
                  if publication else [])
    return render_template("briefings/stated.html", rows=rows, publication=publication,
                           author=author, publications=listed, authors=authors,
                           per_author=per_author, total=briefings.summarise(rows))
