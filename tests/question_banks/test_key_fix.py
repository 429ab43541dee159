"""Correcting an answer key after an exam, on the web: the bank's owner picks the right
option(s) and a reason, previews every finished attempt it regrades (old → new score, passes
that become fails, certificates already issued from them), then confirms."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate, CertificateStatus
from question_banks.models import Attempt, Question, Regrade
from question_banks.services.questions import question_fix_key_preview
from roster.models import AuditLog
from tests.certificates.conftest import record_practical, take_exam
from tests.question_banks.conftest import add_question
from tests.question_banks.test_ownership import Scene

pytestmark = pytest.mark.django_db


@pytest.fixture
def passed(session, world, now, django_capture_on_commit_callbacks):
    """person_a sat the session with every answer right and got its certificate; the pass
    mark is their score, so any point lost turns the pass into a fail."""
    session.certificate_type_code = "TZ-DG"
    session.save(update_fields=["certificate_type_code"])
    with django_capture_on_commit_callbacks(execute=True):
        attempt = take_exam(session, world.person_a, now)
    # 特种作业: the passed practical exam issues the certificate the theory pass earned.
    record_practical(world.person_a, timezone.localdate(attempt.finished_at))
    session.pass_mark = attempt.score
    session.save(update_fields=["pass_mark"])
    assert attempt.passed and Certificate.objects.filter(attempt=attempt).exists()
    item = attempt.items.filter(version__question__qtype="single").select_related("version")
    return attempt, item.first().version.question


def _url(question: Question) -> str:
    return reverse("question_banks:question_key_fix", args=[question.bank.code, question.pk])


def test_preview_lists_the_lost_pass_and_its_certificate_and_writes_nothing(client, world, passed):
    attempt, question = passed
    client.force_login(world.trainer)
    versions = question.versions.count()
    response = client.post(
        _url(question), {"right_keys": "A", "reason": "原答案印错", "step": "preview"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    certificate = Certificate.objects.get(attempt=attempt)
    assert "及格 → 不及格" in html
    assert certificate.number in html
    assert "仍然有效" in html
    assert "100 → <strong>95</strong>" in html
    # Nothing written: no version, no regrade, no audit entry, the score as it was.
    assert question.versions.count() == versions
    assert not Regrade.objects.exists()
    assert not AuditLog.objects.filter(action="question.fix_key").exists()
    assert Attempt.objects.get(pk=attempt.pk).passed is True


def test_confirming_regrades_records_the_audit_and_leaves_the_certificate(client, world, passed):
    attempt, question = passed
    client.force_login(world.trainer)
    response = client.post(
        _url(question), {"right_keys": "A", "reason": "原答案印错", "step": "confirm"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "已重新评分 1 份" in html
    attempt.refresh_from_db()
    assert attempt.passed is False
    regrade = Regrade.objects.get()
    assert regrade.new_score < regrade.old_score and regrade.reason == "原答案印错"
    assert question.__class__.objects.get(pk=question.pk).current_version.answer_key == "A"
    assert AuditLog.objects.filter(action="question.fix_key", actor=world.trainer).exists()
    # Shown, not silently revoked.
    assert Certificate.objects.get(attempt=attempt).status == CertificateStatus.VALID
    assert Certificate.objects.get(attempt=attempt).number in html


def test_a_reason_is_required_and_the_choice_is_kept(client, world, passed):
    __, question = passed
    client.force_login(world.trainer)
    response = client.post(_url(question), {"right_keys": "C", "reason": " ", "step": "preview"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "此项为必填" in html
    assert response.context["form"]["right_keys"].value() == ["C"]
    assert not Regrade.objects.exists()


def test_the_same_key_again_is_refused_beside_the_field(client, world, passed):
    __, question = passed
    client.force_login(world.trainer)
    key = question.current_version.answer_key
    response = client.post(_url(question), {"right_keys": key, "reason": "x", "step": "preview"})
    assert response.status_code == 200
    assert "答案本来就是这样" in response.content.decode()
    assert question.versions.count() == 1


def test_multiple_choice_needs_two_right_options(client, world, bank):
    question = add_question(bank, "multiple", correct=("A", "C"))
    client.force_login(world.trainer)
    response = client.post(_url(question), {"right_keys": ["A"], "reason": "x", "step": "preview"})
    assert "多选题至少有两个正确选项" in response.content.decode()
    assert question.versions.count() == 1


def test_going_back_from_the_preview_keeps_what_was_typed(client, world, passed):
    __, question = passed
    client.force_login(world.trainer)
    response = client.post(
        _url(question), {"right_keys": "A", "reason": "原答案印错", "step": "edit"}
    )
    html = response.content.decode()
    assert "原答案印错" in html and "预览重新评分" in html
    assert not Regrade.objects.exists()


def test_another_trainers_bank_is_not_found_and_nothing_changes(
    client, world, bank, rule, session, now, passed
):
    __, question = passed
    scene = Scene(world, bank, rule, session, now)
    client.force_login(scene.other_trainer)
    for data in (None, {"right_keys": "A", "reason": "x", "step": "confirm"}):
        response = client.post(_url(question), data) if data else client.get(_url(question))
        assert response.status_code == 404
    assert not Regrade.objects.exists()
    assert question.versions.count() == 1


@pytest.mark.parametrize("who", ["trainee", "regulator_county", "enterprise_admin"])
def test_people_who_keep_no_such_bank_are_refused(client, world, passed, who):
    __, question = passed
    client.force_login(getattr(world, who))
    response = client.post(_url(question), {"right_keys": "A", "reason": "x", "step": "confirm"})
    assert response.status_code in (403, 404)
    assert not Regrade.objects.exists()


def test_the_preview_service_reports_pass_changes_without_writing(world, passed):
    attempt, question = passed
    outcome = question_fix_key_preview(
        question=question, right_keys=["A"], actor=world.trainer, reason="原答案印错"
    )
    assert [(r.attempt_id, r.old_passed, r.new_passed) for r in outcome] == [
        (attempt.pk, True, False)
    ]
    assert outcome[0].new_score == attempt.score - Decimal(5)
    assert not Regrade.objects.exists()
    assert question.versions.count() == 1


def test_the_question_page_links_the_correction(client, world, passed):
    __, question = passed
    client.force_login(world.trainer)
    html = client.get(
        reverse("question_banks:question_preview", args=[question.bank.code, question.pk])
    ).content.decode()
    assert _url(question) in html
