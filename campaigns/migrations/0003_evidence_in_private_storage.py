"""Campaign-month evidence leaves Wagtail's images and documents, whose files sit under
MEDIA_ROOT (published at /media/ to anyone with the URL), for the private storage
(config.storage)."""

import os

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import migrations, models

import config.storage


def move_to_private(apps, schema_editor):
    Evidence = apps.get_model("campaigns", "ActivityEvidence")
    Image = apps.get_model("wagtailimages", "Image")
    Rendition = apps.get_model("wagtailimages", "Rendition")
    Document = apps.get_model("wagtaildocs", "Document")
    for evidence in Evidence.objects.all().iterator():
        is_photo = evidence.image_id is not None
        owner = (
            Image.objects.filter(pk=evidence.image_id).first()
            if is_photo
            else Document.objects.filter(pk=evidence.document_id).first()
        )
        if owner is None or not owner.file:
            continue
        name = owner.file.name
        if default_storage.exists(name):
            with default_storage.open(name, "rb") as source:
                evidence.file.save(os.path.basename(name), File(source), save=False)
        evidence.kind = "photo" if is_photo else "document"
        evidence.image_id = evidence.document_id = None
        evidence.save(update_fields=["file", "kind", "image", "document"])
        # The public copies go: the file, any renditions of it, and the Wagtail rows.
        if is_photo:
            for rendition in Rendition.objects.filter(image_id=owner.pk):
                default_storage.delete(rendition.file.name)
            Rendition.objects.filter(image_id=owner.pk).delete()
        default_storage.delete(name)
        owner.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0002_seed_warning_rules"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
    ]

    # Not one transaction: on PostgreSQL the move deletes Wagtail rows that the evidence's
    # foreign keys point to, and dropping those columns in the same transaction fails with
    # "pending trigger events". The move (RunPython) commits on its own first.
    atomic = False

    operations = [
        migrations.RemoveConstraint(
            model_name="activityevidence", name="campaigns_evidence_has_file"
        ),
        migrations.AlterModelOptions(
            name="activityevidence",
            options={
                "ordering": ["pk"],
                "verbose_name": "evidence",
                "verbose_name_plural": "evidence",
            },
        ),
        migrations.AddField(
            model_name="activityevidence",
            name="kind",
            field=models.CharField(
                choices=[("photo", "Photo"), ("document", "Document")],
                default="document",
                max_length=10,
                verbose_name="kind",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="activityevidence",
            name="file",
            field=models.FileField(
                default="",
                max_length=255,
                storage=config.storage.PrivateFileStorage(),
                upload_to="campaigns/evidence/%Y/%m/",
                verbose_name="file",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(move_to_private, migrations.RunPython.noop),
        migrations.RemoveField(model_name="activityevidence", name="document"),
        migrations.RemoveField(model_name="activityevidence", name="image"),
    ]
