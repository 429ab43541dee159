"""The windows and bars of the national rules (MISSION.md), one editable row per family."""

from django.db import migrations

RULES = {
    # 特种作业操作证: review applied for ≥ 60 days before due; 撤销 bars 3 years; away ≥ 6
    # months: practical exam again; a theory pass is usable 12 months for the practical.
    "special_operation": {
        "review_apply_days_before": 60,
        "revocation_bar_years": 3,
        "away_practical_months": 6,
        "theory_valid_months": 12,
    },
    # 主要负责人 / 安全管理人员合格证: extension ≥ 30 days before expiry; high-risk industries
    # assess within 6 months of taking the post.
    "principal_manager": {"renew_apply_days_before": 30, "assess_within_months": 6},
    # 建筑施工 A/B/C: 延续 within the 3 months before expiry, not after an accident penalty or a
    # bad credit record.
    "construction": {"renew_window_months": 3, "renew_barred_by_records": True},
}


def seed(apps, schema_editor):
    CertificateRule = apps.get_model("certificates", "CertificateRule")
    for family, fields in RULES.items():
        CertificateRule.objects.update_or_create(family=family, defaults=fields)


def unseed(apps, schema_editor):
    apps.get_model("certificates", "CertificateRule").objects.filter(family__in=RULES).delete()


class Migration(migrations.Migration):
    dependencies = [("certificates", "0008_certificate_rules")]
    operations = [migrations.RunPython(seed, unseed)]
