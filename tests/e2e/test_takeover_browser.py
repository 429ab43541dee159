"""One person, two browsers: the exam open on another device is said plainly, and no answer
is lost across the take-over (exam.js, question_banks/api.py state, views take_over).

The phone starts the exam; the desktop opens it and finds it held by the phone (banner,
inputs off, the real time left, nothing claimed saved), takes over and answers; the phone's
next answer is refused, so the phone says the same and keeps that answer; the phone takes
it back, the kept answer is sent, it answers once more and submits. Every answer is on the
server.
"""

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from django.utils import timezone

from question_banks.models import Attempt
from tests.e2e.conftest import wait_for
from tests.e2e.exam_scene import exam_world
from tests.e2e.test_exam_browser import answer_visible, wait_saved

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path("/tmp/shots/review")


@pytest.fixture
def exam():
    """The exam browser test's session: person_a on its list, 30 minutes, 7 questions."""
    return exam_world()


def _keep(session, name):
    path = session.shot(name)
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SHOTS / path.name)


def _next(page, times=1):
    for _ in range(times):
        page.locator("article.question:visible [data-next]").click()


def _assert_held_elsewhere(session, unsent: int):
    page = session.page
    wait_for(page, "!document.getElementById('take-over').hidden")
    assert page.locator("#take-over").is_visible()
    assert "另一台设备或另一个标签页" in page.locator("#take-over").inner_text()
    inputs = page.locator("article.question:visible input")
    assert inputs.count() and all(inputs.nth(i).is_disabled() for i in range(inputs.count()))
    assert page.locator("#submit-exam").is_disabled()
    net = page.locator("#net-status")
    assert net.get_attribute("data-state") == "elsewhere" and "已保存" not in net.inner_text()
    # The real time left, from the stored deadline (30 minutes from the start).
    clock = page.locator("#countdown").inner_text()
    assert re.fullmatch(r"\d{2}:\d{2}", clock), clock
    assert 25 <= int(clock.split(":")[0]) <= 30
    unsent_note = page.locator("#unsent")
    if unsent:
        note = unsent_note.inner_text()
        assert unsent_note.is_visible() and f"{unsent} 道题的作答尚未保存" in note
    else:
        assert not unsent_note.is_visible()
    session.assert_no_horizontal_overflow()


def _take_over(session):
    page = session.page
    with page.expect_navigation():
        page.click("#take-over button[type=submit]")
    page.wait_for_selector("#exam")
    assert page.locator("#take-over").is_hidden()
    assert "已改在此处继续作答" in page.locator(".messages").inner_text()


def test_two_devices_take_the_exam_over_from_each_other_and_lose_nothing(exam, phone, desktop):
    world, session = exam
    for device in (phone, desktop):
        device.login(world.person_a.id_number, "pw-123456")

    # The phone starts and answers question 1.
    phone.go(f"/exams/session/{session.code}/")
    with phone.page.expect_navigation():
        phone.page.click("#start-form button[type=submit]")
    phone.page.wait_for_selector("#exam")
    chosen = {}
    position, keys = answer_visible(phone.page, choose=0)
    chosen[position] = keys
    wait_saved(phone.page)
    attempt = Attempt.objects.get(session=session)

    # The desktop opens the same exam: held by the phone, said at once.
    desktop.go(f"/exams/session/{session.code}/")
    with desktop.page.expect_navigation():
        desktop.page.click("a.btn.primary.block")  # 继续作答
    desktop.page.wait_for_selector("#exam")
    _assert_held_elsewhere(desktop, unsent=0)
    _keep(desktop, "takeover-desktop-held-at-load-1280")

    _take_over(desktop)
    wait_for(desktop.page, "document.getElementById('net-status').dataset.state === 'saved'")
    assert desktop.page.locator("article.question:visible input").first.is_enabled()
    _next(desktop.page)
    position, keys = answer_visible(desktop.page, choose=1)
    chosen[position] = keys
    wait_saved(desktop.page)
    _keep(desktop, "takeover-desktop-after-taking-over-1280")

    # The phone answers question 3: refused, so it learns, keeps that answer and says so.
    _next(phone.page, 2)
    position, keys = answer_visible(phone.page, choose=0)
    kept = {position: keys}
    _assert_held_elsewhere(phone, unsent=1)
    _keep(phone, "takeover-phone-refused-390")
    assert attempt.items.get(position=position).answer is None

    # The phone takes the exam back: the kept answer goes out, the desktop learns it too.
    _take_over(phone)
    wait_saved(phone.page)
    chosen.update(kept)
    assert attempt.items.get(position=position).answer == keys
    desktop.page.evaluate("window.dispatchEvent(new Event('focus'))")
    _assert_held_elsewhere(desktop, unsent=0)

    _next(phone.page, 3)
    position, keys = answer_visible(phone.page, choose=1)
    chosen[position] = keys
    wait_saved(phone.page)
    phone.page.click("#submit-exam")
    phone.page.wait_for_selector("#confirm-submit[open]")
    with phone.page.expect_navigation(url=f"**/exams/attempt/{attempt.pk}/result/"):
        phone.page.click("#confirm-yes")

    attempt.refresh_from_db()
    assert attempt.status == "submitted"
    saved = {i.position: i.answer for i in attempt.items.all() if i.answer}
    assert saved == chosen and len(chosen) == 4
    assert attempt.events.filter(kind="taken_over").count() == 2
    assert attempt.deadline > timezone.now() + dt.timedelta(minutes=20)
