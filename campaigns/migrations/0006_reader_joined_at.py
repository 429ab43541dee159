from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0005_closing_exam_session_and_reader_left_at")]

    operations = [
        # Nullable first, filled from the assignment next (its own transaction on PostgreSQL).
        migrations.AddField(
            model_name="warningassignee",
            name="joined_at",
            field=models.DateTimeField(null=True, verbose_name="assigned since"),
        ),
    ]
