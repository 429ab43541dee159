"""PDF batches (whole certificates with ID numbers) leave MEDIA_ROOT, published at /media/
under the batch's id and the second it was made, for the private storage (config.storage):
only the batch's download view, which checks who asks, hands them out."""

from pathlib import PurePosixPath

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import migrations, models

import config.storage


def move_to_private(apps, schema_editor):
    for batch in apps.get_model("certificates", "PdfBatch").objects.exclude(file="").iterator():
        name = batch.file.name
        if not default_storage.exists(name):
            continue
        with default_storage.open(name, "rb") as source:
            batch.file.save(PurePosixPath(name).name, File(source), save=False)
        batch.save(update_fields=["file"])
        default_storage.delete(name)


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0016_certificate_former_number"),
    ]

    operations = [
        migrations.AlterField(
            model_name="pdfbatch",
            name="file",
            field=models.FileField(
                blank=True,
                storage=config.storage.PrivateFileStorage(),
                upload_to="certificates/batches/",
            ),
        ),
        # Not reversed: the public copies are gone, and publishing them again is no undo.
        migrations.RunPython(move_to_private, migrations.RunPython.noop),
    ]
