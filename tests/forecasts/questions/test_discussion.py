"""The discussion: who sees what when, rationales, requests, clarifications and their limits."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import select

from forecasts.accounts import profile
from forecasts.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from forecasts.models import MAX_COMMENT_LENGTH, Comment, CommentKind
from forecasts.questions import discussion, forecasting
from tests.support.builders import T0, make_forecasts, make_question, make_user

NOW = T0 + timedelta(days=10)


def _forecast(session, question, person, probability, rationale="", days=1):  # type: ignore[no-untyped-def]
    return forecasting.submit_forecast(session, question, forecaster=person,
                                       probability=probability, rationale=rationale,
                                       now=T0 + timedelta(days=days))


def test_others_posts_stay_hidden_until_the_viewers_first_forecast(session, manager, forecaster):
    question = make_question(session, manager)
    gus = make_user(session, "gus")
    _forecast(session, question, gus, 0.7, "Ceasefire talks collapsed twice.")
    discussion.post_comment(session, question, author=gus, body="Watch the port strikes.",
                            now=NOW)
    before = discussion.thread(session, question, forecaster, NOW)
    assert (before.open, before.posts, before.hidden) == (False, [], 1)

    _forecast(session, question, forecaster, 0.4, days=2)
    after = discussion.thread(session, question, forecaster, NOW)
    assert after.open and [p.text for p in after.posts] == ["Watch the port strikes."]
    assert discussion.thread(session, question, manager, NOW).open  # managers always see


def test_commenting_waits_for_a_forecast_but_a_request_does_not(session, manager, forecaster):
    question = make_question(session, manager)
    with pytest.raises(NotAllowed, match="forecast first"):
        discussion.post_comment(session, question, author=forecaster, body="Too soon?", now=NOW)
    request = discussion.post_comment(session, question, author=forecaster, request=True,
                                      body="Does a partial strike count?", now=NOW)
    assert request.kind is CommentKind.request
    own = discussion.thread(session, question, forecaster, NOW)
    assert [p.text for p in own.posts] == ["Does a partial strike count?"]  # their own, still
    assert discussion.thread(session, question, manager, NOW).requests_waiting == 1
    discussion.post_clarification(session, question, author=manager, now=NOW,
                                  body="A partial strike counts if the union calls it one.")
    assert discussion.thread(session, question, manager, NOW).requests_waiting == 0


def test_clarifications_are_pinned_for_everyone_newest_first(session, manager, forecaster):
    question = make_question(session, manager)
    for day, text in ((1, "Strikes by the port union do not count."), (2, "Times are UTC.")):
        discussion.post_clarification(session, question, author=manager, body=text,
                                      now=T0 + timedelta(days=day))
    pinned = discussion.thread(session, question, forecaster, NOW).clarifications
    assert [p.text for p in pinned] == ["Times are UTC.", "Strikes by the port union do not count."]
    with pytest.raises(NotAllowed):
        discussion.post_clarification(session, question, author=forecaster, body="x", now=NOW)


def test_a_shared_rationale_shows_with_its_forecast_once(session, manager, forecaster):
    question = make_question(session, manager)
    first = _forecast(session, question, forecaster, 0.3, "Base rate: strikes end in 10 days.")
    _forecast(session, question, forecaster, 0.25, days=2)  # no rationale: nothing to share
    assert [f.id for f in discussion.thread(session, question, forecaster, NOW).shareable] == [
        first.id]
    discussion.share_rationale(session, question, forecaster=forecaster, forecast_id=first.id,
                               now=NOW)
    view = discussion.thread(session, question, manager, NOW)
    [post] = view.posts
    assert (post.kind, post.text, post.probability) == (
        CommentKind.rationale, "Base rate: strikes end in 10 days.", 0.3)
    assert discussion.thread(session, question, forecaster, NOW).shareable == []
    with pytest.raises(Conflict, match="already"):
        discussion.share_rationale(session, question, forecaster=forecaster,
                                   forecast_id=first.id, now=NOW)


def test_nobody_shares_someone_elses_rationale(session, manager, forecaster):
    question = make_question(session, manager)
    gus = make_user(session, "gus")
    theirs = _forecast(session, question, gus, 0.6, "Private reasoning.")
    with pytest.raises(NotFound):
        discussion.share_rationale(session, question, forecaster=forecaster,
                                   forecast_id=theirs.id, now=NOW)
    assert session.exec(select(Comment)).all() == []


@pytest.mark.parametrize("body", ["", "   \n ", "x" * (MAX_COMMENT_LENGTH + 1)])
def test_empty_or_over_long_text_is_refused_and_nothing_stored(session, manager, body):
    question = make_question(session, manager)
    with pytest.raises(ValidationFailed) as refused:
        discussion.post_comment(session, question, author=manager, body=body, now=NOW)
    assert "body" in refused.value.fields
    assert session.exec(select(Comment)).all() == []


def test_the_database_enforces_the_length_limit_too(session, manager):
    question = make_question(session, manager)
    session.add(Comment(question_id=question.id, author_id=manager.id, kind=CommentKind.comment,
                        body="y" * (MAX_COMMENT_LENGTH + 1), created_at=NOW))
    with pytest.raises(sa.exc.IntegrityError):
        session.commit()


def test_drafts_have_no_discussion(session, manager):
    draft = make_question(session, manager, published=False)
    with pytest.raises(Conflict):
        discussion.post_clarification(session, draft, author=manager, body="x", now=NOW)


def test_a_clarification_goes_to_those_who_had_forecast(session, manager, forecaster):
    question = make_question(session, manager)
    late, silent = make_user(session, "lena"), make_user(session, "sol")
    for person, address in ((forecaster, "finn@example.org"), (late, "lena@example.org"),
                            (silent, "sol@example.org")):
        profile.set_email(session, person, address)
    _forecast(session, question, forecaster, 0.3)
    clarification = discussion.post_clarification(session, question, author=manager,
                                                  body="Times are UTC.", now=NOW)
    _forecast(session, question, late, 0.5, days=11)
    assert [u.username for u in discussion.recipients(session, clarification)] == ["finn"]


def test_a_long_thread_and_many_rationales_are_bounded_when_the_page_asks(
        session, manager, forecaster):
    question = make_question(session, manager)
    make_forecasts(session, question, forecaster, 30, rationale="Shipping data again.")
    session.execute(sa.insert(Comment), [
        {"question_id": question.id, "author_id": forecaster.id, "kind": CommentKind.comment,
         "body": f"Note {i}", "created_at": T0 + timedelta(days=1, minutes=i)}
        for i in range(250)])
    session.commit()
    page = discussion.thread(session, question, forecaster, NOW, shareable_limit=10,
                             posts_limit=100)
    assert page.posts_total == 250
    assert [p.text for p in page.posts] == [f"Note {i}" for i in range(150, 250)]  # the newest
    assert len(page.shareable) == 10 and page.more_shareable
    assert page.shareable[0].created_at > page.shareable[-1].created_at  # newest first
    whole = discussion.thread(session, question, forecaster, NOW)
    assert len(whole.posts) == whole.posts_total == 250
    assert len(whole.shareable) == 30 and not whole.more_shareable
