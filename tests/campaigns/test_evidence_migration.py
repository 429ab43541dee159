"""The data migrations that moved drill and campaign-month evidence to the private storage
(drills and campaigns 0003), run on files that exist under MEDIA_ROOT, in the style of
django-test-migrations: migrate both apps back to 0002, create evidence rows with Wagtail
images and documents as they were then, migrate forward, then check that each file moved
out of MEDIA_ROOT into PRIVATE_MEDIA_ROOT with its bytes, the public copies and Wagtail
rows are gone, and only the enterprise's own admin is served it."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from campaigns.models import ActivityEvidence
from drills.models import DrillEvidence
from roster.choices import Role
from roster.models import RoleGrant
from tests.factories import UserFactory, build_world

# serialized_rollback: the rows of data migrations (industries, rules) are back for the
# tests after this one, which a transactional test's flush would otherwise remove.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("campaigns", "0002_seed_warning_rules"), ("drills", "0002_seed_rules")]
PDF = b"%PDF-1.4\n% evidence\n%%EOF\n"


def _png() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (2, 2), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_apps():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        yield _migrate(BEFORE)
    finally:
        # Back to the latest schema even when the test failed, for the tests after it.
        _migrate(latest)


def _public_files(apps, collection_id: int) -> dict[str, tuple[int, str, bytes]]:
    """A document and a photo under MEDIA_ROOT, as Wagtail kept them before 0003."""
    Document = apps.get_model("wagtaildocs", "Document")
    Image = apps.get_model("wagtailimages", "Image")
    # Written to the storage first: a historical model has not the upload_to methods.
    document = Document.objects.create(
        title="签到表",
        collection_id=collection_id,
        file=default_storage.save("documents/sign-in.pdf", ContentFile(PDF)),
    )
    photo_bytes = _png()
    image = Image.objects.create(
        title="现场照片",
        collection_id=collection_id,
        width=2,
        height=2,
        file=default_storage.save("original_images/scene.png", ContentFile(photo_bytes)),
    )
    for name in (document.file.name, image.file.name):
        assert (Path(settings.MEDIA_ROOT) / name).exists()
    return {
        "document": (document.pk, document.file.name, PDF),
        "photo": (image.pk, image.file.name, photo_bytes),
    }


def test_evidence_files_move_to_private_storage_and_are_served_only_to_the_owner(old_apps, client):
    world = build_world()
    # The root collection comes from Wagtail's migrations; a transactional test before this
    # one may have flushed it.
    collection, _created = old_apps.get_model("wagtailcore", "Collection").objects.get_or_create(
        depth=1, defaults={"path": "0001", "numchild": 0, "name": "Root"}
    )
    # campaigns at 0002: a 安全生产月 activity with a document and a photo
    files = _public_files(old_apps, collection.pk)
    Activity = old_apps.get_model("campaigns", "MonthActivity")
    OldActivityEvidence = old_apps.get_model("campaigns", "ActivityEvidence")
    activity = Activity.objects.create(
        enterprise_id=world.ent_a.pk,
        month="safety",
        year=2026,
        title="安全生产月应急演练",
        held_on=dt.date(2026, 6, 12),
    )
    OldActivityEvidence.objects.create(activity_id=activity.pk, document_id=files["document"][0])
    OldActivityEvidence.objects.create(activity_id=activity.pk, image_id=files["photo"][0])
    # drills at 0002: a drill record with its photo
    drill_files = _public_files(old_apps, collection.pk)
    Record = old_apps.get_model("drills", "DrillRecord")
    OldDrillEvidence = old_apps.get_model("drills", "DrillEvidence")
    record = Record.objects.create(
        enterprise_id=world.ent_a.pk,
        kind="onsite",
        form="live",
        held_on=dt.date(2026, 5, 20),
        place="一号车间",
        duration_minutes=40,
        organiser="安全科",
        scenario="车间火灾疏散",
    )
    OldDrillEvidence.objects.create(
        record_id=record.pk, kind="photo", title="疏散", image_id=drill_files["photo"][0]
    )

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    media = Path(settings.MEDIA_ROOT)
    private = Path(settings.PRIVATE_MEDIA_ROOT)
    moved = {e.kind: e for e in ActivityEvidence.objects.all()}
    assert set(moved) == {"document", "photo"}
    for kind, (_pk, old_name, data) in files.items():
        stored = moved[kind].file.name
        assert stored.startswith("campaigns/evidence/")
        assert (private / stored).read_bytes() == data
        assert not (media / old_name).exists()
    drill = DrillEvidence.objects.get()
    assert (private / drill.file.name).read_bytes() == drill_files["photo"][2]
    assert not (media / drill_files["photo"][1]).exists()
    # The Wagtail rows went with the public copies; a document no evidence used stays.
    assert not get_document_model().objects.filter(pk=files["document"][0]).exists()
    assert not get_image_model().objects.exists()
    assert get_document_model().objects.filter(pk=drill_files["document"][0]).exists()
    assert (media / drill_files["document"][1]).exists()

    urls = [f"/campaigns/months/evidence/{e.pk}/" for e in moved.values()]
    urls.append(f"/drills/evidence/{drill.pk}/")
    client.force_login(world.enterprise_admin)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "private, no-store"
    stranger = UserFactory(username="admin_b")
    RoleGrant.objects.create(user=stranger, role=Role.ENTERPRISE_ADMIN, enterprise=world.ent_b)
    client.force_login(stranger)
    for url in urls:
        assert client.get(url).status_code in (403, 404), url
    client.logout()
    for url in urls:
        assert client.get(url).status_code in (302, 403, 404), url
