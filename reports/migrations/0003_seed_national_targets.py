"""The national targets the seed plans name: 持证上岗率 100 %, 参训率 100 % (the principals'
special training), 考核合格率 100 %; a region sets its own in the admin."""

from django.db import migrations

TARGETS = [("certification_rate", 100), ("participation_rate", 100), ("final_pass_rate", 100)]


def seed(apps, schema_editor):
    FigureTarget = apps.get_model("reports", "FigureTarget")
    for figure, percent in TARGETS:
        FigureTarget.objects.update_or_create(
            region=None, figure=figure, defaults={"target_percent": percent}
        )


def unseed(apps, schema_editor):
    apps.get_model("reports", "FigureTarget").objects.filter(region=None).delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_figure_targets")]

    operations = [migrations.RunPython(seed, unseed)]
