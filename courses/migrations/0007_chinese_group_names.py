"""The trainers' and reviewers' groups take Chinese names: the admin shows a group's name as
it is stored (group list, group editor, a user's groups, the approval task), and the Chinese
admin would otherwise read "Trainers" and "Reviewers". Code finds them through
roster.groups, never the literal."""

from django.db import migrations

RENAMES = [("Trainers", "培训教师"), ("Reviewers", "课程审核员")]


def _rename(apps, pairs) -> None:
    Group = apps.get_model("auth", "Group")
    for old, new in pairs:
        # A name an administrator already gave (or a group made since) stays as it is.
        if not Group.objects.filter(name=new).exists():
            Group.objects.filter(name=old).update(name=new)


def chinese_names(apps, schema_editor):
    _rename(apps, RENAMES)


def english_names(apps, schema_editor):
    _rename(apps, [(new, old) for old, new in RENAMES])


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0006_alter_creditentry_source"),
        ("question_banks", "0002_trainers_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]
    operations = [migrations.RunPython(chinese_names, english_names)]
