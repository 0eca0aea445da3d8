import pytest

from forecasts.accounts import people as accounts
from forecasts.errors import Conflict, ValidationFailed
from forecasts.models import Role
from tests.support.builders import T0


def test_passwords_are_hashed_and_checked(session):
    user = accounts.create_user(session, username="Nadia", password="long-enough-1",
                                role="manager", now=T0)
    assert user.username == "nadia"
    assert "long-enough-1" not in user.password_hash
    assert accounts.authenticate(session, "nadia", "long-enough-1") == user
    assert accounts.authenticate(session, "nadia", "wrong-password") is None
    assert accounts.authenticate(session, "nobody", "long-enough-1") is None


def test_inactive_users_cannot_sign_in(session):
    user = accounts.create_user(session, username="omar", password="long-enough-1", now=T0)
    accounts.update_user(session, user, role=Role.forecaster, team=None, active=False)
    assert accounts.authenticate(session, "omar", "long-enough-1") is None


@pytest.mark.parametrize(
    ("username", "password", "role", "field"),
    [("x", "long-enough-1", "forecaster", "username"),
     ("has space", "long-enough-1", "forecaster", "username"),
     ("pia", "short", "forecaster", "password"),
     ("pia", "long-enough-1", "emperor", "role")],
)
def test_bad_users_are_refused(session, username, password, role, field):
    with pytest.raises(ValidationFailed) as refused:
        accounts.create_user(session, username=username, password=password, role=role, now=T0)
    assert field in refused.value.fields
    assert accounts.list_users(session) == []


def test_names_are_unique(session):
    team = accounts.create_team(session, "Europe  desk", now=T0)
    assert team.name == "Europe desk"
    with pytest.raises(Conflict):
        accounts.create_team(session, "Europe desk", now=T0)
    accounts.create_user(session, username="rui", password="long-enough-1", team=team, now=T0)
    with pytest.raises(Conflict):
        accounts.create_user(session, username="RUI", password="long-enough-1", now=T0)
