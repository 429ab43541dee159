"""Campaign months: activities with evidence kept in the private storage (never under the
published MEDIA_ROOT), checked by size and type; only the enterprise's admin records them,
and only people in scope open the evidence."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from campaigns.models import ActivityEvidence, MonthActivity
from campaigns.services import CampaignError
from campaigns.services.months import month_activity_record
from roster.choices import Role
from roster.models import RoleGrant
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 20)


def png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


def pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


def record(world, actor=None, files=(), **kwargs):
    values = {
        "actor": actor or world.enterprise_admin,
        "enterprise": world.ent_a,
        "month": "safety",
        "title": "安全生产月知识竞赛",
        "held_on": TODAY,
        "participants": [world.person_a],
        "files": list(files),
        "today": TODAY,
    }
    values.update(kwargs)
    return month_activity_record(**values)


def test_an_activity_keeps_its_photos_and_documents(world):
    activity = record(world, files=[png(), pdf()])
    kinds = sorted(e.kind for e in activity.evidence.all())
    assert kinds == ["document", "photo"]
    for evidence in activity.evidence.all():
        path = Path(evidence.file.path)
        assert path.is_file() and path.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT))
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.*"))
    assert not get_image_model().objects.exists() and not get_document_model().objects.exists()
    assert activity.year == 2026 and list(activity.participants.all()) == [world.person_a]


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("virus.exe", b"MZ\x90\x00" * 10),
        SimpleUploadedFile("fake.pdf", b"<html>not a pdf</html>"),
    ],
)
def test_a_forbidden_type_is_refused_and_writes_nothing(world, upload):
    with pytest.raises(CampaignError) as exc:
        record(world, files=[png(), upload])
    assert exc.value.field == "evidence" and upload.name in exc.value.message
    assert not MonthActivity.objects.exists()
    assert not get_image_model().objects.exists() and not get_document_model().objects.exists()


def test_a_file_over_the_limit_is_refused(world, settings):
    settings.CAMPAIGN_EVIDENCE_MAX_BYTES = 1024
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * 2048)
    with pytest.raises(CampaignError) as exc:
        record(world, files=[big])
    assert "big.pdf" in exc.value.message
    assert not MonthActivity.objects.exists()


@pytest.mark.parametrize(
    ("actor", "changes"),
    [
        ("regulator_county", {}),
        ("enterprise_admin", {"enterprise": "ent_b"}),
        ("enterprise_admin", {"participants": ["person_b"]}),
        ("enterprise_admin", {"held_on": TODAY + dt.timedelta(1)}),
    ],
)
def test_a_bad_activity_is_refused(world, actor, changes):
    values = {}
    for key, value in changes.items():
        if key == "enterprise":
            values[key] = getattr(world, value)
        elif key == "participants":
            values[key] = [getattr(world, v) for v in value]
        else:
            values[key] = value
    with pytest.raises(CampaignError):
        record(world, actor=getattr(world, actor), **values)
    assert not MonthActivity.objects.exists()


def test_evidence_opens_for_the_enterprise_and_its_regulators_only(world):
    activity = record(world, files=[png(), pdf()], held_on=timezone.localdate(), today=None)
    photo = activity.evidence.get(kind=ActivityEvidence.Kind.PHOTO)
    document = activity.evidence.get(kind=ActivityEvidence.Kind.DOCUMENT)
    admin_b = UserFactory(username="admin-b")
    RoleGrant.objects.create(user=admin_b, role=Role.ENTERPRISE_ADMIN, enterprise=world.ent_b)
    regulator_other = UserFactory(username="reg-other")
    RoleGrant.objects.create(user=regulator_other, role=Role.REGULATOR, region=world.other_county)

    def get(user, evidence):
        client = Client()
        if user is not None:
            client.force_login(user)
        return client.get(f"/campaigns/months/evidence/{evidence.pk}/")

    for user in (world.enterprise_admin, world.regulator_county):
        shown = get(user, photo)
        assert shown.status_code == 200 and shown["Content-Type"] == "image/png"
        assert b"".join(shown.streaming_content) == Path(photo.file.path).read_bytes()
        kept = get(user, document)
        assert kept.status_code == 200 and "attachment" in kept["Content-Disposition"]
    # The list links the checked view, never a file URL.
    client = Client()
    client.force_login(world.enterprise_admin)
    page = client.get("/campaigns/months/").content.decode()
    assert f"/campaigns/months/evidence/{photo.pk}/" in page and "/media/" not in page
    for outsider in (admin_b, regulator_other, world.regulator_township_chem, world.trainee):
        for evidence in (photo, document):
            assert get(outsider, evidence).status_code in (403, 404)
    anonymous = get(None, photo)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert Client().get(f"/media/{photo.file.name}").status_code == 404
