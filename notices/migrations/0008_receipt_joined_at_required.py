import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("notices", "0007_receipts_joined_when_their_notice_was_published")]

    operations = [
        migrations.AlterField(
            model_name="noticereceipt",
            name="joined_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="in the audience since"
            ),
        ),
    ]
