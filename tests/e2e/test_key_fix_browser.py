"""A trainer corrects a wrong answer key after an exam, on the web: from the question's page,
picks the right option and says why, reads the preview (old → new score, a pass that becomes
a fail and the certificate already issued from it), goes back to change the reason, then
confirms and reads the summary. Run at 390x844 and 1280x800."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from django.utils import timezone

from certificates.models import Certificate, CertificateStatus
from question_banks.models import Attempt, ExamSession, Regrade
from tests.certificates.conftest import record_practical, take_exam
from tests.factories import build_world
from tests.question_banks.conftest import add_question

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path("/tmp/shots/h22")


def _keep(device, name):
    path = device.shot(name)
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SHOTS / path.name)


@pytest.fixture
def scene():
    """The trainer's bank; person_a passed its certificate session with every answer right
    and holds the certificate; the pass mark is their score, so one lost point fails them."""
    from decimal import Decimal

    from question_banks.models import Candidate, PaperRule, PaperSection, QuestionBank

    world = build_world()
    bank = QuestionBank.objects.create(
        code="KF", name="低压电工作业", training_body=world.trainer_body
    )
    for _ in range(3):
        add_question(bank, "judge", correct=("A",), stem="带电作业前必须验电。")
        add_question(bank, "single", correct=("B",), stem="低压验电器的测量范围是？")
    rule = PaperRule.objects.create(code="KF-R", name="理论考试", bank=bank, duration_minutes=30)
    PaperSection.objects.create(
        rule=rule, position=0, qtype="judge", points_each=Decimal(10), medium_count=3
    )
    PaperSection.objects.create(
        rule=rule, position=1, qtype="single", points_each=Decimal(20), medium_count=3
    )
    now = timezone.now().replace(microsecond=0)
    session = ExamSession.objects.create(
        code="KF-S",
        name="2026年第4期低压电工考试",
        rule=rule,
        is_published=True,
        opens_at=now - dt.timedelta(hours=2),
        closes_at=now + dt.timedelta(hours=1),
        training_body=world.trainer_body,
        region=world.township_b,
        certificate_type_code="TZ-DG",
    )
    Candidate.objects.create(session=session, person=world.person_a)
    attempt = take_exam(session, world.person_a, now - dt.timedelta(hours=1))
    # 特种作业: the passed practical exam issues the certificate the theory pass earned.
    record_practical(world.person_a, timezone.localdate(attempt.finished_at))
    ExamSession.objects.filter(pk=session.pk).update(pass_mark=attempt.score)
    assert Certificate.objects.filter(attempt=attempt).exists()
    question = attempt.items.filter(version__question__qtype="single").first().version.question
    return world, attempt, question


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_a_trainer_corrects_a_key_and_sees_the_lost_pass_and_its_certificate(scene, size, request):
    __, attempt, question = scene
    device = request.getfixturevalue(size)
    width = 390 if size == "phone" else 1280
    page = device.page
    device.login("trainer_b", "pw-123456")
    device.go(f"/exams/banks/KF/questions/{question.pk}/preview/")
    with page.expect_navigation():
        page.click("#key-fix-link")
    _keep(device, f"key-fix-form-{width}")

    # No reason: refused beside the field, the choice kept.
    page.check("#key-fix-form input[name=right_keys][value=A]")
    with page.expect_navigation():
        page.click("#key-fix-form button[value=preview]")
    assert page.locator("#key-fix-form .has-error .error").inner_text().strip() == "此项为必填。"
    assert page.is_checked("#key-fix-form input[name=right_keys][value=A]")

    page.fill("#key-fix-form textarea[name=reason]", "印刷错误")
    with page.expect_navigation():
        page.click("#key-fix-form button[value=preview]")
    effect = page.locator("#key-fix-effect").inner_text()
    certificate = Certificate.objects.get(attempt=attempt)
    assert "更正后将发生的变化" in effect
    assert "1 人由及格变为不及格" in effect
    assert certificate.number in effect and "及格 → 不及格" in effect
    score = int(attempt.score)
    assert re.search(rf"{score} →\s*{score - 20}", effect), effect
    assert not Regrade.objects.exists()
    _keep(device, f"key-fix-preview-{width}")
    device.assert_no_horizontal_overflow()

    # Back to the form: what was typed is kept.
    with page.expect_navigation():
        page.click("#key-fix-form button[value=edit]")
    assert page.input_value("#key-fix-form textarea[name=reason]") == "印刷错误"
    page.fill("#key-fix-form textarea[name=reason]", "印刷错误，B 应为 A")
    with page.expect_navigation():
        page.click("#key-fix-form button[value=preview]")
    with page.expect_navigation():
        page.click("#key-fix-form button[value=confirm]")
    done = page.locator("#key-fix-done").inner_text()
    assert "答案已更正为 A" in done and "已重新评分 1 份" in done
    assert "本次更正的影响" in page.locator("#key-fix-effect").inner_text()
    _keep(device, f"key-fix-done-{width}")
    device.assert_no_horizontal_overflow()

    attempt = Attempt.objects.get(pk=attempt.pk)
    assert attempt.passed is False and attempt.score == attempt.total_points - 20
    assert Regrade.objects.get().reason == "印刷错误，B 应为 A"
    assert Certificate.objects.get(pk=certificate.pk).status == CertificateStatus.VALID
