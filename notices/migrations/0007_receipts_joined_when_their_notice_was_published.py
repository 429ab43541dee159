"""Receipts made before they had a joining date: the notice's publish time (their deadline
stays the notice's: nobody is known to have joined late)."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def forwards(apps, schema_editor):
    Notice = apps.get_model("notices", "Notice")
    NoticeReceipt = apps.get_model("notices", "NoticeReceipt")
    notice = Notice.objects.filter(pk=OuterRef("notice_id"))
    NoticeReceipt.objects.filter(joined_at__isnull=True).update(
        joined_at=Subquery(notice.values("publish_from")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [("notices", "0006_receipt_joined_at_and_own_deadline")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
