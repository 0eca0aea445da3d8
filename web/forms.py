"""WTForms forms: they parse and check shapes; the domain checks the rules."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import flash
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    Field,
    IntegerField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import URL, DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import HiddenInput

from forecasts.briefings import DraftEdit, estimative
from forecasts.errors import ValidationFailed
from forecasts.forecasting import probability_from_percent
from forecasts.models import MAX_COMMENT_LENGTH, Outcome, Role
from forecasts.questions import QuestionCreate

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def attach_errors(form: FlaskForm, error: ValidationFailed) -> None:
    """Show the domain's messages beside the fields they concern (flashed if no such field)."""
    for name, message in error.fields.items():
        field = getattr(form, name, None)
        if field is None:
            flash(message, "error")
        else:
            field.errors = [*field.errors, message]


class LoginForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired(), Length(max=40)])
    password = PasswordField("Password", validators=[DataRequired()])


class ForecastForm(FlaskForm):
    probability = StringField(
        "Your probability of YES (%)",
        validators=[InputRequired(message="Enter a number from 1 to 99.")],
        render_kw={"inputmode": "decimal", "autocomplete": "off", "placeholder": "e.g. 30"},
    )
    rationale = TextAreaField(
        "Rationale", validators=[Optional(), Length(max=10_000)],
        render_kw={"rows": 4, "placeholder": "What moved you? Evidence, base rates, signposts."},
    )

    def validate_probability(self, field: Field) -> None:
        try:
            self.parsed_probability = probability_from_percent(field.data or "")
        except ValidationFailed as error:
            raise ValidationError(error.fields["probability"]) from None


class QuestionForm(FlaskForm):
    title = StringField("Question", validators=[DataRequired(), Length(max=300)],
                        render_kw={"placeholder": "Will … before …?"})
    description = TextAreaField("Background", validators=[Optional()], render_kw={"rows": 4})
    resolution_criteria = TextAreaField(
        "Resolution criteria",
        validators=[DataRequired(message="Say exactly what counts as YES, and which source "
                                         "decides.")],
        render_kw={"rows": 4},
    )
    opens_at = DateTimeLocalField("Opens (UTC)", format=DATETIME_FORMAT,
                                  validators=[InputRequired(message="Give a date and time.")])
    closes_at = DateTimeLocalField("Closes (UTC): forecasting stops", format=DATETIME_FORMAT,
                                   validators=[InputRequired(message="Give a date and time.")])
    resolve_by = DateTimeLocalField("Resolve by (UTC)", format=DATETIME_FORMAT,
                                    validators=[InputRequired(message="Give a date and time.")])
    source_name = StringField("Source publication", validators=[Optional(), Length(max=200)])
    source_url = StringField("Source link", validators=[Optional(), URL(), Length(max=1000)])
    source_quote = TextAreaField("Quoted sentence", validators=[Optional()], render_kw={"rows": 2})
    tags = StringField("Tags (comma-separated)", validators=[Optional(), Length(max=600)],
                       render_kw={"placeholder": "Ukraine, NATO"})

    def to_domain(self) -> QuestionCreate:
        """The form's values as the domain's input (datetimes in UTC)."""
        return QuestionCreate(
            title=self.title.data.strip(),
            description=(self.description.data or "").strip(),
            resolution_criteria=self.resolution_criteria.data.strip(),
            opens_at=_utc(self.opens_at.data),
            closes_at=_utc(self.closes_at.data),
            resolve_by=_utc(self.resolve_by.data),
            source_name=(self.source_name.data or "").strip(),
            source_url=(self.source_url.data or "").strip(),
            source_quote=(self.source_quote.data or "").strip(),
            tags=[t for t in (self.tags.data or "").split(",") if t.strip()],
        )


def _utc(value: datetime) -> datetime:
    # The form labels every time as UTC, so a naive value from the browser is UTC.
    return value.replace(tzinfo=UTC)


class ResolveForm(FlaskForm):
    outcome = RadioField(
        "Outcome",
        choices=[SelectChoice(Outcome.yes.value, "YES"), SelectChoice(Outcome.no.value, "NO"),
                 SelectChoice(Outcome.annulled.value, "Annulled (not scored)")],
        validators=[InputRequired(message="Choose YES, NO or annulled.")],
    )
    note = TextAreaField("Note (evidence; required to correct a resolution)",
                         validators=[Optional(), Length(max=5000)], render_kw={"rows": 3})


class CloseForm(FlaskForm):
    note = TextAreaField("Why close early?",
                         validators=[DataRequired(message="Say why the question is closing early."),
                                     Length(max=5000)],
                         render_kw={"rows": 2})
    confirm = BooleanField(
        "I confirm: forecasting stops now for everyone",
        validators=[DataRequired(message="Tick the box to confirm the early close.")],
    )


class DismissForm(FlaskForm):
    note = TextAreaField("Why is the proposal wrong?", validators=[Optional(), Length(max=5000)],
                         render_kw={"rows": 2})


class ActionForm(FlaskForm):
    """A button that only needs its CSRF token (publish ...)."""


class UserForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired(), Length(max=40)])
    display_name = StringField("Display name", validators=[Optional(), Length(max=80)])
    email = StringField("Email", validators=[Optional(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired()])
    role = SelectField("Role", choices=[SelectChoice(r.value) for r in Role],
                       default=Role.forecaster.value)
    team_id = SelectField("Team", coerce=int, default=0)


class UserUpdateForm(FlaskForm):
    role = SelectField("Role", choices=[SelectChoice(r.value) for r in Role])
    team_id = SelectField("Team", coerce=int)
    active = BooleanField("Active")
    email = StringField("Email", validators=[Optional(), Length(max=254)])


class TeamForm(FlaskForm):
    name = StringField("Team name", validators=[DataRequired(), Length(max=80)])


# --- Briefing import ---------------------------------------------------------------


class BriefingImportForm(FlaskForm):
    text = TextAreaField("Paste the briefing", validators=[Optional()],
                         render_kw={"rows": 12, "placeholder": "Source: …"})
    upload = FileField("…or upload it (.txt, .md or .html)",
                       validators=[FileAllowed(["txt", "md", "html", "htm"],
                                               "Upload a .txt, .md or .html file.")])
    publication = StringField(
        "Publication (pick one or type a new name)", validators=[Optional(), Length(max=200)],
        render_kw={"placeholder": "Empty: the name the briefing gives (footer, masthead)",
                   "list": "publication-names", "maxlength": 200})
    published = DateField("Published on", validators=[InputRequired(message="Give a date.")])
    yardstick = SelectField(
        "Yardstick", default=estimative.DEFAULT_YARDSTICK,
        choices=[SelectChoice(name, scale.title) for name, scale in estimative.YARDSTICKS.items()],
    )

    def briefing(self) -> str | bytes:
        """The pasted text or the uploaded bytes; raises ValidationFailed for neither or both."""
        pasted = self.text.data or ""
        upload = self.upload.data
        has_file = upload is not None and bool(upload.filename)
        if has_file and pasted.strip():
            raise ValidationFailed({"text": "Paste the briefing or upload a file, not both."})
        if has_file:
            # MAX_CONTENT_LENGTH caps the request, so the parser can name the file's real size.
            return upload.read()  # type: ignore[no-any-return]
        if not pasted.strip():
            raise ValidationFailed({"text": "Paste the briefing's text or upload a file."})
        return pasted


class DraftForm(FlaskForm):
    title = StringField("Question", validators=[Optional(), Length(max=300)])
    resolution_criteria = TextAreaField("Resolution criteria", validators=[Optional()],
                                        render_kw={"rows": 4})
    closes_at = DateTimeLocalField("Closes (UTC)", format=DATETIME_FORMAT,
                                   validators=[InputRequired(message="Give a date and time.")])
    resolve_by = DateTimeLocalField("Resolve by (UTC)", format=DATETIME_FORMAT,
                                    validators=[InputRequired(message="Give a date and time.")])
    # No Optional(): it would skip validate_probability, which also reads a blank as "none".
    probability = StringField("Probability (%)",
                              render_kw={"inputmode": "decimal", "autocomplete": "off"})
    tags = StringField("Tags (comma-separated)", validators=[Optional(), Length(max=600)])

    def validate_probability(self, field: Field) -> None:
        self.parsed_probability = None
        if (field.data or "").strip():
            try:
                self.parsed_probability = probability_from_percent(field.data)
            except ValidationFailed as error:
                raise ValidationError(error.fields["probability"]) from None

    def to_edit(self) -> DraftEdit:
        """The form's values as the domain's input (datetimes in UTC)."""
        return DraftEdit(
            title=(self.title.data or "").strip(),
            resolution_criteria=(self.resolution_criteria.data or "").strip(),
            closes_at=_utc(self.closes_at.data),
            resolve_by=_utc(self.resolve_by.data),
            probability=self.parsed_probability,
            tags=[t for t in (self.tags.data or "").split(",") if t.strip()],
        )


class PromoteForm(FlaskForm):
    sentence_index = IntegerField(validators=[InputRequired()], widget=HiddenInput())


class PublicationForm(FlaskForm):
    """Credit a briefing to another publication, picked by name or alias, or new."""

    name = StringField("Publication", validators=[InputRequired(message="Name the publication."),
                                                  Length(max=200)],
                       render_kw={"list": "publication-names", "maxlength": 200})


# --- Discussion and reopening (web/discussion.py, web/questions.py) ---------------------

_TOO_LONG = f"Keep it to {MAX_COMMENT_LENGTH:,} characters."


class CommentForm(FlaskForm):
    """A comment, or a request for a clarification (prefixed: ids stay unique on the page)."""

    body = TextAreaField("Comment", validators=[
        DataRequired(message="Write something first."),
        Length(max=MAX_COMMENT_LENGTH, message=_TOO_LONG)], render_kw={"rows": 3})
    request = BooleanField("Ask the managers to clarify the question")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, prefix="comment", **kwargs)


class ClarificationForm(FlaskForm):
    body = TextAreaField("Clarification (pinned, and emailed to everyone who has forecast)",
                         validators=[DataRequired(message="Write the clarification first."),
                                     Length(max=MAX_COMMENT_LENGTH, message=_TOO_LONG)],
                         render_kw={"rows": 3})

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, prefix="clarify", **kwargs)


class ShareForm(FlaskForm):
    forecast_id = SelectField("Rationale of your forecast", coerce=int, validate_choice=False)

    def validate_forecast_id(self, field: Field) -> None:
        if field.data not in {choice[0] for choice in field.choices or []}:
            raise ValidationError("Choose one of your own forecasts that has a rationale "
                                  "not shared yet.")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, prefix="share", **kwargs)


class ReopenForm(FlaskForm):
    note = TextAreaField("Why reopen?", validators=[
        DataRequired(message="Say why the question is reopening."), Length(max=5000)],
        render_kw={"rows": 2})

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, prefix="reopen", **kwargs)
