"""Managers' webhooks page: register a receiver, see recent deliveries, remove a receiver."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, SelectMultipleField, widgets
from wtforms.validators import DataRequired, Optional

from forecasts import bounds
from forecasts.errors import DomainError
from forecasts.models import Role
from forecasts.notifications import webhooks
from web import prg
from web.database import get_session, now
from web.forms import ActionForm, text_field
from web.permissions import role_required, viewer

bp = Blueprint("webhooks", __name__)


class WebhookForm(FlaskForm):
    """A new webhook: where, which events, which format, and the shared secret."""

    url = text_field("Receiver URL (http:// or https://)", bounds.URL, DataRequired())
    events = SelectMultipleField(
        "Events", choices=[SelectChoice(k, v) for k, v in webhooks.EVENTS.items()],
        widget=widgets.ListWidget(prefix_label=False), option_widget=widgets.CheckboxInput(),
        validators=[DataRequired(message="Choose at least one event.")])
    style = SelectField("Format",
                        choices=[SelectChoice(k, v) for k, v in webhooks.STYLES.items()])
    secret = text_field("Signing secret (leave empty to generate one)", bounds.WEBHOOK_SECRET,
                        Optional())


@bp.route("/webhooks", methods=["GET", "POST"])
@role_required(Role.manager)
def index() -> ResponseReturnValue:
    """The webhooks and their latest deliveries; a generated secret is shown only once."""
    session, form, created = get_session(), WebhookForm(), None
    if form.validate_on_submit():
        try:
            created = webhooks.register(
                session, url=form.url.data or "", events=form.events.data or [],
                style=form.style.data or "", secret=form.secret.data or "", actor=viewer(),
                now=now())
        except DomainError as error:
            return prg.refuse(form, error, url_for("webhooks.index"))
    if form.is_submitted() and created is None:  # refused: back to this page, what was typed kept
        return prg.redirect_with(form, url_for("webhooks.index"))
    prg.restore(form)
    generated = created.secret if created is not None and not form.secret.data else None
    if created is not None:
        form = WebhookForm(formdata=None)
    hooks = webhooks.active(session)
    page = render_template("webhooks/index.html", form=form, created=created,
                           generated=generated, hooks=hooks,
                           urls={hook.id: hook.url for hook in hooks},
                           deliveries=webhooks.recent_deliveries(session),
                           events=webhooks.EVENTS, styles=webhooks.STYLES,
                           action_form=ActionForm())
    # A generated secret must not linger in a cache or the browser's history.
    return page, (201 if created else 200), {"Cache-Control": "no-store"}


@bp.post("/webhooks/<int(min=1, max=2147483647):webhook_id>/remove")
@role_required(Role.manager)
def remove(webhook_id: int) -> ResponseReturnValue:
    """Stop sending to a webhook; what was already delivered stays in the log."""
    hook = webhooks.remove(get_session(), webhook_id, actor=viewer(), now=now())
    flash(f"Webhook {hook.url} removed: it receives nothing more.", "success")  # CSRF checked
    return redirect(url_for("webhooks.index"))
