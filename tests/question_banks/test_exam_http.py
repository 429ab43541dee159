"""The exam pages and their JSON endpoints, over HTTP as the browser uses them."""

import json

import pytest
from django.test import Client

from question_banks.models import Attempt, AttemptItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def examinee(client, world, session):
    client.force_login(world.trainee)
    return client


def start(client, session, cid="tab-1"):
    response = client.post(f"/exams/session/{session.code}/", {"client": cid})
    assert response.status_code == 302
    return Attempt.objects.get(session=session, status="in_progress")


def post_json(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_my_exams_lists_the_session(examinee, session):
    response = examinee.get("/exams/")
    assert response.status_code == 200 and session.name in response.content.decode()


def test_exam_page_shows_every_question_with_options_in_the_drawn_order(examinee, session):
    attempt = start(examinee, session)
    html = examinee.get(f"/exams/attempt/{attempt.pk}/").content.decode()
    item = attempt.items.get(position=16)  # a 单选 question: options are shuffled
    values = [f'value="{k}"' for k in item.option_order]
    positions = [html.index(v, html.index('id="q16"')) for v in values]
    assert positions == sorted(positions)


def test_the_exam_page_reads_each_question_text_once_per_process(examinee, session):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from question_banks import selectors

    attempt = start(examinee, session)
    url = f"/exams/attempt/{attempt.pk}/"
    first = examinee.get(url).content.decode()
    with CaptureQueriesContext(connection) as queries:
        again = examinee.get(url).content.decode()
    assert not [q for q in queries if "question_banks_questionversion" in q["sql"]]

    def cards(html):
        return html[html.index('<nav class="sheet"') : html.index("<dialog")]

    assert cards(again) == cards(first) and first.count('<article class="card question"') == 25
    # Bounded: the least recently shown texts go first.
    selectors.EXAM_TEXTS_KEPT, kept = 5, selectors.EXAM_TEXTS_KEPT
    try:
        selectors.forget_exam_texts()
        versions = list(attempt.items.order_by("position").values_list("version_id", flat=True))
        selectors.exam_texts(versions)
        assert list(selectors._exam_texts) == versions[-5:]
    finally:
        selectors.EXAM_TEXTS_KEPT = kept


def test_the_exam_page_shows_the_examinees_name_and_no_navigation(examinee, session, world):
    attempt = start(examinee, session)
    html = examinee.get(f"/exams/attempt/{attempt.pk}/").content.decode()
    assert f'<span class="who">{world.trainee.person.name}</span>' in html
    assert 'class="nav"' not in html
    assert 'class="nav"' in examinee.get("/exams/").content.decode()


def test_the_exam_page_never_shows_the_key_or_the_explanation(examinee, session):
    attempt = start(examinee, session)
    item = attempt.items.select_related("version").get(position=1)
    item.version.explanation = "解析：答案是甲"
    item.version.save()
    html = examinee.get(f"/exams/attempt/{attempt.pk}/").content.decode()
    assert "解析：答案是甲" not in html and "correct" not in html


def test_answers_saved_through_the_api_are_on_the_paper(examinee, session):
    attempt = start(examinee, session)
    response = post_json(
        examinee,
        f"/api/attempts/{attempt.pk}/answers",
        {"client": "tab-1", "answers": [{"position": 1, "answer": ["A"], "seq": 1}]},
    )
    assert response.status_code == 200, response.content
    assert response.json()["saved"] == [{"position": 1, "seq": 1, "applied": True}]
    assert AttemptItem.objects.get(attempt=attempt, position=1).answer == ["A"]


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        json.dumps({"client": "tab-1"}),
        json.dumps({"client": "tab-1", "answers": [{"position": "x", "answer": ["A"], "seq": 1}]}),
        json.dumps({"client": "tab-1", "answers": [{"position": 1, "answer": 5, "seq": 1}]}),
    ],
)
def test_malformed_posts_are_refused_and_change_nothing(examinee, session, body):
    attempt = start(examinee, session)
    response = examinee.post(
        f"/api/attempts/{attempt.pk}/answers", body, content_type="application/json"
    )
    assert response.status_code in (400, 422)
    assert not AttemptItem.objects.filter(attempt=attempt, answer__isnull=False).exists()


def test_bad_option_gets_a_clear_refusal(examinee, session):
    attempt = start(examinee, session)
    response = post_json(
        examinee,
        f"/api/attempts/{attempt.pk}/answers",
        {"client": "tab-1", "answers": [{"position": 1, "answer": ["Q"], "seq": 1}]},
    )
    assert response.status_code == 422 and response.json()["code"] == "bad_option"


def test_another_persons_attempt_is_not_found(client, world, session, examinee):
    attempt = start(examinee, session)
    other = Client()
    other.force_login(world.enterprise_admin)
    response = post_json(
        other,
        f"/api/attempts/{attempt.pk}/answers",
        {"client": "tab-1", "answers": [{"position": 1, "answer": ["A"], "seq": 1}]},
    )
    assert response.status_code == 404
    assert other.get(f"/exams/attempt/{attempt.pk}/").status_code == 404


def test_answer_post_without_csrf_token_is_refused(world, session):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.trainee)
    browser.get(f"/exams/session/{session.code}/")
    token = browser.cookies["csrftoken"].value
    browser.post(
        f"/exams/session/{session.code}/", {"client": "tab-1", "csrfmiddlewaretoken": token}
    )
    attempt = Attempt.objects.get(session=session)
    response = browser.post(
        f"/api/attempts/{attempt.pk}/answers",
        json.dumps({"client": "tab-1", "answers": [{"position": 1, "answer": ["A"], "seq": 1}]}),
        content_type="application/json",
    )
    assert response.status_code == 403


def test_submit_then_result_page_shows_the_score(examinee, session):
    attempt = start(examinee, session)
    response = post_json(examinee, f"/api/attempts/{attempt.pk}/submit", {"client": "tab-1"})
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    page = examinee.get(f"/exams/attempt/{attempt.pk}/result/")
    assert page.status_code == 200 and "0" in page.content.decode()


def test_result_hidden_when_the_session_says_never(examinee, session):
    session.show_result = "never"
    session.show_answers = "never"
    session.save()
    attempt = start(examinee, session)
    post_json(examinee, f"/api/attempts/{attempt.pk}/submit", {"client": "tab-1"})
    page = examinee.get(f"/exams/attempt/{attempt.pk}/result/").content.decode()
    assert "big-score" not in page


def test_wrong_access_code_shows_the_reason(examinee, session):
    session.access_code = "2468"
    session.save()
    response = examinee.post(
        f"/exams/session/{session.code}/", {"client": "t", "access_code": "1111"}
    )
    assert response.status_code == 200
    assert not Attempt.objects.filter(session=session).exists()


def test_question_html_is_sanitised(examinee, session):
    attempt = start(examinee, session)
    version = attempt.items.get(position=1).version
    version.stem = '<p onclick="steal()">题<script>alert(1)</script></p>'
    version.save()
    html = examinee.get(f"/exams/attempt/{attempt.pk}/").content.decode()
    assert "<script>alert" not in html and "steal()" not in html


def test_mock_exam_is_not_official(examinee, session):
    response = examinee.post(f"/exams/mock/{session.rule.code}/")
    assert response.status_code == 302
    assert Attempt.objects.get(kind="mock").session is None
