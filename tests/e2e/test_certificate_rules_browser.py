"""The certificate rules on the web: the enterprise's safety admin opens a special operator's
"what, by when" from the roster, is refused a practical exam on a theory pass older than 12
months (the rule and its date beside the field, what was typed kept), records one on a
recent theory pass (laptop); the operator then sees their own "what, by when" on a phone."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from certificates.models import Certificate, CertificateType, PracticalExam
from certificates.services.issuing import certificate_issue
from question_banks.models import Attempt, ExamSession, PaperRule, QuestionBank
from tests.e2e import shots
from tests.factories import build_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path("/tmp/shots/certificate_rules")
PASSWORD = "pw-123456"
ENGLISH = ("What, by when", "Practical exam", "Record", "Rule:", "Missed", "Examiner")


def theory_pass(world, person, finished_at) -> Attempt:
    """A passed theory exam for 低压电工作业 (the exam session issues TZ-DG)."""
    bank, _created = QuestionBank.objects.get_or_create(
        code="DG", defaults={"name": "低压电工作业", "training_body": world.trainer_body}
    )
    rule, _created = PaperRule.objects.get_or_create(
        code="DG-T", defaults={"name": "低压电工理论", "bank": bank, "duration_minutes": 120}
    )
    session = ExamSession.objects.create(
        code=f"DG-{finished_at:%Y%m%d}",
        name=f"{finished_at:%Y年%m月}低压电工理论考试",
        rule=rule,
        is_published=True,
        opens_at=finished_at - dt.timedelta(hours=3),
        closes_at=finished_at + dt.timedelta(hours=1),
        training_body=world.trainer_body,
        region=world.township_b,
        certificate_type_code="TZ-DG",
    )
    return Attempt.objects.create(
        person=person,
        session=session,
        rule=rule,
        seed=1,
        status=Attempt.Status.SUBMITTED,
        finished_at=finished_at,
        score=Decimal(92),
        total_points=Decimal(100),
        passed=True,
    )


def test_the_admin_records_a_practical_exam_and_the_operator_sees_what_by_when(desktop, phone):
    world = build_world()
    today = timezone.localdate()
    now = timezone.now()
    person = world.person_a
    # An earlier card of another item whose review is due in 80 days (apply by 20 days from
    # now), and a theory pass for 低压电工 from 13 months ago that has lapsed.
    certificate_issue(
        person=person,
        ctype=CertificateType.objects.get(code="TZ-HJ"),
        actor=None,
        on=today.replace(year=today.year - 3) + dt.timedelta(days=80),
    )
    theory_pass(world, person, now - dt.timedelta(days=400))

    desktop.login("admin_a", PASSWORD)
    page = desktop.page
    desktop.go(f"/roster/people/{person.pk}/")
    with page.expect_navigation():
        page.click("text=待办事项与期限")
    main = page.locator("main").inner_text()
    assert "应复审日期前至少 60 天申请复审" in main
    assert "尚无实际操作考试记录" in main

    # Refused: the only theory pass is older than 12 months.
    ctype = CertificateType.objects.get(code="TZ-DG")
    page.select_option("select[name=practical-certificate_type]", str(ctype.pk))
    page.fill("input[name=practical-taken_on]", today.isoformat())
    page.fill("input[name=practical-examiner]", "李考评员")
    page.fill("input[name=practical-score]", "88")
    with page.expect_navigation():
        page.click("#practical-form button[type=submit]")
    main = page.locator("main").inner_text()
    assert "理论考试合格后 12 个月内参加实际操作考试" in main
    assert page.input_value("input[name=practical-examiner]") == "李考评员"
    assert not PracticalExam.objects.exists()
    desktop.shot("01-refused")

    # A recent theory pass: recorded.
    theory_pass(world, person, now - dt.timedelta(days=20))
    desktop.go(f"/certificates/people/{person.pk}/")
    assert "参加 特种作业操作证（低压电工作业） 实际操作考试" in page.locator("main").inner_text()
    page.select_option("select[name=practical-certificate_type]", str(ctype.pk))
    page.fill("input[name=practical-taken_on]", today.isoformat())
    page.fill("input[name=practical-examiner]", "李考评员")
    page.fill("input[name=practical-score]", "88")
    with page.expect_navigation():
        page.click("#practical-form button[type=submit]")
    main = page.locator("main").inner_text()
    assert "实际操作考试已登记：合格" in main
    # Theory and practical both passed: the item is added to the operator's one card.
    assert "理论与实操均合格" in main
    card = Certificate.objects.get(person=person)
    assert card.number == "T" + person.id_number
    assert sorted(card.items.values_list("certificate_type__code", flat=True)) == [
        "TZ-DG",
        "TZ-HJ",
    ]
    assert "李考评员" in page.locator("#practical-exams").inner_text()
    exam = PracticalExam.objects.get()
    assert (exam.score, exam.passed) == (Decimal(88), True)
    shots.both_sizes(desktop, SHOTS, "02-admin-person-windows", english=ENGLISH)

    # The operator, on a phone, sees their own "what, by when".
    phone.login(person.id_number, PASSWORD)
    phone.go("/certificates/mine/")
    windows = phone.page.locator("#windows").inner_text()
    assert "申请 特种作业操作证（熔化焊接与热切割作业） 复审" in windows
    phone.assert_no_horizontal_overflow()
    shots.both_sizes(phone, SHOTS, "03-operator-mine", english=ENGLISH)
