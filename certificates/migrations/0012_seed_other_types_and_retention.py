"""The certificates outside the special-operation catalogue that MISSION.md names, and how long
records are kept, as editable rows.

Other types ("Not in this catalogue, but certificates the same people need"):
- 特种设备作业人员证 (market regulation: boilers, pressure vessels, lifts, cranes, forklifts…);
- 消防设施操作员 (fire-system operators);
- 建筑施工特种作业操作资格证 (construction: 建筑电工, 架子工, 塔式起重机司机…).
MISSION.md gives no validity, review cycle, number format or retention for them: those fields
are left empty (validity_years NULL, review NULL, the model's default number pattern) rather
than invented; an administrator fills them in for the province. Each is one type (the product
does not split them into their 作业项目). The posts they map to are the ones MISSION.md names;
the construction ones bind in the construction industry (06) only, where that card is asked.

Construction 延续 "granted when training was done": renew_needs_yearly_training on the
construction rule.

Retention ("records kept"): training files ≥ 6 years for 特种作业, ≥ 3 years for 主要负责人 /
安全管理人员: records_kept_years on the special-operation and principal/manager types.
"""

from django.db import migrations

MARKET = ("SJ990000", "示范省市场监督管理局")
FIRE = ("XF990000", "示范省消防救援总队")
CONSTRUCTION = ("JS990000", "示范省住房和城乡建设厅")
CONSTRUCTION_INDUSTRY = "06"

# code, name, family, issuer, posts, construction industry only
OTHER_TYPES = [
    (
        "TSSB",
        "特种设备作业人员证",
        "special_equipment",
        MARKET,
        ["锅炉司炉", "压力容器操作", "电梯作业", "起重机司机", "叉车司机"],
        False,
    ),
    ("XFSS", "消防设施操作员", "fire_operator", FIRE, ["消防设施操作员"], False),
    (
        "JZ-TZ",
        "建筑施工特种作业操作资格证",
        "construction_special",
        CONSTRUCTION,
        ["建筑电工", "架子工", "塔式起重机司机"],
        True,
    ),
]

RETENTION = {"special_operation": 6, "principal_manager": 3}


def seed(apps, schema_editor):
    CertificateType = apps.get_model("certificates", "CertificateType")
    PostRequirement = apps.get_model("certificates", "PostRequirement")
    Industry = apps.get_model("roster", "Industry")
    construction = Industry.objects.filter(code=CONSTRUCTION_INDUSTRY).first()
    for code, name, family, issuer, posts, construction_only in OTHER_TYPES:
        ctype, _created = CertificateType.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "family": family,
                # Held by whoever works the post, whatever their category on the roster.
                "personnel_category": "general",
                "validity_years": None,
                "review_interval_years": None,
                "issuer_code": issuer[0],
                "issuer_name": issuer[1],
            },
        )
        industry = construction if construction_only else None
        for post in posts:
            PostRequirement.objects.get_or_create(
                certificate_type=ctype, post=post, industry=industry
            )
    # 建筑施工 延续 "granted when training was done" (MISSION.md).
    CertificateRule = apps.get_model("certificates", "CertificateRule")
    CertificateRule.objects.filter(family="construction").update(renew_needs_yearly_training=True)
    for family, years in RETENTION.items():
        CertificateType.objects.filter(family=family, records_kept_years__isnull=True).update(
            records_kept_years=years
        )


def unseed(apps, schema_editor):
    CertificateType = apps.get_model("certificates", "CertificateType")
    Certificate = apps.get_model("certificates", "Certificate")
    codes = [row[0] for row in OTHER_TYPES]
    # A type somebody holds stays; the others go with their post requirements.
    CertificateType.objects.filter(code__in=codes).exclude(
        pk__in=Certificate.objects.values("certificate_type_id")
    ).delete()
    CertificateType.objects.update(records_kept_years=None)


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0011_other_families_and_retention"),
        ("roster", "0018_party_leader_category"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
