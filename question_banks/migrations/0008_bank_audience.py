"""A bank's free `tags` become what its form edits: the personnel categories, posts (工种)
and departments it serves. Old tags are kept: a roster category value (or its Chinese name,
as imports wrote them) becomes a category, anything else a post."""

from django.db import migrations, models

# The personnel categories by value and by the names banks and imports used for them.
_CATEGORY_NAMES = {
    "主要负责人": "principal",
    "安全生产管理人员": "safety_manager",
    "安全管理人员": "safety_manager",
    "特种作业人员": "special_operator",
    "建筑施工企业主要负责人(A)": "construction_a",
    "项目负责人(B)": "construction_b",
    "班组长": "team_leader",
    "一般从业人员": "general",
    "其他从业人员": "general",
    "消防安全责任人": "fire_safety",
    "监管执法人员": "enforcement",
}
_CATEGORY_VALUES = {
    "principal",
    "safety_manager",
    "special_operator",
    "construction_a",
    "construction_b",
    "construction_c1",
    "construction_c2",
    "construction_c3",
    "team_leader",
    "general",
    "fire_safety",
    "enforcement",
}


def tags_to_audience(apps, schema_editor):
    QuestionBank = apps.get_model("question_banks", "QuestionBank")
    for bank in QuestionBank.objects.all():
        categories, posts = [], []
        for tag in bank.tags or []:
            tag = str(tag).strip()
            value = tag if tag in _CATEGORY_VALUES else _CATEGORY_NAMES.get(tag)
            target, item = (categories, value) if value else (posts, tag)
            if item and item not in target:
                target.append(item)
        if categories or posts:
            bank.personnel_categories, bank.posts = categories, posts
            bank.save(update_fields=["personnel_categories", "posts"])


def audience_to_tags(apps, schema_editor):
    QuestionBank = apps.get_model("question_banks", "QuestionBank")
    for bank in QuestionBank.objects.all():
        tags = list(bank.personnel_categories or []) + list(bank.posts or [])
        if tags:
            bank.tags = tags
            bank.save(update_fields=["tags"])


class Migration(migrations.Migration):
    dependencies = [
        ("question_banks", "0007_internal_exams"),
        ("roster", "0010_trainer_grants_name_a_body"),
    ]

    operations = [
        migrations.AddField(
            model_name="questionbank",
            name="departments",
            field=models.ManyToManyField(
                blank=True,
                related_name="+",
                to="roster.department",
                verbose_name="departments served",
            ),
        ),
        migrations.AddField(
            model_name="questionbank",
            name="personnel_categories",
            field=models.JSONField(
                blank=True, default=list, verbose_name="personnel categories served"
            ),
        ),
        migrations.AddField(
            model_name="questionbank",
            name="posts",
            field=models.JSONField(blank=True, default=list, verbose_name="posts / trades served"),
        ),
        migrations.RunPython(tags_to_audience, audience_to_tags),
        migrations.RemoveField(model_name="questionbank", name="tags"),
    ]
