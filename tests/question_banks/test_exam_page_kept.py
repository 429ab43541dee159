"""The exam page's cards kept per paper (question_banks/services/exam_page.py) and the page
answered without the session for the holder of its exam pass (views/exams.py's
_page_with_pass): the same bytes as the page rendered anew, only the holder's own paper,
and the page rendered as before once something is answered or flagged."""

import datetime as dt
import json
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone

from question_banks.models import Attempt, AttemptPage, Candidate
from question_banks.services.attempts import answers_close_at, session_predraw
from question_banks.services.exam_pass import attempt_scope, issue_pass
from question_banks.views.exams import PASS_COOKIE
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# What differs between two views of one page: the CSRF token's mask and the server's clock.
_PER_REQUEST = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|data-server-now="[^"]+"')


def url(attempt: Attempt) -> str:
    return f"/exams/attempt/{attempt.pk}/"


def html(response) -> str:
    assert response.status_code == 200, response
    return _PER_REQUEST.sub("", response.content.decode())


def with_pass(attempt: Attempt, value: str | None = None) -> Client:
    """A browser holding no session, only an exam pass cookie for this attempt's page."""
    browser = Client()
    browser.cookies[PASS_COOKIE] = value or pass_of(attempt)
    return browser


def pass_of(attempt: Attempt, *, person_id=None, scope=None, until=None) -> str:
    return issue_pass(
        scope=scope or attempt_scope(attempt.pk),
        person_id=person_id or attempt.person_id,
        valid_until=until or answers_close_at(attempt),
    )


