"""Post/Redirect/Get on errors: the form's own page, the typed text once, a reload is a GET."""

from __future__ import annotations

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from sqlmodel import func, select

from forecasts import kept_forms
from forecasts.models import Forecast
from forecasts.questions import forecasting
from tests.support.builders import T0, make_question, make_user


def _soup(response):  # type: ignore[no-untyped-def]
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_a_failed_forecast_comes_back_at_the_question_page_once(sign_in, session, manager,
                                                                forecaster):
    question = make_question(session, manager)
    analyst = sign_in(forecaster)
    page = f"/questions/{question.id}"
    shown = analyst.post_refused(f"{page}/forecasts",
                                 {"probability": "0.3", "rationale": "Strikes fade."}, page)
    soup = _soup(shown)
    field = soup.select_one("#probability")
    assert field["value"] == "0.3" and field["aria-invalid"] == "true"
    assert soup.select_one("#rationale").get_text().strip() == "Strikes fade."
    assert "Did you mean 30 %?" in soup.select_one("#probability-error").get_text()
    reloaded = _soup(analyst.get(page))  # a reload is a GET: nothing is submitted again
    assert reloaded.select_one("#probability-error") is None
    assert reloaded.select_one("#probability").get("value", "") == ""
    assert session.exec(select(func.count()).select_from(Forecast)).one() == 0
    assert session.exec(select(func.count()).select_from(kept_forms.KeptForm)).one() == 0


def test_the_form_is_prefilled_with_your_latest_forecast(sign_in, session, manager, forecaster):
    question = make_question(session, manager)
    for p, minutes in ((0.25, 0), (0.405, 5)):
        forecasting.submit_forecast(session, question, forecaster=forecaster, probability=p,
                                    now=T0 + timedelta(days=1, minutes=minutes))
    page = _soup(sign_in(forecaster).get(f"/questions/{question.id}"))
    assert page.select_one("#probability")["value"] == "40.5"
    slider = page.select_one("#probability-slider")
    assert slider["min"] == "1" and slider["max"] == "99" and slider.has_attr("hidden")


@pytest.mark.sqlite_only
def test_a_kept_form_is_read_only_by_its_user_on_its_page_before_it_expires(session, manager):
    other = make_user(session, "olga")

    def kept() -> str:
        return kept_forms.keep(session, form="ForecastForm:", page="/questions/1",
                               values={"probability": ["0.3"]},
                               errors={"probability": ["Did you mean 30 %?"]},
                               user_id=manager.id, now=T0)

    token = kept()
    assert kept_forms.take(session, token, form="ForecastForm:", page="/questions/1",
                           user_id=other.id, now=T0) is None
    assert kept_forms.take(session, token, form="ForecastForm:", page="/questions/2",
                           user_id=manager.id, now=T0) is None
    assert kept_forms.take(session, token, form="ForecastForm:", page="/questions/1",
                           user_id=manager.id, now=T0) == (
        {"probability": ["0.3"]}, {"probability": ["Did you mean 30 %?"]})
    assert kept_forms.take(session, token, form="ForecastForm:", page="/questions/1",
                           user_id=manager.id, now=T0) is None  # once
    late = kept()
    assert kept_forms.take(session, late, form="ForecastForm:", page="/questions/1",
                           user_id=manager.id, now=T0 + kept_forms.KEEP_FOR * 2) is None
    kept()
    kept_forms.keep(session, form="CloseForm:", page="/questions/1", values={}, errors={},
                    user_id=None, now=T0 + kept_forms.KEEP_FOR * 2)  # clears expired rows
    assert session.exec(select(func.count()).select_from(kept_forms.KeptForm)).one() == 1


def test_manager_errors_go_back_to_the_page_with_the_note_kept(sign_in, session, manager):
    question = make_question(session, manager)
    page = f"/questions/{question.id}"
    boss = sign_in(manager)
    shown = _soup(boss.post_refused(f"{page}/close", {"note": "The union signed."}, page))
    assert shown.select_one("#close-note").get_text().strip() == "The union signed."
    assert shown.select_one("#close-confirm")["aria-invalid"] == "true"
    unresolved = _soup(boss.post_refused(f"{page}/resolve", {"note": "Called off."}, page))
    assert "Choose YES, NO or annulled." in unresolved.select_one("#outcome-error").get_text()
    assert unresolved.select_one("#resolve-note").get_text().strip() == "Called off."
