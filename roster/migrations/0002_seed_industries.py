"""The industry catalogue (行业领域) with the national high-risk flags (MISSION.md).

Rows, not constants: an administrator may rename, add or re-flag them. Codes are stable keys
that reports and imports use.
"""

from django.db import migrations

INDUSTRIES = [
    ("01", "煤矿", True),
    ("02", "非煤矿山", True),
    ("03", "危险化学品", True),
    ("04", "烟花爆竹", True),
    ("05", "金属冶炼", True),
    ("06", "建筑施工", False),
    ("07", "工贸(机械、轻工、纺织、建材、有色)", False),
    ("08", "交通运输", False),
    ("09", "城镇燃气", False),
    ("10", "电力", False),
    ("11", "商贸服务", False),
    ("12", "消防重点单位", False),
    ("13", "农业机械与渔业", False),
    ("99", "其他", False),
]


def seed(apps, schema_editor):
    Industry = apps.get_model("roster", "Industry")
    for order, (code, name, high_risk) in enumerate(INDUSTRIES):
        Industry.objects.update_or_create(
            code=code, defaults={"name": name, "high_risk": high_risk, "sort_order": order}
        )


def unseed(apps, schema_editor):
    Industry = apps.get_model("roster", "Industry")
    Industry.objects.filter(code__in=[c for c, _, _ in INDUSTRIES], enterprises__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("roster", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