def save(client: Client, attempt: Attempt, entry: dict) -> None:
    body = {"client": "tab-1", "answers": [{"seq": 1, **entry}]}
    response = client.post(
        f"/api/attempts/{attempt.pk}/answers", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 200, response.content


@pytest.fixture
def predrawn(examinee, session):
    """The trainee's paper drawn ahead (its cards kept then) and started from the session
    page: the browser holds the session and the pass cookie the start set."""
    session_predraw(session=session)
    assert AttemptPage.objects.filter(attempt__session=session).count() == 1
    response = examinee.post(f"/exams/session/{session.code}/", {"client": "tab-1"})
    assert response.status_code == 302
    return Attempt.objects.get(session=session, status="in_progress")


@pytest.fixture
def other(world, session):
    """Another examinee of the session, started in their own browser."""
    Candidate.objects.create(session=session, person=world.person_b)
    browser = Client()
    browser.force_login(UserFactory(username=world.person_b.id_number, person=world.person_b))
    assert browser.post(f"/exams/session/{session.code}/", {"client": "tab-b"}).status_code == 302
    return browser, Attempt.objects.get(session=session, person=world.person_b)


# ---------------------------------------------------------------- the same page


def test_the_kept_cards_make_the_same_page_as_cards_rendered_anew(examinee, predrawn, world):
    kept = examinee.get(url(predrawn))  # through the lane: the pass cookie, kept cards
    AttemptPage.objects.filter(attempt=predrawn).delete()
    examinee.cookies.pop(PASS_COOKIE)
    rendered = examinee.get(url(predrawn))  # through the session, rendered anew
    assert html(kept) == html(rendered)  # the pass too: the cookie's is the page's
    assert world.person_a.name in html(kept)
    # Rendered anew with nothing answered: kept for the next view, the same again.
    assert AttemptPage.objects.filter(attempt=predrawn).exists()
    assert html(examinee.get(url(predrawn))) == html(rendered)


def test_a_paper_drawn_at_its_start_is_kept_at_its_first_view(examinee, started_attempt):
    assert not AttemptPage.objects.filter(attempt=started_attempt).exists()
    first = examinee.get(url(started_attempt))
    assert AttemptPage.objects.get(attempt=started_attempt).language == "zh-hans"
    assert html(examinee.get(url(started_attempt))) == html(first)


def test_the_lane_answers_a_started_paper_in_one_statement_without_the_session(
    examinee, predrawn, django_assert_num_queries
):
    browser = with_pass(predrawn)
    with django_assert_num_queries(1):
        response = browser.get(url(predrawn))
    assert response.status_code == 200
    assert "Cookie" in response["Vary"]
    # The page's forms get a CSRF token: of a cookie set now for a browser without one.
    assert settings.CSRF_COOKIE_NAME in response.cookies


def test_another_language_is_rendered_for_that_language(examinee, predrawn):
    english = examinee.get(url(predrawn), HTTP_ACCEPT_LANGUAGE="en")
    assert 'lang="en"' in english.content.decode()
    assert "Flag for review" in english.content.decode()
    assert AttemptPage.objects.get(attempt=predrawn).language == "zh-hans"


def test_the_page_is_gzipped_through_the_lane(predrawn):
    import gzip

    response = with_pass(predrawn).get(url(predrawn), HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert "data-pass=" in gzip.decompress(response.content).decode()


# ---------------------------------------------------------------- answers and flags


def test_after_an_answer_the_page_is_rendered_with_it(examinee, predrawn):
    item = predrawn.items.get(position=1)
    save(examinee, predrawn, {"position": 1, "answer": [item.option_order[0]]})
    # The pass alone no longer shows the page (no session: sign in)...
    assert with_pass(predrawn).get(url(predrawn)).status_code == 302
    # ...the session does, with the answer ticked and its cell marked.
    page = examinee.get(url(predrawn)).content.decode()
    assert f'name="q1" value="{item.option_order[0]}" checked' in page
    assert 'class="cell answered" data-goto="1"' in page


def test_after_a_flag_the_page_is_rendered_with_it(examinee, predrawn):
    save(examinee, predrawn, {"position": 2, "answer": None, "flagged": True})
    assert with_pass(predrawn).get(url(predrawn)).status_code == 302
    page = examinee.get(url(predrawn)).content.decode()
    assert 'class="cell flagged" data-goto="2"' in page


# ---------------------------------------------------------------- only one's own paper


def test_a_signed_out_examinee_with_the_pass_gets_their_own_page(predrawn, world):
    page = with_pass(predrawn).get(url(predrawn))
    assert page.status_code == 200
    assert world.person_a.name in page.content.decode()
    assert f'data-attempt="{predrawn.pk}"' in page.content.decode()


def _refused(response, world) -> None:
    """Fell to the view: sign in (no session), nobody's paper shown."""
    assert response.status_code == 302 and "/login" in response["Location"]
    assert world.person_a.name not in response.content.decode()


def test_another_examinees_pass_opens_not_my_paper(predrawn, other, world):
    _, theirs = other
    _refused(with_pass(predrawn, pass_of(theirs)).get(url(predrawn)), world)


def test_a_forged_pass_opens_nothing(predrawn, world):
    value = pass_of(predrawn)
    _refused(with_pass(predrawn, value[:-2] + "xx").get(url(predrawn)), world)
    forged = value.replace(f"|{predrawn.person_id}|", f"|{predrawn.person_id + 1}|")
    _refused(with_pass(predrawn, forged).get(url(predrawn)), world)


def test_an_expired_pass_opens_nothing(predrawn, world):
    gone = pass_of(predrawn, until=timezone.now() - dt.timedelta(seconds=5))
    _refused(with_pass(predrawn, gone).get(url(predrawn)), world)


def test_a_pass_of_another_paper_opens_nothing(predrawn, world):
    _refused(
        with_pass(predrawn, pass_of(predrawn, scope=attempt_scope(predrawn.pk + 1))).get(
            url(predrawn)
        ),
        world,
    )


def test_a_pass_naming_another_person_opens_nothing(predrawn, other, world):
    """Signed rightly for this paper's page but naming someone else: the statement reads
    only the named person's attempt."""
    _, theirs = other
    _refused(
        with_pass(predrawn, pass_of(predrawn, person_id=theirs.person_id)).get(url(predrawn)), world
    )


def test_a_finished_paper_falls_to_the_view(examinee, predrawn, world):
    Attempt.objects.filter(pk=predrawn.pk).update(status=Attempt.Status.SUBMITTED)
    _refused(with_pass(predrawn).get(url(predrawn)), world)
    assert examinee.get(url(predrawn))["Location"].endswith(f"/exams/attempt/{predrawn.pk}/result/")


def test_an_overdue_paper_falls_to_the_view(examinee, predrawn, world):
    Attempt.objects.filter(pk=predrawn.pk).update(deadline=timezone.now() - dt.timedelta(seconds=1))
    _refused(with_pass(predrawn).get(url(predrawn)), world)


def test_a_message_waiting_goes_to_the_view(examinee, predrawn):
    """A take-over's "you continue here" is shown by the view, which reads the messages."""
    response = examinee.post(f"/exams/attempt/{predrawn.pk}/take-over/", {"client": "tab-2"})
    assert response.status_code == 302
    page = examinee.get(url(predrawn)).content.decode()
    assert 'data-client="tab-2"' in page
    assert 'class="messages' in page or "message" in page


# ---------------------------------------------------------------- the cookie


def _pass_cookie(response, attempt: Attempt):
    cookie = response.cookies[PASS_COOKIE]
    assert cookie["path"] == url(attempt)
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert bool(cookie["secure"]) == settings.SESSION_COOKIE_SECURE
    closes = answers_close_at(Attempt.objects.select_related("session").get(pk=attempt.pk))
    left = (closes - timezone.now()).total_seconds()
    assert left - 5 <= int(cookie["max-age"]) <= left + 5
    assert cookie.value == pass_of(attempt)


def test_a_start_of_a_paper_drawn_ahead_sets_the_pass_cookie(examinee, session):
    session_predraw(session=session)
    response = examinee.post(f"/exams/session/{session.code}/", {"client": "tab-1"})
    _pass_cookie(response, Attempt.objects.get(session=session))


def test_a_start_with_the_session_pages_pass_sets_the_pass_cookie(examinee, session):
    """The start through the lane (the session page's pass in the form, no session): the
    one-statement start is PostgreSQL's (exam_day.py); elsewhere the view starts it."""
    if connection.vendor != "postgresql":
        pytest.skip("the one-statement start runs on PostgreSQL only")
    session_predraw(session=session)
    form = examinee.get(f"/exams/session/{session.code}/").content.decode()
    start_pass = re.search(r'name="pass" value="([^"]+)"', form).group(1)
    response = Client().post(
        f"/exams/session/{session.code}/", {"client": "tab-1", "pass": start_pass}
    )
    assert response.status_code == 302
    _pass_cookie(response, Attempt.objects.get(session=session))


def test_a_start_of_a_paper_drawn_then_sets_the_pass_cookie(examinee, session):
    response = examinee.post(f"/exams/session/{session.code}/", {"client": "tab-1"})
    _pass_cookie(response, Attempt.objects.get(session=session))


def test_a_mock_exams_start_sets_the_pass_cookie(examinee, session):
    response = examinee.post(f"/exams/mock/{session.rule.code}/")
    attempt = Attempt.objects.get(kind="mock")
    _pass_cookie(response, attempt)
    page = with_pass(attempt).get(url(attempt))  # drawn at the start: kept at a first view
    assert page.status_code == 302
    examinee.get(url(attempt))
    assert with_pass(attempt).get(url(attempt)).status_code == 200
