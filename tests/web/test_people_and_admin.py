from datetime import timedelta

import pytest

from forecasts import resolution
from forecasts.accounts import people as accounts
from forecasts.models import Role
from forecasts.questions import forecasting
from tests.support.builders import T0, make_question, make_user


def test_forecaster_page_shows_brier_and_mean(sign_in, session, manager, forecaster):
    question = make_question(session, manager)
    forecasting.submit_forecast(session, question, forecaster=forecaster, probability=0.2,
                                now=T0 + timedelta(days=1))
    resolution.resolve(session, question, outcome="no", actor=manager,
                       now=question.closes_at + timedelta(days=1))
    page = sign_in(forecaster).get(f"/forecasters/{forecaster.id}").get_data(as_text=True)
    assert 'data-testid="brier">0.040' in page
    assert 'data-testid="mean-brier">0.040' in page


@pytest.mark.sqlite_only
def test_forecasters_see_only_their_own_record(sign_in, session, manager, forecaster):
    other = make_user(session, "gus")
    analyst = sign_in(forecaster)
    assert analyst.get(f"/forecasters/{other.id}").status_code == 403
    assert sign_in(manager).get(f"/forecasters/{other.id}").status_code == 200


def test_admin_creates_users_and_teams(sign_in, session, admin):
    client = sign_in(admin)
    assert client.post("/admin/teams", {"name": "Aegean desk"}).status_code == 302
    team = accounts.find_team(session, "Aegean desk")
    response = client.post("/admin/users", {"username": "zoe", "display_name": "Zoë",
                                            "password": "long-enough-1", "role": "manager",
                                            "team_id": str(team.id)})
    assert response.status_code == 302
    zoe = accounts.find_user(session, "zoe")
    assert (zoe.role, zoe.team_id) == (Role.manager, team.id)
    assert accounts.authenticate(session, "zoe", "long-enough-1") == zoe


@pytest.mark.sqlite_only
def test_admin_form_errors(sign_in, session, admin):
    client = sign_in(admin)
    response = client.post_refused("/admin/users", {"username": "zo", "password": "short",
                                                    "role": "forecaster", "team_id": "0"},
                                   "/admin/users")
    page = response.get_data(as_text=True)
    assert "at least 10 characters" in page
    assert 'value="zo"' in page and 'value="short"' not in page  # a password is never kept
    assert accounts.find_user(session, "zo") is None
    duplicate = client.post_refused("/admin/teams", {"name": " "}, "/admin/teams")
    assert 'class="error"' in duplicate.get_data(as_text=True)


def test_admin_changes_a_role(sign_in, session, admin, forecaster):
    client = sign_in(admin)
    response = client.post(f"/admin/users/{forecaster.id}",
                           {"role": "manager", "team_id": "0", "active": "y"})
    assert response.status_code == 302
    session.refresh(forecaster)
    assert forecaster.role is Role.manager


@pytest.mark.sqlite_only
def test_only_admins_manage_users(sign_in, session, manager):
    client = sign_in(manager)
    assert client.get("/admin/users").status_code == 403
    assert client.post("/admin/teams", {"name": "Sneaky"}).status_code == 403
    assert accounts.find_team(session, "Sneaky") is None
