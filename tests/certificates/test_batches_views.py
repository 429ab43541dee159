"""PDF batches from the holders' roster: the same filters and scope, progress, the zip."""

import io
import zipfile

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from certificates.models import CertificateType, PdfBatch
from certificates.services.issuing import certificate_issue

pytestmark = pytest.mark.django_db


def client_as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def issued(world):
    ctype = CertificateType.objects.get(code="TZ-DG")
    return [
        certificate_issue(person=p, ctype=ctype, actor=None)
        for p in (world.person_a, world.person_b, world.person_other)
    ]


def test_enterprise_admin_gets_a_zip_of_their_enterprise_only(
    world, issued, django_capture_on_commit_callbacks
):
    client = client_as(world.enterprise_admin)
    with django_capture_on_commit_callbacks(execute=True):  # the task runs after the commit
        response = client.post(reverse("certificates:batch_create"), {"variant": "a4"})
    batch = PdfBatch.objects.get()
    assert response.url == reverse("certificates:batch", args=[batch.pk])
    progress = client.get(reverse("certificates:batch", args=[batch.pk]) + "?format=json").json()
    assert progress == {"status": "done", "done": 1, "total": 1, "error": ""}
    download = client.get(reverse("certificates:batch_download", args=[batch.pk]))
    names = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).namelist()
    assert names == [f"{issued[0].number}-{world.person_a.name}.pdf"]


def test_a_batch_is_only_for_who_asked_for_it(world, issued):
    client_as(world.system_admin).post(reverse("certificates:batch_create"), {"variant": "a4"})
    batch = PdfBatch.objects.get()
    assert batch.total == 3
    other = client_as(world.enterprise_admin)
    assert other.get(reverse("certificates:batch", args=[batch.pk])).status_code == 404
    assert other.get(reverse("certificates:batch_download", args=[batch.pk])).status_code == 404


def test_an_enterprise_outside_the_scope_starts_nothing(world, issued):
    response = client_as(world.enterprise_admin).post(
        reverse("certificates:batch_create"), {"enterprise": world.ent_other.uscc}
    )
    assert response.url == reverse("certificates:holders")
    assert not PdfBatch.objects.exists()


def test_an_empty_list_is_refused_with_a_message(world):
    response = client_as(world.enterprise_admin).post(
        reverse("certificates:batch_create"), follow=True
    )
    assert "请至少选择一本证书" in response.content.decode()
    assert not PdfBatch.objects.exists()


def test_trainees_cannot_start_a_batch(world, issued):
    response = client_as(world.trainee).post(reverse("certificates:batch_create"))
    assert response.status_code == 403
    assert not PdfBatch.objects.exists()


def test_a_session_batch_holds_the_certificates_the_session_earned(
    world, cert_session, now, django_capture_on_commit_callbacks
):
    from .conftest import record_practical, take_exam

    with django_capture_on_commit_callbacks(execute=True):
        attempt = take_exam(cert_session, world.person_a, now)
    record_practical(world.person_a, timezone.localdate(attempt.finished_at))
    certificate_issue(
        person=world.person_b, ctype=CertificateType.objects.get(code="TZ-DG"), actor=None
    )
    client_as(world.system_admin).post(
        reverse("certificates:batch_create"), {"session": cert_session.code}
    )
    batch = PdfBatch.objects.get()
    assert batch.certificate_ids == [attempt.certificate.pk]
