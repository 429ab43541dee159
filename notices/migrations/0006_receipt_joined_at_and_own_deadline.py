from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("notices", "0005_knowledge_items_of_their_publishers_industries")]

    operations = [
        # Nullable first: the rows there are filled from their notice in the next migration
        # (its own transaction on PostgreSQL: no ALTER TABLE after the UPDATE in one).
        migrations.AddField(
            model_name="noticereceipt",
            name="joined_at",
            field=models.DateTimeField(null=True, verbose_name="in the audience since"),
        ),
        migrations.AddField(
            model_name="noticereceipt",
            name="ack_due_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="acknowledge by"),
        ),
    ]
