"""Sign-in sheets and webcam snapshots leave MEDIA_ROOT (published at /media/ to anyone with
the URL, under the uploader's name or the person's id and the second) for the private
storage (config.storage), each under a random name with the extension its bytes prove."""

import uuid
from pathlib import PurePosixPath

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import migrations, models

import config.storage

_SIGNATURES = {b"%PDF-": "pdf", b"\xff\xd8\xff": "jpg", b"\x89PNG\r\n\x1a\n": "png"}


def _move(row, field: str, default_extension: str) -> None:
    stored = getattr(row, field)
    name = stored.name
    if not name or not default_storage.exists(name):
        return
    with default_storage.open(name, "rb") as source:
        head = source.read(8)
        source.seek(0)
        extension = next(
            (ext for sig, ext in _SIGNATURES.items() if head.startswith(sig)), default_extension
        )
        folder = PurePosixPath(name).parent.name  # the year (and month) it was kept under
        stored.save(f"{folder}-{uuid.uuid4().hex}.{extension}", File(source), save=False)
    row.save(update_fields=[field])
    default_storage.delete(name)


def move_to_private(apps, schema_editor):
    for session in apps.get_model("courses", "ClassroomSession").objects.iterator():
        _move(session, "sign_in_sheet", "pdf")
    for snapshot in apps.get_model("courses", "AttendanceSnapshot").objects.iterator():
        _move(snapshot, "image", "jpg")


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0014_violation_severity"),
    ]

    operations = [
        migrations.AlterField(
            model_name="attendancesnapshot",
            name="image",
            field=models.ImageField(
                storage=config.storage.PrivateFileStorage(),
                upload_to="courses/snapshots/%Y/%m/",
            ),
        ),
        migrations.AlterField(
            model_name="classroomsession",
            name="sign_in_sheet",
            field=models.FileField(
                max_length=255,
                storage=config.storage.PrivateFileStorage(),
                upload_to="courses/sign-in/%Y/",
                verbose_name="sign-in sheet",
            ),
        ),
        # Not reversed: the public copies are gone, and publishing them again is no undo.
        migrations.RunPython(move_to_private, migrations.RunPython.noop),
    ]
