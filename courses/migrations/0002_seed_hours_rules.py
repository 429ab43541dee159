"""The national default hours (MISSION.md) as editable rules: (category, kind, high-risk)."""

from django.db import migrations

MANAGERS = ["principal", "safety_manager"]
STAFF = ["general", "team_leader", "special_operator", "fire_safety"]
CONSTRUCTION = [f"construction_{x}" for x in ("a", "b", "c1", "c2", "c3")]

# (categories, training kind, period, hours in ordinary industries, hours in high-risk ones)
RULES = [
    (MANAGERS, "initial", "once", 32, 48),
    (MANAGERS, "retraining", "yearly", 12, 16),
    (STAFF, "pre_job", "once", 24, 72),
    (STAFF, "retraining", "yearly", 8, 20),
    (CONSTRUCTION, "pre_job", "once", 32, 32),
    (CONSTRUCTION, "retraining", "yearly", 20, 20),
    (["special_operator"], "review", "once", 8, 8),
]


def seed(apps, schema_editor):
    HoursRule = apps.get_model("courses", "HoursRule")
    for categories, kind, period, ordinary, high_risk in RULES:
        for category in categories:
            for is_high_risk, hours in ((False, ordinary), (True, high_risk)):
                HoursRule.objects.update_or_create(
                    personnel_category=category,
                    training_kind=kind,
                    high_risk=is_high_risk,
                    defaults={"required_hours": hours, "period": period},
                )


class Migration(migrations.Migration):
    dependencies = [("courses", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
