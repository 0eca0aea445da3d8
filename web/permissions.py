"""Role checks for views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user, login_required

from forecasts.models import Role, User

View = TypeVar("View", bound=Callable[..., Any])

# Who may, in words: roles are ordered, so each names everyone at or above it.
ONLY = {
    Role.forecaster: "Only people who forecast can do this.",
    Role.manager: "Only managers and admins can do this.",
    Role.admin: "Only admins can do this.",
}


def role_required(role: Role) -> Callable[[View], View]:
    """Signed-in users below ``role`` get 403."""

    def decorate(view: View) -> View:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.has_role(role):
                abort(403, description=ONLY[role])
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorate


def viewer() -> User:
    """The signed-in user as the domain model (views behind login_required only)."""
    return current_user._get_current_object()
