import pytest
from django.core.management import call_command

from certificates.models import Certificate, CertificateState, PracticalExam
from demo.question_banks import CLOSED_SESSION
from question_banks.models import Attempt

pytestmark = pytest.mark.django_db


def test_demo_has_certificates_in_every_state_and_passes_issue_certificates(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--force", "--no-logins")
    states = {c.state() for c in Certificate.objects.all()}
    assert states == set(CertificateState.values)
    exam = Certificate.objects.filter(source=Certificate.Source.EXAM)
    assert exam.exists()
    assert all(c.attempt.passed and c.certificate_type.code == "TZ-DG" for c in exam)
    # 特种作业: each was issued on the theory AND a passed practical; some passes still wait
    # for their practical exam.
    practical = PracticalExam.objects.filter(passed=True)
    assert {c.attempt_id for c in exam} <= set(practical.values_list("theory_attempt", flat=True))
    waiting = Attempt.objects.filter(session__code=CLOSED_SESSION, passed=True).exclude(
        person__practical_exams__isnull=False
    )
    assert waiting.exists()
    assert Certificate.objects.filter(events__kind="reviewed").exists()
    total = Certificate.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--force", "--no-logins")  # a second run changes nothing
    assert Certificate.objects.count() == total
