"""Post/Redirect/Get for forms: a failed form answers 303 to its own page, which shows it again.

``refuse(form, error, to)`` is the one path from a refused domain call to its form: the domain's
messages go beside the fields they concern, the request's transaction is rolled back, and the
browser is sent back to the form's page. ``redirect_with(form, to)`` keeps what was typed (never
passwords, files or the CSRF token) and the messages through ``forecasts.kept_forms``, under a
token in the session, and redirects to ``to``, the page the form lives on. That page builds its
forms as usual and passes each to ``restore``, which fills in the kept values and messages once.
So the address bar shows the form's own page, not the address it posted to, and a reload is a
plain GET: nothing is submitted again. ``static/forms.js`` then moves the focus to the first
field in error.
"""

from __future__ import annotations

from typing import TypeVar
from urllib.parse import urlsplit

from flask import flash, redirect, request, session
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response
from wtforms import Field, PasswordField

from forecasts import kept_forms
from forecasts.errors import DomainError, ValidationFailed
from forecasts.messages import sentences
from web.database import get_session, now

SESSION_KEY = "kept_forms"
EXPIRED = "The form expired; reload the page and try again."
MAX_KEPT_LENGTH = 20_000  # characters of one value: twice the longest field's limit

F = TypeVar("F", bound=FlaskForm)


def _name(form: FlaskForm) -> str:
    """Which form on a page: its class and prefix (a page may show several of one class)."""
    return f"{type(form).__name__}:{form._prefix}"[:kept_forms.FORM_NAME_LENGTH]


def _is_csrf(field: Field) -> bool:
    return field.short_name == "csrf_token"


def _keeps_value(field: Field) -> bool:
    return not (_is_csrf(field) or isinstance(field, PasswordField | FileField))


def _user_id() -> int | None:
    return current_user.id if current_user.is_authenticated else None


def attach_errors(form: FlaskForm, error: DomainError, *, field: str | None = None) -> None:
    """Show a refusal's messages beside the fields they concern.

    A ValidationFailed's messages go beside the fields they name; a message for a name the form
    lacks, and any other DomainError (a Conflict, a NotFound), goes beside ``field`` when given
    and is flashed otherwise.
    """
    messages = (list(error.fields.items()) if isinstance(error, ValidationFailed)
                else [("", str(error))])
    for name, message in messages:
        target = getattr(form, name, None) if name else None
        if target is None and field is not None:
            target = getattr(form, field)
        if target is None:
            flash(message, "error")
        else:
            target.errors = [*target.errors, message]


def refuse(form: FlaskForm, error: DomainError, to: str, *,
           field: str | None = None, lead: str | None = None) -> Response:
    """The one path from a refused domain call back to its form on the page at ``to``.

    The messages are attached (see ``attach_errors``), nothing the request wrote is kept, and
    the answer is a 303 to ``to``, where the form shows again with what was typed. A form drawn
    as a row of a table is not drawn again with its messages: give ``lead`` ("User ann not
    updated."), and the messages are flashed as sentences after it instead.
    """
    if lead is None:
        attach_errors(form, error, field=field)
        return redirect_with(form, to)
    get_session().rollback()
    messages = error.fields.values() if isinstance(error, ValidationFailed) else [str(error)]
    flash(sentences(messages, lead=lead), "error")
    return redirect(to, 303)


def redirect_with(form: FlaskForm, to: str) -> Response:
    """Keep ``form``'s submitted values and messages for the page at ``to``; answer 303 there.

    The request's transaction is rolled back first: a failed form stores nothing.
    """
    database = get_session()
    database.rollback()
    # A value far over any field's limit (a 7 MB paste) is not kept: its message names the
    # limit and the length, and the database is not the place for it.
    values = {field.name: [value for value in request.form.getlist(field.name)
                           if len(value) <= MAX_KEPT_LENGTH]
              for field in form if _keeps_value(field)}
    errors = {field.name: [str(message) for message in field.errors] for field in form
              if field.errors and not _is_csrf(field)}
    if any(_is_csrf(field) and field.errors for field in form):
        flash(EXPIRED, "error")
    # No #fragment: after loading, the browser would move the focus to the fragment's target,
    # away from the first error, which static/forms.js focuses (and so scrolls to) instead.
    to = urlsplit(to)._replace(fragment="").geturl()
    if not values and not errors:  # a button (publish, reaffirm): nothing to show again
        return redirect(to, 303)
    page = urlsplit(to).path
    token = kept_forms.keep(database, form=_name(form), page=page, values=values,
                            errors=errors, user_id=_user_id(), now=now())
    session[SESSION_KEY] = {**session.get(SESSION_KEY, {}), _name(form): [token, page]}
    return redirect(to, 303)


def restore(form: F) -> bool:
    """Fill ``form`` (built empty, for this page) with its kept values and messages, once.

    True when something was restored. Only a GET of the page the form was kept for reads it.
    """
    if request.method != "GET":
        return False
    waiting = dict(session.get(SESSION_KEY, {}))
    token, page = waiting.get(_name(form)) or (None, None)
    if token is None or page != request.path:
        return False  # kept for another page: that page reads it
    del waiting[_name(form)]
    session[SESSION_KEY] = waiting
    kept = kept_forms.take(get_session(), token, form=_name(form), page=request.path,
                           user_id=_user_id(), now=now())
    if kept is None:
        return False
    values, errors = kept
    form.process(formdata=MultiDict([(name, value) for name, raw in values.items()
                                     for value in raw]))
    for field in form:
        if field.name in errors:
            field.errors = list(errors[field.name])
    return True


def restored(form: F) -> F:
    """``form`` after ``restore``: for building a page's forms in one expression."""
    restore(form)
    return form
