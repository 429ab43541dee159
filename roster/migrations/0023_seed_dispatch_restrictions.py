"""Seed the posts mines may not fill with 劳务派遣 workers (roster.models.DispatchRestriction).

The national mine-safety rules forbid a mine to use dispatched workers (劳务派遣) in special
operations (特种作业) and underground (井下) work; for coal mines the face work of 采煤 and
掘进 is underground by nature, so those posts are named too. Rows, not constants: a province
adds posts or industries in the admin (Organisations › forbidden posts).
"""

from django.db import migrations

COAL, NON_COAL = "01", "02"
SPECIAL = "special_operator"
DISPATCHED = "dispatched"
NO_SPECIAL = "矿山不得使用劳务派遣人员从事特种作业"
NO_UNDERGROUND = "矿山不得使用劳务派遣人员从事井下作业"

# (industry code, personnel category, post name contains, rule)
RULES = [
    (COAL, SPECIAL, "", NO_SPECIAL),
    (COAL, "", "井下", NO_UNDERGROUND),
    (COAL, "", "采煤", NO_UNDERGROUND),
    (COAL, "", "掘进", NO_UNDERGROUND),
    (NON_COAL, SPECIAL, "", NO_SPECIAL),
    (NON_COAL, "", "井下", NO_UNDERGROUND),
]


def seed(apps, schema_editor):
    Industry = apps.get_model("roster", "Industry")
    DispatchRestriction = apps.get_model("roster", "DispatchRestriction")
    for code, category, contains, rule in RULES:
        industry = Industry.objects.filter(code=code).first()
        if industry is None:
            continue
        DispatchRestriction.objects.get_or_create(
            industry=industry,
            employment_form=DISPATCHED,
            personnel_category=category,
            post_contains=contains,
            defaults={"rule": rule},
        )


def unseed(apps, schema_editor):
    DispatchRestriction = apps.get_model("roster", "DispatchRestriction")
    for code, category, contains, _rule in RULES:
        DispatchRestriction.objects.filter(
            industry__code=code,
            employment_form=DISPATCHED,
            personnel_category=category,
            post_contains=contains,
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("roster", "0022_dispatchrestriction")]
    operations = [migrations.RunPython(seed, unseed)]
