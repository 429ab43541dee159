"""The whole national special-operation catalogue (特种作业目录, attachment of 30号令 as
amended; MISSION.md "Special operations catalogue") as editable rows.

Each operation item (操作项目) is a certificate type of the 特种作业操作证 family, with its
作业类别 and the posts (工种) that map to it. A post maps an item only for 特种作业人员: an
ordinary 化工操作工 is not asked for a process certificate because of a post name. The
generic 危险化工工艺作业 type of 0002 is retired in favour of the sixteen process items
(its certificates, if any, stay readable)."""

from django.db import migrations

PROVINCE_ISSUER = ("AJ990000", "示范省应急管理厅")

# 作业类别 → [(code, 操作项目, [posts that map to it besides the item's own name])]
CATALOGUE = [
    (
        "电工作业",
        [
            ("TZ-GY", "高压电工作业", ["高压电工", "变电值班员", "电力电缆作业", "继电保护作业"]),
            ("TZ-DG", "低压电工作业", ["低压电工", "电工", "维修电工"]),
            ("TZ-FB", "防爆电气作业", ["防爆电工", "防爆电气安装工"]),
        ],
    ),
    (
        "焊接与热切割作业",
        [
            ("TZ-HJ", "熔化焊接与热切割作业", ["焊工", "电焊工", "气焊工", "气割工"]),
            ("TZ-YLH", "压力焊作业", ["压力焊工", "电阻焊工"]),
            ("TZ-QH", "钎焊作业", ["钎焊工"]),
        ],
    ),
    (
        "高处作业",
        [
            ("TZ-DJ", "登高架设作业", ["架子工", "登高架设工"]),
            ("TZ-GC", "高处安装、维护、拆除作业", ["高处作业工", "外墙清洗工", "幕墙安装工"]),
        ],
    ),
    (
        "制冷与空调作业",
        [
            ("TZ-ZL", "制冷与空调设备运行操作作业", ["制冷与空调作业", "制冷工", "空调运行工"]),
            ("TZ-ZLX", "制冷与空调设备安装修理作业", ["制冷设备维修工", "空调安装工"]),
        ],
    ),
    (
        "煤矿安全作业",
        [
            ("TZ-MK-DQ", "煤矿井下电气作业", ["煤矿井下电钳工", "煤矿电工"]),
            ("TZ-MK-BP", "煤矿井下爆破作业", ["煤矿爆破工", "放炮员"]),
            ("TZ-MK-JK", "煤矿安全监测监控作业", ["煤矿安全监测工", "监测监控工"]),
            ("TZ-MK-WS", "煤矿瓦斯检查作业", ["煤矿瓦斯检查工", "瓦斯检查工"]),
            ("TZ-MK-AJ", "煤矿安全检查作业", ["煤矿安全检查工", "煤矿安检工"]),
            ("TZ-MK-TS", "煤矿提升机操作作业", ["煤矿提升机操作工", "绞车司机"]),
            ("TZ-MK-CM", "煤矿采煤机(掘进机)操作作业", ["采煤机司机", "掘进机司机"]),
            ("TZ-MK-CC", "煤矿瓦斯抽采作业", ["瓦斯抽放工", "瓦斯抽采工"]),
            ("TZ-MK-FT", "煤矿防突作业", ["防突工"]),
            ("TZ-MK-TF", "煤矿探放水作业", ["探放水工"]),
        ],
    ),
    (
        "金属非金属矿山安全作业",
        [
            ("TZ-KS-TF", "金属非金属矿井通风作业", ["矿井通风工", "通风工"]),
            ("TZ-KS-WK", "尾矿作业", ["尾矿工", "尾矿库放矿工"]),
            ("TZ-KS-AJ", "金属非金属矿山安全检查作业", ["矿山安全检查工"]),
            ("TZ-KS-TS", "金属非金属矿山提升机操作作业", ["矿山提升机操作工", "卷扬机司机"]),
            ("TZ-KS-ZZ", "金属非金属矿山支柱作业", ["支柱工"]),
            ("TZ-KS-DQ", "金属非金属矿山井下电气作业", ["矿山井下电工"]),
            ("TZ-KS-PS", "金属非金属矿山排水作业", ["矿山排水工", "水泵工"]),
            ("TZ-KS-BP", "金属非金属矿山爆破作业", ["矿山爆破工", "爆破工"]),
        ],
    ),
    ("石油天然气安全作业", [("TZ-SY-SZ", "司钻作业", ["司钻"])]),
    ("冶金(有色)生产安全作业", [("TZ-YJ-MQ", "煤气作业", ["煤气工", "煤气防护工"])]),
    (
        "危险化学品安全作业",
        [
            ("TZ-HG-GQ", "光气及光气化工艺作业", ["光气化操作工"]),
            ("TZ-HG-LJ", "氯碱电解工艺作业", ["氯碱电解工", "电解工"]),
            ("TZ-HG-LH", "氯化工艺作业", ["氯化操作工"]),
            ("TZ-HG-XH", "硝化工艺作业", ["硝化操作工"]),
            ("TZ-HG-HCA", "合成氨工艺作业", ["合成氨操作工"]),
            ("TZ-HG-LJH", "裂解(裂化)工艺作业", ["裂解操作工", "裂化操作工"]),
            ("TZ-HG-FH", "氟化工艺作业", ["氟化操作工"]),
            ("TZ-HG-JQ", "加氢工艺作业", ["加氢操作工"]),
            ("TZ-HG-CDH", "重氮化工艺作业", ["重氮化操作工"]),
            ("TZ-HG-YH", "氧化工艺作业", ["氧化操作工"]),
            ("TZ-HG-GYH", "过氧化工艺作业", ["过氧化操作工"]),
            ("TZ-HG-AJ", "胺基化工艺作业", ["胺基化操作工"]),
            ("TZ-HG-HH", "磺化工艺作业", ["磺化操作工"]),
            ("TZ-HG-JH", "聚合工艺作业", ["聚合操作工"]),
            ("TZ-HG-WJ", "烷基化工艺作业", ["烷基化操作工"]),
            ("TZ-HG-YB", "化工自动化控制仪表作业", ["化工仪表工", "仪表工"]),
        ],
    ),
    (
        "烟花爆竹安全作业",
        [
            ("TZ-YH-YHY", "烟火药制造作业", ["烟火药制造工", "烟花爆竹药物混合作业"]),
            ("TZ-YH-HHY", "黑火药制造作业", ["黑火药制造工"]),
            ("TZ-YH-YHX", "引火线制造作业", ["引火线制造工"]),
            ("TZ-YH-SY", "烟花爆竹产品涉药作业", ["烟花爆竹装填作业", "装药工", "筑药工"]),
            ("TZ-YH-CC", "烟花爆竹储存作业", ["烟花爆竹仓库保管员", "库管员"]),
        ],
    ),
]

