"""The national certificate types and which posts need them (MISSION.md), as editable rows."""

from django.db import migrations

PROVINCE_ISSUER = ("AJ990000", "示范省应急管理厅")
CONSTRUCTION_ISSUER = ("JS990000", "示范省住房和城乡建设厅")

# code, name, 作业类别, 操作项目, posts that need it (rosters name the post by its 操作项目
# or by the trade)
SPECIAL_OPERATIONS = [
    ("TZ-DG", "特种作业操作证（低压电工作业）", "电工作业", "低压电工作业", ["低压电工作业", "低压电工", "电工"]),
    ("TZ-GY", "特种作业操作证（高压电工作业）", "电工作业", "高压电工作业", ["高压电工作业", "高压电工"]),
    (
        "TZ-HJ",
        "特种作业操作证（熔化焊接与热切割作业）",
        "焊接与热切割作业",
        "熔化焊接与热切割作业",
        ["熔化焊接与热切割作业", "焊工", "电焊工", "气割工"],
    ),
    ("TZ-DJ", "特种作业操作证（登高架设作业）", "高处作业", "登高架设作业", ["登高架设作业", "架子工"]),
    (
        "TZ-GC",
        "特种作业操作证（高处安装、维护、拆除作业）",
        "高处作业",
        "高处安装、维护、拆除作业",
        ["高处安装、维护、拆除作业", "高处作业工"],
    ),
    (
        "TZ-ZL",
        "特种作业操作证（制冷与空调设备运行操作作业）",
        "制冷与空调作业",
        "制冷与空调设备运行操作作业",
        ["制冷与空调设备运行操作作业", "制冷与空调作业", "制冷工"],
    ),
    (
        "TZ-HG",
        "特种作业操作证（危险化工工艺作业）",
        "危险化学品安全作业",
        "危险化工工艺作业",
        ["危险化工工艺作业", "化工操作工"],
    ),
]

MANAGEMENT = [
    ("ZY-FZR", "主要负责人安全生产知识和管理能力考核合格证", "principal"),
    ("ZY-AQY", "安全生产管理人员安全生产知识和管理能力考核合格证", "safety_manager"),
]

CONSTRUCTION = [
    ("JZ-A", "建筑施工企业主要负责人安全生产考核合格证书（A）", "construction_a", "A"),
    ("JZ-B", "建筑施工企业项目负责人安全生产考核合格证书（B）", "construction_b", "B"),
    ("JZ-C1", "建筑施工企业专职安全生产管理人员考核合格证书（C1）", "construction_c1", "C1"),
    ("JZ-C2", "建筑施工企业专职安全生产管理人员考核合格证书（C2）", "construction_c2", "C2"),
    ("JZ-C3", "建筑施工企业专职安全生产管理人员考核合格证书（C3）", "construction_c3", "C3"),
]

HIGH_RISK = ["01", "02", "03", "04", "05"]


def seed(apps, schema_editor):
    CertificateType = apps.get_model("certificates", "CertificateType")
    PostRequirement = apps.get_model("certificates", "PostRequirement")
    Industry = apps.get_model("roster", "Industry")

    def make(code, **fields):
        ctype, _ = CertificateType.objects.update_or_create(code=code, defaults=fields)
        return ctype

    for code, name, category, item, posts in SPECIAL_OPERATIONS:
        ctype = make(
            code,
            name=name,
            family="special_operation",
            personnel_category="special_operator",
            operation_category=category,
            operation_item=item,
            validity_years=6,
            review_interval_years=3,
            review_training_hours=8,
            extended_review_after_years=10,
            extended_review_interval_years=6,
            number_pattern="T{id_number}",
            issuer_code=PROVINCE_ISSUER[0],
            issuer_name=PROVINCE_ISSUER[1],
        )
        for post in posts:
            PostRequirement.objects.get_or_create(certificate_type=ctype, post=post)

    for code, name, category in MANAGEMENT:
        ctype = make(
            code,
            name=name,
            family="principal_manager",
            personnel_category=category,
            validity_years=3,
            number_pattern="{issuer}{year}{seq:06d}",
            issuer_code=PROVINCE_ISSUER[0],
            issuer_name=PROVINCE_ISSUER[1],
        )
        # Principals and safety managers of high-risk industries must hold it (持证上岗);
        # elsewhere passing the assessment is required but carries no certificate duty here.
        for industry in Industry.objects.filter(code__in=HIGH_RISK):
            PostRequirement.objects.get_or_create(
                certificate_type=ctype, personnel_category=category, industry=industry
            )

    for code, name, category, letter in CONSTRUCTION:
        ctype = make(
            code,
            name=name,
            family="construction",
            personnel_category=category,
            validity_years=3,
            number_pattern="示建安" + letter + "({year}){seq:07d}",
            issuer_code=CONSTRUCTION_ISSUER[0],
            issuer_name=CONSTRUCTION_ISSUER[1],
        )
        PostRequirement.objects.get_or_create(certificate_type=ctype, personnel_category=category)

    make(
        "NB-SG",
        name="企业内部上岗证",
        family="internal",
        personnel_category="general",
        validity_years=1,
        number_pattern="SG{year}{seq:05d}",
        issuer_code="QY",
        issuer_name="本企业安全管理部门",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0001_initial"),
        ("roster", "0002_seed_industries"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
