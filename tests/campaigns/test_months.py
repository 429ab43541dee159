"""Campaign months: activities with evidence kept as Wagtail images and documents, checked
by size and type; only the enterprise's admin records them."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from campaigns.models import MonthActivity
from campaigns.services import CampaignError
from campaigns.services.months import month_activity_record

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
    kinds = sorted("image" if e.image_id else "document" for e in activity.evidence.all())
    assert kinds == ["document", "image"]
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
