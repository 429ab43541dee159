"""An enterprise admin runs the enterprise's own exams on the web, and the 三违 return exam.

The admin creates a 全员考试 on the enterprise's bank, puts everyone on it and publishes it;
a trainee takes it on a phone and passes. The admin creates the standing return-to-work
exam from the 三违 page, records a 三违; the person finds the return exam on their exam
list at once, passes, and the admin sets them back on the job. Web only.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.utils import timezone

from courses.models import ViolationRetraining
from question_banks.models import ExamSession, Question, QuestionBank, QuestionVersion
from tests.e2e import shots
from tests.e2e.conftest import wait_for
from tests.factories import build_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path("/tmp/shots/internal")


@pytest.fixture
def world():
    world = build_world()
    bank = QuestionBank.objects.create(
        code="NB-E2E", name="城关机械厂安全知识", enterprise=world.ent_a
    )
    for i in range(8):
        q = Question.objects.create(bank=bank, qtype="judge", difficulty=2)
        v = QuestionVersion.objects.create(
            question=q,
            number=1,
            stem=f"<p>第{i + 1}题：进入车间必须佩戴安全帽。</p>",
            options=[{"key": "A", "text": "正确", "correct": True}, {"key": "B", "text": "错误"}],
            shuffle_options=False,
        )
        Question.objects.filter(pk=q.pk).update(current_version=v)
    return world


def both_sizes(session, name: str) -> None:
    shots.both_sizes(session, SHOTS, name)


def create_exam(desktop, *, name: str, count: int, shot: str) -> None:
    page = desktop.page
    both_sizes(desktop, shot)
    page.fill("input[name=name]", name)
    page.select_option("select[name=bank]", label="城关机械厂安全知识")
    page.fill("input[name=count_single]", "0")
    page.fill("input[name=count_multiple]", "0")
    page.fill("input[name=count_judge]", str(count))
    page.fill("input[name=points_judge]", "20")
    page.fill("input[name=pass_mark]", "60")
    with page.expect_navigation():
        page.click("form.internal-form button[type=submit]")


def take_and_pass(phone, exam_name: str, shot: str) -> None:
    page = phone.page
    phone.go("/exams/")
    card = page.locator("section.exam-card", has_text=exam_name)
    phone.assert_no_horizontal_overflow()
    phone.shot(f"{shot}-list")
    shutil.copy(phone.shots / f"{shot}-list.png", SHOTS / f"{shot}-list-phone.png")
    with page.expect_navigation():
        card.locator("a.btn.primary").click()
    with page.expect_navigation():
        page.click("#start-form button[type=submit]")
    page.wait_for_selector("#exam")
    questions = page.locator("article.question").count()
    for n in range(questions):
        article = page.locator("article.question:visible")
        article.locator("label.choice", has=page.locator("input[value=A]")).click()
        if n < questions - 1:
            article.locator("[data-next]").click()
    wait_for(page, "document.getElementById('net-status').dataset.state === 'saved'")
    page.click("#submit-exam")
    page.wait_for_selector("#confirm-submit[open]")
    with page.expect_navigation(url="**/result/"):
        page.click("#confirm-yes")
    phone.shot(f"{shot}-result")
    shutil.copy(phone.shots / f"{shot}-result.png", SHOTS / f"{shot}-result-phone.png")


def test_admin_runs_an_all_staff_exam_and_the_return_exam_after_a_violation(world, desktop, phone):
    admin = desktop.page
    desktop.login("admin_a", "pw-123456")

    # 全员考试: create, everyone, publish.
    desktop.go("/")
    with admin.expect_navigation():
        admin.click("nav.nav >> text=内部考试")
    both_sizes(desktop, "01-internal-list-empty")
    with admin.expect_navigation():
        admin.click("text=新建内部考试")
    admin.select_option("select[name=purpose]", "all_staff")
    create_exam(desktop, name="2026年度全员安全考试", count=5, shot="02-new-exam-form")
    admin.check("input[name=who][value=everyone]")
    with admin.expect_navigation():
        admin.click("text=加入考试")
    with admin.expect_navigation():
        admin.click("button:has-text('发布')")
    assert admin.locator("text=已发布").count()
    both_sizes(desktop, "03-exam-published")
    exam = ExamSession.objects.get(name="2026年度全员安全考试")
    assert exam.is_published and exam.purpose == "all_staff"

    # The trainee takes it on a phone and passes.
    phone.login(world.person_a.id_number, "pw-123456")
    take_and_pass(phone, "2026年度全员安全考试", "04-trainee-all-staff")
    assert exam.attempts.get().passed

    # The admin sees the result on the enterprise's page.
    desktop.go(f"/exams/internal/{exam.code}/")
    assert admin.locator("span.result-passed").count() == 1
    both_sizes(desktop, "05-exam-results")

    # 三违: no return exam yet; the page offers to create one.
    desktop.go("/courses/records/violations/new/")
    both_sizes(desktop, "06-violation-no-return-exam")
    with admin.expect_navigation():
        admin.click("text=创建三违返岗考试")
    assert admin.locator("select[name=purpose]").input_value() == "violation_return"
    create_exam(desktop, name="三违返岗考试", count=3, shot="07-new-return-exam")
    with admin.expect_navigation():
        admin.click("button:has-text('发布')")
    return_exam = ExamSession.objects.get(purpose="violation_return")
    assert return_exam.is_published

    desktop.go("/courses/records/violations/new/")
    admin.fill("input[name=id_number]", world.person_a.id_number)
    admin.fill("textarea[name=violation]", "未按规定佩戴安全帽进入车间（违章操作）")
    admin.fill("input[name=off_job_from]", timezone.localdate().isoformat())
    both_sizes(desktop, "08-violation-form")
    with admin.expect_navigation():
        admin.click("form.card button[type=submit]")
    violation = ViolationRetraining.objects.get()
    assert violation.exam_session == return_exam

    # The person finds the return exam at once, and passes it.
    take_and_pass(phone, "三违返岗考试", "09-trainee-return-exam")

    # The admin sets them back on the job: cleared.
    desktop.go("/courses/records/")
    with admin.expect_navigation():
        admin.click("button:has-text('返岗')")
    violation.refresh_from_db()
    assert violation.returned_on == timezone.localdate()
    assert admin.locator(f"text={timezone.localdate():%Y-%m-%d}").count()
    both_sizes(desktop, "10-violation-cleared")