RETIRED = "TZ-HG"  # 危险化工工艺作业: the catalogue names each process instead
SPECIAL = "special_operator"


def seed(apps, schema_editor):
    CertificateType = apps.get_model("certificates", "CertificateType")
    PostRequirement = apps.get_model("certificates", "PostRequirement")
    for category, items in CATALOGUE:
        for code, item, posts in items:
            ctype, _ = CertificateType.objects.update_or_create(
                code=code,
                defaults={
                    "name": f"特种作业操作证（{item}）",
                    "family": "special_operation",
                    "personnel_category": SPECIAL,
                    "operation_category": category,
                    "operation_item": item,
                    "validity_years": 6,
                    "review_interval_years": 3,
                    "review_training_hours": 8,
                    "extended_review_after_years": 10,
                    "extended_review_interval_years": 6,
                    "number_pattern": "T{id_number}",
                    "issuer_code": PROVINCE_ISSUER[0],
                    "issuer_name": PROVINCE_ISSUER[1],
                    "is_active": True,
                },
            )
            # 0002's rows named no category: from now on a post binds 特种作业人员 only.
            PostRequirement.objects.filter(certificate_type=ctype, personnel_category="").update(
                personnel_category=SPECIAL
            )
            for post in [item, *posts]:
                PostRequirement.objects.get_or_create(
                    certificate_type=ctype, post=post, personnel_category=SPECIAL, industry=None
                )
    CertificateType.objects.filter(code=RETIRED).update(is_active=False)
    PostRequirement.objects.filter(certificate_type__code=RETIRED).delete()


def unseed(apps, schema_editor):
    CertificateType = apps.get_model("certificates", "CertificateType")
    PostRequirement = apps.get_model("certificates", "PostRequirement")
    CertificateType.objects.filter(code=RETIRED).update(is_active=True)
    new_codes = [code for _c, items in CATALOGUE for code, _i, _p in items]
    kept = ["TZ-GY", "TZ-DG", "TZ-HJ", "TZ-DJ", "TZ-GC", "TZ-ZL"]
    CertificateType.objects.filter(code__in=new_codes).exclude(code__in=kept).filter(
        certificates__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("certificates", "0005_operation_items")]

    operations = [migrations.RunPython(seed, unseed)]
