import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0007_readers_joined_when_assigned")]

    operations = [
        migrations.AlterField(
            model_name="warningassignee",
            name="joined_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="assigned since"
            ),
        ),
    ]
