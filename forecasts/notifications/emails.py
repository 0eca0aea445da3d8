"""Email bodies from Jinja templates: ``forecasts/notifications/templates/<kind>.txt``.

Plain text, so nothing is escaped (no HTML is sent); every moment goes through the ``when``
filter, which writes it in the recipient's time zone (``time_zone`` in the context) exactly as
the pages do (``forecasts.timezones.format_moment``).
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context
from jinja2.runtime import Context

from forecasts import messages, timezones
from forecasts.accounts import actors
from forecasts.notifications.mail import Email


@pass_context
def when(context: Context, moment: datetime | date | str | None, with_time: bool = True) -> str:
    """The moment in the recipient's zone: ``2026-11-30 01:12 +02:00``."""
    return timezones.format_moment(moment, context.get("time_zone"), with_time=with_time)


@cache
def environment() -> Environment:
    """The templates' environment: strict (a missing value is an error, not a blank)."""
    env = Environment(loader=PackageLoader("forecasts.notifications", "templates"),
                      autoescape=False,  # text/plain bodies: nothing is interpreted as markup
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.filters.update(when=when, percent=messages.percent, score=messages.score)
    env.globals.update(signature=actors.SIGNATURE, failures=messages.source_failures)
    return env


def render(template: str, *, time_zone: str | None, **context: Any) -> str:
    """The body of ``template`` (e.g. ``"reminder.txt"``) for a reader in ``time_zone``."""
    return environment().get_template(template).render(time_zone=time_zone, **context)


def email(to: str, subject: str, template: str, *, time_zone: str | None,
          **context: Any) -> Email:
    """An Email whose body is ``template`` rendered with ``context``."""
    return Email(to=to, subject=subject, body=render(template, time_zone=time_zone, **context))
