"""Files with personal data are never published under /media/ (ARCHITECTURE.md rule 7).

Everything under MEDIA_ROOT is served to anyone who has (or guesses) the URL, with the type
its name says. A classroom session's sign-in sheet (attendees' names and signatures), a
learner's webcam snapshot (their face) and a PDF batch (whole certificates with ID numbers)
were kept there, under names a stranger could guess: the uploader's own name and extension
(so a file starting with `%PDF-` named `.html` was served as a page of the site), the
person's id and the second it was taken, or the batch's id and the second it was made.
They are kept in the private storage now, under random names with the extension their
bytes prove, and handed out only by views that check who asks.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from certificates.models import CertificateType, PdfBatch
from certificates.services.issuing import certificate_issue
from courses.models import AttendanceSnapshot, ClassroomSession, StudySettings
from courses.services import study
from roster.choices import Role
from roster.models import AuditLog, RoleGrant
from tests.courses.test_study import (
    no_idle_checks,  # noqa: F401
    video,  # noqa: F401
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# A PDF's magic bytes, then a page of HTML: what a browser runs if it is served as text/html.
POLYGLOT = b"%PDF-1.4\n<html><script>alert(document.cookie)</script></html>\n%%EOF\n"


def _client(user=None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def _public_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _record_classroom(world, upload) -> ClassroomSession:
    response = _client(world.enterprise_admin).post(
        reverse("courses:classroom_create"),
        {
            "title": "消防安全培训",
            "training_kind": "retraining",
            "held_on": "2025-04-01",
            "hours": "2.0",
            "trainer": "王老师",
            "attendees": [world.person_a.pk],
            "sign_in_sheet": upload,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return ClassroomSession.objects.get()


def test_a_sign_in_sheet_is_kept_private_under_the_type_its_bytes_prove(world):
    session = _record_classroom(
        world, SimpleUploadedFile("签到表.html", POLYGLOT, content_type="text/html")
    )

    assert _public_files() == []
    name = session.sign_in_sheet.name
    assert name.endswith(".pdf")
    assert "签到表" not in name  # the uploader's name is no part of where it is kept


def test_only_who_may_read_the_session_gets_its_sign_in_sheet(world):
    session = _record_classroom(world, SimpleUploadedFile("sheet.pdf", POLYGLOT))
    url = reverse("courses:classroom_sheet", args=[session.pk])
    admin_b = UserFactory(username="admin_b")
    RoleGrant.objects.create(user=admin_b, role=Role.ENTERPRISE_ADMIN, enterprise=world.ent_b)

    own = _client(world.enterprise_admin).get(url)
    assert own.status_code == 200
    assert b"".join(own.streaming_content) == POLYGLOT
    assert own["Content-Type"] == "application/pdf"
    assert own["Content-Disposition"].startswith("attachment")
    assert own["X-Content-Type-Options"] == "nosniff"
    # The county's regulator reads the enterprise's training records; the read is audited.
    assert _client(world.regulator_county).get(url).status_code == 200
    assert AuditLog.objects.filter(
        actor=world.regulator_county, action="courses.classroom_view"
    ).exists()
    for stranger in (admin_b, world.trainee, world.trainer, world.no_role):
        assert _client(stranger).get(url).status_code in (403, 404), stranger
    assert _client().get(url).status_code == 302  # to the sign-in page


def test_the_classroom_page_links_the_sheet_through_the_checked_view(world):
    session = _record_classroom(world, SimpleUploadedFile("sheet.pdf", POLYGLOT))
    page = _client(world.enterprise_admin).get(reverse("courses:classroom_edit", args=[session.pk]))
    assert reverse("courses:classroom_sheet", args=[session.pk]) in page.content.decode()
    assert "/media/" not in page.content.decode()


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 130, 140)).save(out, "JPEG")
    return out.getvalue()


def test_a_webcam_snapshot_is_kept_private_under_a_name_no_one_can_guess(world, video):  # noqa: F811
    switch = StudySettings.load()
    switch.webcam_snapshots = True
    switch.save()

    snapshot = study.snapshot_save(person=world.person_a, lesson=video, data=_jpeg())

    assert _public_files() == []
    name = Path(snapshot.image.name).name
    assert not name.startswith(f"{world.person_a.pk}-")
    assert len(Path(name).stem) >= 32  # random, not the person and the second
    assert AttendanceSnapshot.objects.get().image.read() == _jpeg()


def test_a_pdf_batch_is_kept_private_and_downloaded_by_who_asked_for_it(
    world, django_capture_on_commit_callbacks
):
    certificate_issue(
        person=world.person_a, ctype=CertificateType.objects.get(code="TZ-DG"), actor=None
    )
    client = _client(world.enterprise_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("certificates:batch_create"), {"variant": "a4"})
    batch = PdfBatch.objects.get()

    assert batch.status == PdfBatch.Status.DONE
    assert _public_files() == []
    download = client.get(reverse("certificates:batch_download", args=[batch.pk]))
    assert zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).namelist()
