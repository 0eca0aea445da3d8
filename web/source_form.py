"""The form that sets a question's automatic resolution source (drawn on the question page,
posted to ``sources.set_source``)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField
from wtforms.validators import DataRequired, Optional

from forecasts import bounds
from forecasts.models import ResolutionSource, SourceKind
from forecasts.resolution.sources import Comparison, SourceInput
from web.forms import text_field


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


def source_form(source: ResolutionSource | None) -> SourceForm:
    """The form filled with the question's current source (blank when none is set)."""
    form = SourceForm(formdata=None)
    if source is not None:
        for name in ("kind", "url", "pointer", "value", "pattern", "pattern_is_regex",
                     "no_event_means_no", "auto_apply"):
            getattr(form, name).data = getattr(source, name)
        form.comparison.data = source.comparison.value if source.comparison else "=="
    return form
