import pytest
from django.core.management import call_command

from certificates.models import Certificate, CertificateState

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
    total = Certificate.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--force", "--no-logins")  # a second run changes nothing
    assert Certificate.objects.count() == total
