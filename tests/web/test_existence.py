"""No answer tells a forecaster whether something exists that is not theirs to see: every
page and API call that takes an id answers "not there" and "not yours" alike (same status,
same message), so ids cannot be enumerated."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from forecasts.accounts import tokens
from tests.support.api import ApiClient
from tests.support.builders import T0, make_briefing, make_publication, make_question, make_user

MISSING = 987_654


@dataclass(frozen=True)
class Hidden:
    """Ids of things that exist but are not the forecaster's to see."""

    other: int  # another forecaster
    publication: int  # a publication's pseudo-forecaster
    draft: int  # an unpublished question
    token: int  # another person's API token
    briefing: int


@pytest.fixture
def hidden(session, manager) -> Hidden:  # type: ignore[no-untyped-def]
    other = make_user(session, "olga")
    token = tokens.create_token(session, other, name="olga's script", can_write=False, now=T0)
    draft = make_question(session, manager, published=False, title="Will the draft leak?")
    return Hidden(other.id, make_publication(session, "pub-wire").id, draft.id,
                  token.token.id, make_briefing(session, manager).id)


# (method, path with {id}, which hidden thing) — each tried with that thing's id and a missing id
ROUTES = [
    ("GET", "/dashboards/calibration?of=forecaster&id={id}", "other"),
    ("GET", "/dashboards/calibration?of=forecaster&id={id}", "publication"),
    ("GET", "/forecasters/{id}", "other"),
    ("GET", "/forecasters/{id}", "publication"),
    ("GET", "/questions/{id}", "draft"),
    ("POST", "/questions/{id}/forecasts", "draft"),
    ("POST", "/questions/{id}/comments", "draft"),
    ("POST", "/questions/{id}/reaffirm", "draft"),
    ("POST", "/profile/tokens/{id}/revoke", "token"),
    ("GET", "/briefings/{id}", "briefing"),
    ("GET", "/api/v1/questions/{id}", "draft"),
    ("GET", "/api/v1/questions/{id}/forecasts", "draft"),
    ("POST", "/api/v1/questions/{id}/forecasts", "draft"),
    ("GET", "/api/v1/scores/forecasters/{id}", "other"),
    ("GET", "/api/v1/scores/calibration?of=forecaster&id={id}", "other"),
    ("GET", "/api/v1/briefings/{id}", "briefing"),
]
VOLATILE = re.compile(r'(name="[\w-]*csrf_token"[^>]*value=")[^"]+|nonce-[\w+/=]+|nonce="[^"]+"')


def _answer(client, api: ApiClient, method: str, path: str, shown_id: int):  # type: ignore[no-untyped-def]
    url = path.format(id=shown_id)
    if url.startswith("/api/v1"):
        body = {"probability": 0.3} if method == "POST" else None
        response = api.call(method, url.removeprefix("/api/v1"), json=body)
    elif method == "POST":
        response = client.post(url, {"probability": "30", "comment-body": "hello"})
    else:
        response = client.get(url)
    text = VOLATILE.sub(r"\1", response.get_data(as_text=True))
    # the id where the address shows it (not every digit on the page)
    text = re.sub(rf"(?:(?<=/)|(?<=#)|(?<=id=)){shown_id}\b", "{id}", text)
    return response.status_code, text


@pytest.mark.sqlite_only  # statuses and messages, the same on every engine
@pytest.mark.parametrize(("method", "path", "thing"), ROUTES)
def test_not_there_and_not_yours_answer_alike(method, path, thing, hidden, sign_in, forecaster,
                                              app, session):
    client, api = sign_in(forecaster), ApiClient(app, session, forecaster)
    theirs = _answer(client, api, method, path, getattr(hidden, thing))
    missing = _answer(client, api, method, path, MISSING)
    assert theirs[0] in (403, 404), theirs
    assert theirs == missing


def test_a_forecaster_still_sees_their_own_calibration(sign_in, forecaster):
    own = sign_in(forecaster).get(f"/dashboards/calibration?of=forecaster&id={forecaster.id}")
    assert own.status_code == 200


def test_managers_still_learn_that_an_id_is_missing(sign_in, manager, hidden):
    client = sign_in(manager)
    assert client.get(f"/dashboards/calibration?of=forecaster&id={hidden.other}") \
        .status_code == 200
    assert client.get(f"/dashboards/calibration?of=forecaster&id={MISSING}").status_code == 404
