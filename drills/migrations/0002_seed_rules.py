"""The national drill frequency rules (MISSION.md), as rows the system admin may change.

- 生产安全事故应急预案管理办法 (2019) art. 33: every enterprise drills its 综合 or 专项 plan at
  least once a year and its 现场处置方案 at least every half year;
- the same article: units of flammable, explosive or hazardous goods, mines, metal smelting,
  urban rail, construction and crowded places drill at least every half year and report the
  drill to the county's supervising department (industries 01-06 and 11 商贸服务 here; an
  administrator adds or removes industries);
- 消防安全管理规定 (公安部令第61号) art. 40: 消防安全重点单位 drill fire fighting and
  evacuation at least every half year, other units at least once a year.
"""

from django.db import migrations

RULES = [
    # code, name, kinds, period, applies_to, report_to_county, basis
    (
        "plan-yearly",
        "综合或专项应急预案演练每年至少一次",
        ["comprehensive", "special"],
        "year",
        "all",
        False,
        "生产安全事故应急预案管理办法第三十三条",
    ),
    (
        "onsite-half-yearly",
        "现场处置方案演练每半年至少一次",
        ["onsite"],
        "half_year",
        "all",
        False,
        "生产安全事故应急预案管理办法第三十三条",
    ),
    (
        "high-risk-half-yearly",
        "高危行业及人员密集场所每半年至少一次演练并报县级主管部门",
        ["comprehensive", "special", "onsite", "fire"],
        "half_year",
        "industries",
        True,
        "生产安全事故应急预案管理办法第三十三条",
    ),
    (
        "fire-key-half-yearly",
        "消防安全重点单位灭火和应急疏散演练每半年至少一次",
        ["fire"],
        "half_year",
        "fire_key",
        False,
        "消防安全管理规定(公安部令第61号)第四十条",
    ),
    (
        "fire-yearly",
        "其他单位灭火和应急疏散演练每年至少一次",
        ["fire"],
        "year",
        "not_fire_key",
        False,
        "消防安全管理规定(公安部令第61号)第四十条",
    ),
]
HIGH_RISK_INDUSTRIES = ["01", "02", "03", "04", "05", "06", "11"]


def seed(apps, schema_editor):
    DrillRule = apps.get_model("drills", "DrillRule")
    Industry = apps.get_model("roster", "Industry")
    for order, (code, name, kinds, period, applies_to, report, basis) in enumerate(RULES):
        rule, _created = DrillRule.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "kinds": kinds,
                "period": period,
                "applies_to": applies_to,
                "report_to_county": report,
                "basis": basis,
                "sort_order": order,
            },
        )
        if applies_to == "industries":
            rule.industries.set(Industry.objects.filter(code__in=HIGH_RISK_INDUSTRIES))


def unseed(apps, schema_editor):
    apps.get_model("drills", "DrillRule").objects.filter(code__in=[r[0] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("drills", "0001_initial"),
        ("roster", "0002_seed_industries"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
