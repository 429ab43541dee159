"""The exam page's frame is rendered once per process and language and the examinee's values
filled in (config/page_shell.py's render_own): each examinee still sees only their own
paper, answers, clock and pass, the CSRF token works, and messages are shown."""

import gzip
import json
import re

import pytest
from django.test import Client

from question_banks.models import Attempt, Candidate
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def page(client: Client, attempt: Attempt, **extra) -> str:
    response = client.get(f"/exams/attempt/{attempt.pk}/", **extra)
    assert response.status_code == 200
    if response.get("Content-Encoding") == "gzip":
        return gzip.decompress(response.content).decode()
    return response.content.decode()


def cards(html: str) -> list[tuple[str, list[str]]]:
    """(stem, the option keys in the order shown) of each question card."""
    found = []
    for card in re.findall(r'<article class="card question".*?</article>', html, re.S):
        stem = re.search(r'<div class="stem">(.*?)</div>', card, re.S).group(1)
        found.append((stem, re.findall(r'name="q\d+(?:_\d+)?" value="([^"]+)"', card)))
    return found


def checked(html: str) -> list[str]:
    return re.findall(r'name="(q\d+)" value="([^"]+)" checked', html)


@pytest.fixture
def second(world, session):
    """Another examinee of the same session, signed in on their own browser, started."""
    Candidate.objects.create(session=session, person=world.person_b)
    client = Client()
    client.force_login(UserFactory(username=world.person_b.id_number, person=world.person_b))
    assert client.post(f"/exams/session/{session.code}/", {"client": "tab-b"}).status_code == 302
    return client, Attempt.objects.get(session=session, person=world.person_b)


def save(client: Client, attempt: Attempt, client_id: str, answers: list[dict]) -> None:
    response = client.post(
        f"/api/attempts/{attempt.pk}/answers",
        json.dumps({"client": client_id, "answers": answers}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content


def test_two_examinees_of_one_session_each_get_only_their_own_paper(
    examinee, started_attempt, second, world
):
    other_client, other = second
    mine_item = started_attempt.items.order_by("position").first()
    theirs_item = other.items.order_by("position").first()
    save(
        examinee,
        started_attempt,
        "tab-1",
        [{"position": 1, "answer": [mine_item.option_order[0]], "seq": 1}],
    )
    save(
        other_client,
        other,
        "tab-b",
        [{"position": 1, "answer": [theirs_item.option_order[-1]], "seq": 1}],
    )

    # Each in turn, twice, through the same process's frame (and gzipped for one of them).
    for _ in range(2):
        mine = page(examinee, started_attempt)
        theirs = page(other_client, other, HTTP_ACCEPT_ENCODING="gzip")

        for html, attempt, person, tab in (
            (mine, started_attempt, world.person_a, "tab-1"),
            (theirs, other, world.person_b, "tab-b"),
        ):
            items = attempt.items.order_by("position")
            assert [keys for _, keys in cards(html)] == [item.option_order for item in items]
            assert f'data-attempt="{attempt.pk}"' in html
            assert f'data-client="{tab}"' in html
            assert f'data-deadline="{attempt.deadline.isoformat()}"' in html
            assert f'<span class="who">{person.name}</span>' in html
            assert f"/exams/attempt/{attempt.pk}/take-over/" in html
            assert f'name="next" type="hidden" value="/exams/attempt/{attempt.pk}/"' in html

        assert checked(mine) == [("q1", mine_item.option_order[0])]
        assert checked(theirs) == [("q1", theirs_item.option_order[-1])]
        assert world.person_b.name not in mine and world.person_a.name not in theirs
        assert f'data-attempt="{other.pk}"' not in mine
        assert f'data-attempt="{started_attempt.pk}"' not in theirs
        passes = [re.search(r'data-pass="([^"]+)"', html).group(1) for html in (mine, theirs)]
        assert passes[0] != passes[1]


def test_each_examinee_is_refused_the_others_page(examinee, started_attempt, second):
    other_client, other = second
    page(examinee, started_attempt)  # the frame is kept
    assert examinee.get(f"/exams/attempt/{other.pk}/").status_code == 404
    assert other_client.get(f"/exams/attempt/{started_attempt.pk}/").status_code == 404


def test_the_pass_on_the_page_saves_for_that_paper_only(examinee, started_attempt, second):
    _, other = second
    html = page(examinee, started_attempt)
    exam_pass = re.search(r'data-pass="([^"]+)"', html).group(1)
    body = {"client": "tab-b", "answers": [{"position": 1, "answer": ["A"], "seq": 9}]}
    refused = Client().post(
        f"/api/attempts/{other.pk}/answers",
        json.dumps(body),
        content_type="application/json",
        headers={"X-Exam-Pass": exam_pass},
    )
    assert refused.status_code in (401, 403, 404)
    assert other.items.get(position=1).answer_seq == 0


def test_the_csrf_token_of_the_kept_frame_is_this_requests_and_works(world, session):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.trainee)
    client.get("/exams/")
    token = client.cookies["csrftoken"].value
    started = client.post(
        f"/exams/session/{session.code}/", {"client": "tab-1", "csrfmiddlewaretoken": token}
    )
    assert started.status_code == 302
    attempt = Attempt.objects.get(session=session)
    first, again = page(client, attempt), page(client, attempt)
    tokens = [
        re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html) for html in (first, again)
    ]
    assert len(tokens[0]) == 2 and tokens[0][0] != tokens[1][0]  # masked afresh per page
    taken = client.post(
        f"/exams/attempt/{attempt.pk}/take-over/",
        {"client": "tab-2", "csrfmiddlewaretoken": tokens[1][0]},
    )
    assert taken.status_code == 302
    attempt.refresh_from_db()
    assert attempt.client_id == "tab-2"


def test_a_message_waiting_is_shown_on_the_page(examinee, started_attempt):
    page(examinee, started_attempt)  # the frame is kept, without messages
    response = examinee.post(
        f"/exams/attempt/{started_attempt.pk}/take-over/", {"client": "tab-2"}, follow=True
    )
    html = response.content.decode()
    assert '<ul class="messages">' in html and 'data-client="tab-2"' in html
    assert '<ul class="messages">' not in page(examinee, started_attempt)  # shown once


def test_the_page_is_titled_with_the_session(examinee, started_attempt):
    html = page(examinee, started_attempt)
    assert f"<title>{started_attempt.session.name} ·" in html
