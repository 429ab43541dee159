"""A trainee finishes an exam on a phone and goes through it question by question: their
answer, the right one and the explanation (services/review.py). A session that shows the
answers only after it closes shows none before; another person's review is not found."""

import datetime as dt
import shutil
from pathlib import Path

import pytest
from django.utils import timezone

from question_banks.models import Attempt
from tests.e2e.exam_scene import exam_rule, exam_session
from tests.e2e.test_exam_browser import answer_visible, wait_saved
from tests.factories import UserFactory, build_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path("/tmp/shots/review")
EXPLANATION = "依据《安全生产法》。"


def _keep(session, name):
    path = session.shot(name)
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SHOTS / path.name)


def _sit(device, session, answers: int) -> Attempt:
    """Start the session's exam, answer the first questions, submit; on the result page."""
    page = device.page
    device.go(f"/exams/session/{session.code}/")
    with page.expect_navigation():
        page.click("#start-form button[type=submit]")
    page.wait_for_selector("#exam")
    for n in range(answers):
        answer_visible(page, choose=n % 2)
        if n < answers - 1:
            page.locator("article.question:visible [data-next]").click()
    wait_saved(page)
    attempt = Attempt.objects.get(session=session, status="in_progress")
    page.click("#submit-exam")
    page.wait_for_selector("#confirm-submit[open]")
    with page.expect_navigation(url=f"**/exams/attempt/{attempt.pk}/result/"):
        page.click("#confirm-yes")
    return attempt


@pytest.fixture
def scene():
    world = build_world()
    rule = exam_rule()
    shown = exam_session(rule, world.person_a, show_answers="immediately")
    after_close = exam_session(rule, world.person_a, code="E2E-S2", name="低压电工理论考试（补考）")
    return world, shown, after_close


def test_a_trainee_reviews_a_finished_exam_with_answers_and_explanations(scene, phone, desktop):
    world, session, _ = scene
    phone.login(world.person_a.id_number, "pw-123456")
    attempt = _sit(phone, session, answers=7)
    page = phone.page
    _keep(phone, "review-result-390")
    with page.expect_navigation(url=f"**/exams/attempt/{attempt.pk}/review/"):
        page.click("#review-link a.btn")
    articles = page.locator("article.question.reviewed")
    assert articles.count() == 7
    assert page.locator(".explanation", has_text=EXPLANATION).count() == 7
    assert page.locator(".answer-line").count() == 7
    first = page.locator(".answer-line").first.inner_text()
    assert "你的答案" in first and "正确答案" in first
    assert page.locator(".choice.right").count() >= 7  # every key marked
    graded = {i.position: i for i in attempt.items.all()}
    for position, item in graded.items():
        outcome = "right" if item.score == item.points else ("partial" if item.score else "wrong")
        assert f"reviewed {outcome}" in articles.nth(position - 1).get_attribute("class")
    phone.assert_no_horizontal_overflow()
    _keep(phone, "review-questions-390")

    # 我的考试 leads there too.
    phone.go("/exams/")
    with page.expect_navigation(url=f"**/exams/attempt/{attempt.pk}/review/"):
        page.click(f"a[href='/exams/attempt/{attempt.pk}/review/']")

    desktop.login(world.person_a.id_number, "pw-123456")
    desktop.go(f"/exams/attempt/{attempt.pk}/review/")
    assert desktop.page.locator("article.question.reviewed").count() == 7
    desktop.assert_no_horizontal_overflow()
    _keep(desktop, "review-questions-1280")


def test_after_close_shows_no_answer_until_the_session_closes(scene, phone):
    world, _, session = scene
    phone.login(world.person_a.id_number, "pw-123456")
    attempt = _sit(phone, session, answers=2)
    page = phone.page
    review_link = page.locator("#review-link")
    assert "考试场次结束后显示" in review_link.inner_text()
    assert review_link.locator("a").count() == 0
    _keep(phone, "review-after-close-result-390")
    phone.go(f"/exams/attempt/{attempt.pk}/review/")  # a guessed URL shows no key either
    assert page.locator("#no-review").is_visible()
    assert page.locator(".choice.right, .explanation").count() == 0
    _keep(phone, "review-after-close-not-yet-390")

    session.closes_at = timezone.now() - dt.timedelta(seconds=1)
    session.save(update_fields=["closes_at"])
    phone.go(f"/exams/attempt/{attempt.pk}/review/")
    assert page.locator("article.question.reviewed").count() == 7
    assert page.locator(".explanation", has_text=EXPLANATION).count() == 7


def test_another_persons_review_is_not_found(scene, phone, desktop):
    world, session, _ = scene
    phone.login(world.person_a.id_number, "pw-123456")
    attempt = _sit(phone, session, answers=1)
    UserFactory(username=world.person_b.id_number, person=world.person_b)
    desktop.login(world.person_b.id_number, "pw-123456")
    for path in ("review", "result"):
        response = desktop.page.goto(f"{desktop.base_url}/exams/attempt/{attempt.pk}/{path}/")
        assert response.status == 404
    assert desktop.page.locator(".choice.right, .explanation").count() == 0
