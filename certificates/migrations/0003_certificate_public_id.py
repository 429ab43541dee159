"""Every certificate gets a random public id, what its QR names it by instead of its number.

Added empty, filled row by row (each its own random value), then made required and unique.
Tokens already printed keep their form and keep verifying (certificates/trust/tokens.py).
"""

import secrets

from django.db import migrations, models

import certificates.models

BATCH = 2000


def fill(apps, schema_editor):
    Certificate = apps.get_model("certificates", "Certificate")
    while True:
        pks = list(
            Certificate.objects.filter(public_id__isnull=True).values_list("pk", flat=True)[:BATCH]
        )
        if not pks:
            return
        Certificate.objects.bulk_update(
            [Certificate(pk=pk, public_id=secrets.token_hex(8)) for pk in pks], ["public_id"]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0002_seed_certificate_types"),
    ]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="public_id",
            field=models.CharField(editable=False, max_length=32, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="certificate",
            name="public_id",
            field=models.CharField(
                default=certificates.models.new_public_id,
                editable=False,
                max_length=32,
                unique=True,
            ),
        ),
    ]
