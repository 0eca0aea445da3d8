"""The API tokens page (linked from /profile): create, see and revoke personal API tokens."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length

from forecasts.accounts import tokens
from forecasts.accounts.tokens import MAX_NAME
from forecasts.errors import DomainError
from web import prg
from web.database import get_session, now
from web.forms import ActionForm
from web.permissions import viewer

bp = Blueprint("tokens", __name__)


class TokenForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=MAX_NAME)],
                       render_kw={"maxlength": MAX_NAME})
    can_write = BooleanField("Read-write (may create, forecast and resolve as you)")


@bp.route("/profile/tokens", methods=["GET", "POST"])
@login_required
def index() -> ResponseReturnValue:
    """Your tokens; a new one's secret is shown on this response only, never again."""
    session, user = get_session(), viewer()
    form, issued = TokenForm(), None
    if form.validate_on_submit():
        try:
            issued = tokens.create_token(session, user, name=form.name.data or "",
                                         can_write=bool(form.can_write.data), now=now())
        except DomainError as error:
            return prg.refuse(form, error, url_for("tokens.index"))
        form = TokenForm(formdata=None)
    if form.is_submitted() and issued is None:  # refused: back to this page, what was typed kept
        return prg.redirect_with(form, url_for("tokens.index"))
    prg.restore(form)
    everyone = tokens.all_tokens(session, user) if user.is_manager else []
    page = render_template("tokens/index.html", form=form, issued=issued,
                           mine=tokens.tokens_of(session, user), everyone=everyone,
                           action_form=ActionForm())
    # The secret must not linger in any cache or in the browser's history of pages.
    return page, (201 if issued else 200), {"Cache-Control": "no-store"}


@bp.post("/profile/tokens/<int(min=1, max=2147483647):token_id>/revoke")
@login_required
def revoke(token_id: int) -> ResponseReturnValue:
    """Revoke one of your tokens, or (managers) anyone's."""
    token = tokens.revoke_token(get_session(), token_id, actor=viewer(), now=now())
    flash(f"Token “{token.name}” revoked: it no longer works.", "success")  # CSRFProtect checked
    return redirect(url_for("tokens.index"))
