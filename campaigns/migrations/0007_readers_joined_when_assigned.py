"""Readers listed before they had a joining date: the assignment's creation."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def forwards(apps, schema_editor):
    WarningAssignment = apps.get_model("campaigns", "WarningAssignment")
    WarningAssignee = apps.get_model("campaigns", "WarningAssignee")
    created = WarningAssignment.objects.filter(pk=OuterRef("assignment_id")).values("created_at")
    WarningAssignee.objects.filter(joined_at__isnull=True).update(
        joined_at=Subquery(created[:1])
    )


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0006_reader_joined_at")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
