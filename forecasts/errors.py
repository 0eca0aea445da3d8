"""What the domain raises when it refuses a request; each message is written for the user."""

from __future__ import annotations

from forecasts.messages import sentences


class DomainError(Exception):
    """A refused request. ``str(error)`` is safe to show to the user."""


class ValidationFailed(DomainError):
    """Input that breaks a rule; ``fields`` maps a field name to its message.

    ``str(error)`` is the messages as sentences (``forecasts.messages``): each message is
    written to stand alone, so the field names, meant for forms, are not shown.
    """

    def __init__(self, fields: dict[str, str]) -> None:
        self.fields = fields
        super().__init__(sentences(fields.values()))


class NotAllowed(DomainError):
    """The user's role does not permit this."""


class NotFound(DomainError):
    """No such thing, or not visible to this user."""


class Conflict(DomainError):
    """The thing's current state forbids this (a closed question, a duplicate name ...)."""
