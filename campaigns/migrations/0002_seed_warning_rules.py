"""The national defaults of warning education, as rows an administrator edits: meetings
(警示教育会) at least 6 times a year per enterprise, every person reading at least 6 cases
a year, a case taking 10 minutes to read, credited as annual retraining."""

from django.db import migrations

TARGETS = [("meetings", 6), ("cases_read", 6)]


def seed(apps, schema_editor):
    WarningTarget = apps.get_model("campaigns", "WarningTarget")
    WarningRule = apps.get_model("campaigns", "WarningRule")
    for metric, count in TARGETS:
        WarningTarget.objects.get_or_create(
            metric=metric, industry=None, defaults={"yearly_count": count}
        )
    WarningRule.objects.get_or_create(
        pk=1,
        defaults={"reading_minutes": 10, "credits_hours": True, "training_kind": "retraining"},
    )


def unseed(apps, schema_editor):
    apps.get_model("campaigns", "WarningTarget").objects.filter(industry=None).delete()
    apps.get_model("campaigns", "WarningRule").objects.filter(pk=1).delete()


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
