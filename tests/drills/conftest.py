"""Drills' test helpers: enterprises registered long ago (so past periods count) and a
recorded drill of ent_a's admin."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from drills import services
from roster.models import Enterprise


def jpeg(name: str = "photo.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "orange").save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def record_data(**overrides) -> services.RecordData:
    values = dict(
        kind="onsite",
        form="live",
        held_on=dt.date(2026, 3, 10),
        place="一号车间",
        duration_minutes=40,
        organiser="安全科",
        scenario="车间火灾初起扑救与人员疏散",
    )
    values.update(overrides)
    return services.RecordData(**values)


@pytest.fixture
def old_world(world):
    """The world's enterprises, registered here since 2020."""
    Enterprise.objects.update(created_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    for name in ("ent_a", "ent_a_chem", "ent_b", "ent_other"):
        getattr(world, name).refresh_from_db()
    return world


@pytest.fixture
def drill(world):
    """A drill of ent_a with person_a taking part."""
    return services.record_save(
        actor=world.enterprise_admin,
        enterprise=world.ent_a,
        data=record_data(),
        participants=[world.person_a],
        on=dt.date(2026, 6, 1),
    )
