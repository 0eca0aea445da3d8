"""Role checks for views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user, login_required

from forecasts.models import Role, User

View = TypeVar("View", bound=Callable[..., Any])


def role_required(role: Role) -> Callable[[View], View]:
    """Signed-in users below ``role`` get 403."""

    def decorate(view: View) -> View:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.has_role(role):
                abort(403, description=f"Only a {role.value} or above can do this.")
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorate


def viewer() -> User:
    """The signed-in user as the domain model (views behind login_required only)."""
    return current_user._get_current_object()
