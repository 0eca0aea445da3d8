"""WTForms forms: they parse and check shapes; the domain checks the rules."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    Field,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import URL, DataRequired, InputRequired, Optional, ValidationError
from wtforms.widgets import HiddenInput

from forecasts import bounds
from forecasts.briefings import MAX_BRIEFING_BYTES, DraftEdit, estimative
from forecasts.errors import ValidationFailed
from forecasts.messages import sentences
from forecasts.models import Outcome, Role
from forecasts.questions.catalog import QuestionCreate
from forecasts.questions.forecasting import probability_from_percent
from web.prg import EXPIRED as CSRF_EXPIRED

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def form_messages(form: FlaskForm, *, lead: str = "") -> str:
    """The form's error messages as sentences, after an optional lead sentence.

    The one formatter (``forecasts.messages.sentences``) that domain errors use too; a stale
    CSRF token reads as the expired form it is.
    """
    found = [CSRF_EXPIRED if name == "csrf_token" else message
             for name, errors in form.errors.items() for message in errors
             if isinstance(message, str)]
    return sentences(found, lead=lead)


# --- Bounds: every field takes its limit from forecasts.bounds, shown beside it ------------


class Bounded:
    """The field's text within its ``bounds.TextLimit``: length and control characters.

    Sets ``maxlength`` on the input (WTForms renders validators' field flags as attributes).
    """

    def __init__(self, limit: bounds.TextLimit) -> None:
        self.limit = limit
        self.field_flags = {"maxlength": limit.max_length}

    def __call__(self, form: FlaskForm, field: Field) -> None:
        problem = self.limit.problem(field.data or "")
        if problem:
            raise ValidationError(problem)


def text_field(label: str, limit: bounds.TextLimit, *validators: object,
               **kwargs: object) -> StringField:
    """A text box (a text area when the limit is multi-line) bounded by ``limit``.

    The limit's hint ("at most 300 characters") is the field's description, shown beside it.
    """
    kind = TextAreaField if limit.multiline else StringField
    return kind(label, validators=[*validators, Bounded(limit)], description=limit.hint,
                **kwargs)


class InDateRange:
    """A date typed in ASCII digits, from 1970-01-01 to 2200-12-31 (``bounds``)."""

    def __init__(self, *, with_time: bool) -> None:
        suffix = ("T00:00", "T23:59") if with_time else ("", "")
        self.field_flags = {"min": bounds.FIRST_DAY.isoformat() + suffix[0],
                            "max": bounds.LAST_DAY.isoformat() + suffix[1]}

    def __call__(self, form: FlaskForm, field: Field) -> None:
        if not all(raw.isascii() for raw in field.raw_data or []):
            raise ValidationError("Write the date with the digits 0–9.")
        problem = bounds.day_problem(field.data) if field.data is not None else None
        if problem:
            raise ValidationError(problem)


def date_time_field(label: str, message: str = "Give a date and time.") -> DateTimeLocalField:
    """A UTC date and time within the bounds."""
    return DateTimeLocalField(label, format=DATETIME_FORMAT,
                              validators=[InputRequired(message=message),
                                          InDateRange(with_time=True)])


class WholeField(StringField):
    """A whole number in ASCII digits from ``low`` to ``high``; ``data`` is an int or None."""

    data: Any  # as WTForms' own fields: an int once processed, None when blank or refused

    def __init__(self, label: str | None = None, validators: object = None, *, low: int,
                 high: int, message: str | None = None, **kwargs: object) -> None:
        super().__init__(label, validators, **kwargs)
        self.low, self.high = low, high
        # A field whose range is a rule of the domain states that rule, not the number bound.
        self.message = message or f"Give a whole number from {low} to {high}, in the digits 0–9."

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = None
        if not valuelist or not valuelist[0].strip():
            return
        try:
            self.data = bounds.parse_whole(valuelist[0], low=self.low, high=self.high,
                                           name="it")
        except bounds.OutOfBounds:
            raise ValueError(self.message) from None

    def _value(self) -> str:
        if self.data is not None:
            return str(self.data)
        return self.raw_data[0] if self.raw_data else ""


def row_id_choice(value: object) -> int:
    """``coerce`` for a select of rows (0 meaning none): ASCII digits only, within the id bound."""
    if isinstance(value, int):
        return value
    return bounds.parse_whole(str(value), low=0, high=bounds.ID_MAX, name="choice")


class LoginForm(FlaskForm):
    username = text_field("Username", bounds.USERNAME, DataRequired())
    password = PasswordField("Password", validators=[DataRequired(), Bounded(bounds.PASSWORD)],
                             description=bounds.PASSWORD.hint)


class ForecastForm(FlaskForm):
    probability = StringField(
        "Your probability of YES (%)",
        validators=[InputRequired(message="Enter a number from 1 to 99.")],
        render_kw={"inputmode": "decimal", "autocomplete": "off", "placeholder": "e.g. 30"},
    )
    rationale = text_field(
        "Rationale", bounds.RATIONALE, Optional(),
        render_kw={"rows": 4, "placeholder": "What moved you? Evidence, base rates, signposts."},
    )

    def validate_probability(self, field: Field) -> None:
        try:
            self.parsed_probability = probability_from_percent(field.data or "")
        except ValidationFailed as error:
            raise ValidationError(error.fields["probability"]) from None


class QuestionForm(FlaskForm):
    title = text_field("Question", bounds.TITLE, DataRequired(),
                       render_kw={"placeholder": "Will … before …?"})
    description = text_field("Background", bounds.DESCRIPTION, Optional(), render_kw={"rows": 4})
    resolution_criteria = text_field(
        "Resolution criteria", bounds.CRITERIA,
        DataRequired(message="Say exactly what counts as YES, and which source decides."),
        render_kw={"rows": 4},
    )
    opens_at = date_time_field("Opens (UTC)")
    closes_at = date_time_field("Closes (UTC): forecasting stops")
    resolve_by = date_time_field("Resolve by (UTC)")
    source_name = text_field("Source publication", bounds.SOURCE_NAME, Optional())
    source_url = text_field("Source link", bounds.URL, Optional(), URL())
    source_quote = text_field("Quoted sentence", bounds.QUOTE, Optional(), render_kw={"rows": 2})
    tags = text_field("Tags (comma-separated)", bounds.TAGS, Optional(),
                      render_kw={"placeholder": "Ukraine, NATO"})
    # shown only beside a duplicate warning (forecasts/questions/duplicates.py)
    save_anyway = BooleanField("It is a different question: save it anyway")

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
    # ids named per form: several notes share the question page, and ids must stay unique
    note = text_field("Note (evidence; required to correct a resolution)", bounds.NOTE,
                      Optional(), render_kw={"rows": 3}, id="resolve-note")


class CloseForm(FlaskForm):
    note = text_field("Why close early?", bounds.NOTE,
                      DataRequired(message="Say why the question is closing early."),
                      render_kw={"rows": 2}, id="close-note")
    confirm = BooleanField(
        "I confirm: forecasting stops now for everyone",
        validators=[DataRequired(message="Tick the box to confirm the early close.")],
        id="close-confirm",
    )


class DismissForm(FlaskForm):
    note = text_field("Why is the proposal wrong?", bounds.NOTE, Optional(),
                      render_kw={"rows": 2}, id="dismiss-note")


class ActionForm(FlaskForm):
    """A button that only needs its CSRF token (publish ...)."""


class UserForm(FlaskForm):
    username = text_field("Username", bounds.USERNAME, DataRequired())
    display_name = text_field("Display name", bounds.DISPLAY_NAME, Optional())
    email = text_field("Email", bounds.EMAIL, Optional())
    password = PasswordField("Password", validators=[DataRequired(), Bounded(bounds.PASSWORD)],
                             description=bounds.PASSWORD.hint)
    role = SelectField("Role", choices=[SelectChoice(r.value) for r in Role],
                       default=Role.forecaster.value)
    team_id = SelectField("Team", coerce=row_id_choice, default=0)


class UserUpdateForm(FlaskForm):
    role = SelectField("Role", choices=[SelectChoice(r.value) for r in Role])
    team_id = SelectField("Team", coerce=row_id_choice)
    active = BooleanField("Active")
    email = text_field("Email", bounds.EMAIL, Optional())


class TeamForm(FlaskForm):
    name = text_field("Team name", bounds.TEAM_NAME, DataRequired())


# --- Briefing import ---------------------------------------------------------------


class BriefingImportForm(FlaskForm):
    text = text_field("Paste the briefing", bounds.BRIEFING_TEXT, Optional(),
                      render_kw={"rows": 12, "placeholder": "Source: …"})
    upload = FileField("…or upload it (.txt, .md or .html)",
                       validators=[FileAllowed(["txt", "md", "html", "htm"],
                                               "Upload a .txt, .md or .html file.")],
                       # Both limits bind pasted text too; the domain enforces them (bounds.py).
                       description=f"at most {MAX_BRIEFING_BYTES // 1024 // 1024} MB and "
                                   f"{bounds.BRIEFING_DRAFTS_HINT}")
    publication = text_field(
        "Publication (pick one or type a new name)", bounds.PUBLICATION, Optional(),
        render_kw={"placeholder": "Empty: the name the briefing gives (footer, masthead)",
                   "list": "publication-names"})
    published = DateField("Published on", validators=[InputRequired(message="Give a date."),
                                                      InDateRange(with_time=False)])
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
            return upload.read()
        if not pasted.strip():
            raise ValidationFailed({"text": "Paste the briefing's text or upload a file."})
        return pasted


class DraftForm(FlaskForm):
    title = text_field("Question", bounds.TITLE, Optional())
    resolution_criteria = text_field("Resolution criteria", bounds.CRITERIA, Optional(),
                                     render_kw={"rows": 4})
    closes_at = date_time_field("Closes (UTC)")
    resolve_by = date_time_field("Resolve by (UTC)")
    # No Optional(): it would skip validate_probability, which also reads a blank as "none".
    probability = StringField("Probability (%)",
                              render_kw={"inputmode": "decimal", "autocomplete": "off"})
    tags = text_field("Tags (comma-separated)", bounds.TAGS, Optional())

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
    sentence_index = WholeField(validators=[InputRequired()], widget=HiddenInput(), low=0,
                                high=bounds.ID_MAX)


class PublicationForm(FlaskForm):
    """Credit a briefing to another publication, picked by name or alias, or new."""

    name = text_field("Publication", bounds.PUBLICATION,
                      InputRequired(message="Name the publication."),
                      render_kw={"list": "publication-names"})


# --- Discussion and reopening (web/discussion.py, web/questions.py) ---------------------

class CommentForm(FlaskForm):
    """A comment, or a request for a clarification (prefixed: ids stay unique on the page)."""

    body = text_field("Comment", bounds.COMMENT, DataRequired(message="Write something first."),
                      render_kw={"rows": 3})
    request = BooleanField("Ask the managers to clarify the question")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, prefix="comment", **kwargs)


class ClarificationForm(FlaskForm):
    body = text_field("Clarification (pinned, and emailed to everyone who has forecast)",
                      bounds.COMMENT, DataRequired(message="Write the clarification first."),
                      render_kw={"rows": 3})

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, prefix="clarify", **kwargs)


class ShareForm(FlaskForm):
    forecast_id = SelectField("Rationale of your forecast", coerce=row_id_choice,
                              validate_choice=False)

    def validate_forecast_id(self, field: Field) -> None:
        if field.data not in {choice[0] for choice in field.choices or []}:
            raise ValidationError("Choose one of your own forecasts that has a rationale "
                                  "not shared yet.")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, prefix="share", **kwargs)


class ReopenForm(FlaskForm):
    note = text_field("Why reopen?", bounds.NOTE,
                      DataRequired(message="Say why the question is reopening."),
                      render_kw={"rows": 2})

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, prefix="reopen", **kwargs)
