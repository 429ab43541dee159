"""The demo data of `manage.py seed_demo`: a fictional county with its enterprises and people.

Everything here is invented. Region codes 99xxxx are not assigned by GB/T 2260, so demo
people and enterprises can never be mistaken for real ones; ID numbers and credit codes are
checksum-valid so that every form, importer and sign-in path accepts them.

Idempotent by construction: regions, enterprises, departments and accounts are keyed by fixed
codes and names (update_or_create / get_or_create); the people are generated from a fixed
random seed, so a second run plans exactly the same people and the services find nothing to
change. A person's history (a former employer, a status change) is written only when the
person is first created.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass, field, replace

from django.db import transaction
from django.utils import timezone

from roster.choices import EmploymentForm, EmploymentStatus, PersonnelCategory, RegionLevel, Role
from roster.identity import id_check_char, uscc_check_char
from roster.models import (
    ActivationCode,
    Department,
    Employment,
    Enterprise,
    Industry,
    Person,
    Region,
    RoleGrant,
    TrainingBody,
    TransferRequest,
    User,
)
from roster.selectors import activation_candidates
from roster.services.activation import activation_codes_issue
from roster.services.people import PersonData, employment_change_status, person_create_or_update

RANDOM_SEED = 20250601

# The one password of every demo account. It is printed by seed_demo and written in the
# README: that is why seed_demo refuses to run with DEBUG off unless told --force.
DEMO_PASSWORD = "Demo@2025"

C = PersonnelCategory
F = EmploymentForm

# --------------------------------------------------------------------------------------
# Regions
# --------------------------------------------------------------------------------------
PROVINCE = ("990000", "示范省")
CITY = ("990100", "示范市")
COUNTY = ("990102", "清河县")
NEIGHBOUR = ("990103", "白石县")
TOWNSHIPS = {
    COUNTY[0]: [
        ("990102001", "城关镇"),
        ("990102002", "河口镇"),
        ("990102003", "石门镇"),
        ("990102004", "柳林乡"),
        ("990102005", "青山镇"),
        ("990102006", "东湖街道"),
    ],
    NEIGHBOUR[0]: [
        ("990103001", "白石镇"),
        ("990103002", "龙泉乡"),
    ],
}
TOWNSHIP_REGULATOR_REGION = "990102003"  # 石门镇: a chemical plant, an iron mine, a machine works
TOWNSHIP_REGULATOR_INDUSTRIES = ("02", "03")  # 非煤矿山 + 危险化学品


# --------------------------------------------------------------------------------------
# Enterprises: key, name, township, industry, address, departments, staffing
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Staff:
    """`count` people of one category and post in one department, with employment forms."""

    category: str
    post: str
    department: str
    count: int = 1
    forms: tuple[tuple[str, int], ...] = ((F.REGULAR, 1),)


@dataclass(frozen=True)
class DemoEnterprise:
    key: str
    org_code: str  # the 9-character organisation part of the credit code
    name: str
    region: str
    industry: str
    address: str
    # (name, kind, parent name or "")
    departments: tuple[tuple[str, str, str], ...]
    staff: tuple[Staff, ...]
    kind_code: str = "91"  # 91 company; 11 government body
    people_from: str = "990102"  # area code of most employees' ID numbers
    extra: dict = field(default_factory=dict)


D, W, T = "department", "workshop", "team"

_MANAGEMENT = (("总经理办公室", D, ""), ("安全环保部", D, ""))


def _principal(title: str = "总经理") -> Staff:
    return Staff(C.PRINCIPAL, title, "总经理办公室")


ENTERPRISES: tuple[DemoEnterprise, ...] = (
    DemoEnterprise(
        key="coal",
        org_code="MA01QHM7K",
        name="清河县青山煤业有限责任公司",
        region="990102005",
        industry="01",
        address="示范省示范市清河县青山镇矿区路1号",
        departments=(
            *_MANAGEMENT,
            ("通风区", W, ""),
            ("综采一队", W, ""),
            ("机电运输区", W, ""),
            ("掘进一班", T, "综采一队"),
            ("瓦斯检查班", T, "通风区"),
        ),
        staff=(
            _principal("矿长"),
            Staff(C.PRINCIPAL, "实际控制人", "总经理办公室"),
            Staff(C.SAFETY_MANAGER, "安全副矿长", "安全环保部"),
            Staff(C.SAFETY_MANAGER, "专职安全员", "安全环保部", 2),
            Staff(C.SPECIAL_OPERATOR, "煤矿瓦斯检查作业", "瓦斯检查班", 4),
            Staff(C.SPECIAL_OPERATOR, "煤矿井下电气作业", "机电运输区", 4),
            Staff(C.SPECIAL_OPERATOR, "煤矿安全检查作业", "安全环保部", 2),
            Staff(C.SPECIAL_OPERATOR, "煤矿提升机操作作业", "机电运输区", 2),
            Staff(C.SPECIAL_OPERATOR, "煤矿井下爆破作业", "掘进一班", 2),
            Staff(C.TEAM_LEADER, "班组长", "掘进一班"),
            Staff(C.TEAM_LEADER, "班组长", "瓦斯检查班"),
            Staff(
                C.GENERAL,
                "采煤工",
                "综采一队",
                14,
                ((F.REGULAR, 6), (F.OUTSOURCED, 2), (F.DISPATCHED, 1)),
            ),
            Staff(C.GENERAL, "掘进工", "掘进一班", 8, ((F.REGULAR, 3), (F.OUTSOURCED, 1))),
        ),
    ),
    DemoEnterprise(
        key="iron",
        org_code="MA02QHT3N",
        name="清河县石门铁矿有限公司",
        region="990102003",
        industry="02",
        address="示范省示范市清河县石门镇铁矿路8号",
        departments=(
            *_MANAGEMENT,
            ("采矿车间", W, ""),
            ("选矿车间", W, ""),
            ("井下采掘班", T, "采矿车间"),
        ),
        staff=(
            _principal("矿长"),
            Staff(C.SAFETY_MANAGER, "安全科长", "安全环保部"),
            Staff(C.SAFETY_MANAGER, "专职安全员", "安全环保部"),
            Staff(C.SPECIAL_OPERATOR, "金属非金属矿井通风作业", "采矿车间", 2),
            Staff(C.SPECIAL_OPERATOR, "金属非金属矿山提升机操作作业", "采矿车间", 2),
            Staff(C.SPECIAL_OPERATOR, "金属非金属矿山爆破作业", "井下采掘班", 2),
            Staff(C.SPECIAL_OPERATOR, "金属非金属矿山排水作业", "采矿车间"),
            Staff(C.TEAM_LEADER, "班组长", "井下采掘班"),
            Staff(C.GENERAL, "凿岩工", "井下采掘班", 8, ((F.REGULAR, 2), (F.OUTSOURCED, 1))),
            Staff(C.GENERAL, "选矿工", "选矿车间", 6, ((F.REGULAR, 3), (F.TEMPORARY, 1))),
        ),
    ),
    DemoEnterprise(
        key="chem",
        org_code="MA03QHC8P",
        name="清河县宏达化工有限公司",
        region="990102003",
        industry="03",
        address="示范省示范市清河县石门镇化工园区纬二路6号",
        departments=(
            *_MANAGEMENT,
            ("氯碱车间", W, ""),
            ("聚合车间", W, ""),
            ("储运部", D, ""),
            ("设备动力部", D, ""),
            ("氯化一班", T, "氯碱车间"),
            ("聚合二班", T, "聚合车间"),
        ),
        staff=(
            _principal(),
            Staff(C.PRINCIPAL, "分管安全副总经理", "总经理办公室"),
            Staff(C.SAFETY_MANAGER, "安全环保部部长", "安全环保部"),
            Staff(C.SAFETY_MANAGER, "注册安全工程师", "安全环保部", 2),
            Staff(C.SPECIAL_OPERATOR, "氯化工艺作业", "氯化一班", 4),
            Staff(C.SPECIAL_OPERATOR, "聚合工艺作业", "聚合二班", 4),
            Staff(C.SPECIAL_OPERATOR, "低压电工作业", "设备动力部", 3),
            Staff(C.SPECIAL_OPERATOR, "熔化焊接与热切割作业", "设备动力部", 2),
            Staff(C.SPECIAL_OPERATOR, "制冷与空调作业", "设备动力部"),
            Staff(C.TEAM_LEADER, "班组长", "氯化一班"),
            Staff(C.TEAM_LEADER, "班组长", "聚合二班"),
            Staff(C.FIRE_SAFETY, "消防安全管理人", "安全环保部"),
            Staff(
                C.GENERAL,
                "化工操作工",
                "氯碱车间",
                10,
                ((F.REGULAR, 3), (F.DISPATCHED, 2)),
            ),
            Staff(C.GENERAL, "危化品装卸工", "储运部", 4, ((F.DISPATCHED, 1), (F.TEMPORARY, 1))),
            Staff(C.GENERAL, "检修工", "设备动力部", 3, ((F.OUTSOURCED, 1),)),
        ),
    ),
    DemoEnterprise(
        key="fireworks",
        org_code="MA04QHY2D",
        name="清河县鸿运烟花爆竹有限公司",
        region="990102004",
        industry="04",
        address="示范省示范市清河县柳林乡花炮路18号",
        departments=(
            *_MANAGEMENT,
            ("生产车间", W, ""),
            ("仓储部", D, ""),
            ("装药班", T, "生产车间"),
        ),
        staff=(
            _principal(),
            Staff(C.SAFETY_MANAGER, "专职安全员", "安全环保部"),
            Staff(C.SPECIAL_OPERATOR, "烟花爆竹药物混合作业", "装药班", 2),
            Staff(C.SPECIAL_OPERATOR, "烟花爆竹装填作业", "装药班", 3),
            Staff(C.SPECIAL_OPERATOR, "烟花爆竹储存作业", "仓储部", 2),
            Staff(C.TEAM_LEADER, "班组长", "装药班"),
            Staff(
                C.GENERAL,
                "包装工",
                "生产车间",
                10,
                ((F.TEMPORARY, 3), (F.REGULAR, 1), (F.FLEXIBLE, 1)),
            ),
        ),
    ),
    DemoEnterprise(
        key="smelter",
        org_code="MA05QHJ6R",
        name="清河县金源冶炼有限公司",
        region="990102002",
        industry="05",
        address="示范省示范市清河县河口镇工业园金源大道9号",
        departments=(
            *_MANAGEMENT,
            ("熔炼车间", W, ""),
            ("精炼车间", W, ""),
            ("动力车间", W, ""),
            ("熔炼甲班", T, "熔炼车间"),
        ),
        staff=(
            _principal(),
            Staff(C.SAFETY_MANAGER, "安全总监", "安全环保部"),
            Staff(C.SAFETY_MANAGER, "专职安全员", "安全环保部"),
            Staff(C.SPECIAL_OPERATOR, "煤气作业", "动力车间", 3),
            Staff(C.SPECIAL_OPERATOR, "高压电工作业", "动力车间", 2),
            Staff(C.SPECIAL_OPERATOR, "低压电工作业", "动力车间", 2),
            Staff(C.SPECIAL_OPERATOR, "熔化焊接与热切割作业", "精炼车间", 2),
            Staff(C.TEAM_LEADER, "班组长", "熔炼甲班"),
            Staff(C.TEAM_LEADER, "班组长", "精炼车间"),
            Staff(
                C.GENERAL,
                "熔炼工",
                "熔炼甲班",
                10,
                ((F.REGULAR, 3), (F.DISPATCHED, 1)),
            ),
            Staff(C.GENERAL, "行车指挥工", "精炼车间", 3),
        ),
    ),
    DemoEnterprise(
        key="construction",
        org_code="MA06QHB4W",
        name="清河县建工集团有限公司",
        region="990102001",
        industry="06",
        address="示范省示范市清河县城关镇建设路66号",
        departments=(
            ("总经理办公室", D, ""),
            ("安全质量部", D, ""),
            ("第一项目部", D, ""),
            ("第二项目部", D, ""),
            ("机械设备部", D, ""),
            ("钢筋班", T, "第一项目部"),
            ("架子班", T, "第二项目部"),
        ),
        staff=(
            Staff(C.CONSTRUCTION_A, "董事长", "总经理办公室"),
            Staff(C.CONSTRUCTION_A, "分管安全副总经理", "总经理办公室"),
            Staff(C.CONSTRUCTION_B, "项目经理", "第一项目部", 2),
            Staff(C.CONSTRUCTION_B, "项目经理", "第二项目部", 2),
            Staff(C.CONSTRUCTION_C1, "专职安全员（机械）", "机械设备部", 2),
            Staff(C.CONSTRUCTION_C2, "专职安全员（土建）", "第一项目部", 2),
            Staff(C.CONSTRUCTION_C3, "专职安全员（综合）", "安全质量部", 2),
            Staff(C.SAFETY_MANAGER, "安全质量部经理", "安全质量部"),
            Staff(C.SPECIAL_OPERATOR, "登高架设作业", "架子班", 4),
            Staff(C.SPECIAL_OPERATOR, "低压电工作业", "机械设备部", 2),
            Staff(C.SPECIAL_OPERATOR, "熔化焊接与热切割作业", "钢筋班", 2),
            Staff(C.SPECIAL_OPERATOR, "高处安装、维护、拆除作业", "架子班", 2),
            Staff(C.TEAM_LEADER, "班组长", "钢筋班"),
            Staff(C.TEAM_LEADER, "班组长", "架子班"),
            Staff(
                C.GENERAL,
                "钢筋工",
                "钢筋班",
                12,
                ((F.DISPATCHED, 3), (F.OUTSOURCED, 2), (F.TEMPORARY, 1), (F.FLEXIBLE, 1)),
            ),
            Staff(
                C.GENERAL,
                "架子工",
                "架子班",
                10,
                ((F.OUTSOURCED, 2), (F.DISPATCHED, 2), (F.REGULAR, 1)),
            ),
            Staff(C.GENERAL, "木工", "第二项目部", 6, ((F.TEMPORARY, 1), (F.FLEXIBLE, 1))),
        ),
    ),
    DemoEnterprise(
        key="machinery",
        org_code="MA07QHG5L",
        name="清河县恒力机械制造有限公司",
        region="990102003",
        industry="07",
        address="示范省示范市清河县石门镇工业路22号",
        departments=(
            *_MANAGEMENT,
            ("机加工车间", W, ""),
            ("焊装车间", W, ""),
            ("涂装车间", W, ""),
            ("焊装一班", T, "焊装车间"),
        ),
        staff=(
            _principal(),
            Staff(C.SAFETY_MANAGER, "兼职安全员", "安全环保部"),
            Staff(C.SPECIAL_OPERATOR, "熔化焊接与热切割作业", "焊装一班", 4),
            Staff(C.SPECIAL_OPERATOR, "低压电工作业", "机加工车间", 2),
            Staff(C.TEAM_LEADER, "班组长", "焊装一班"),
            Staff(C.TEAM_LEADER, "班组长", "机加工车间"),
            Staff(C.GENERAL, "车工", "机加工车间", 8, ((F.REGULAR, 3), (F.DISPATCHED, 1))),
            Staff(C.GENERAL, "喷漆工", "涂装车间", 5, ((F.REGULAR, 1), (F.TEMPORARY, 1))),
            Staff(C.GENERAL, "装配工", "焊装车间", 6, ((F.REGULAR, 2), (F.FLEXIBLE, 1))),
        ),
    ),
    DemoEnterprise(
        key="textile",
        org_code="MA08QHF9X",
        name="清河县锦华纺织有限公司",
        region="990102006",
        industry="07",
        address="示范省示范市清河县东湖街道锦华路3号",
        departments=(*_MANAGEMENT, ("纺纱车间", W, ""), ("织布车间", W, ""), ("保全班", T, "")),
        staff=(
            _principal("董事长"),
            Staff(C.SAFETY_MANAGER, "安全主管", "安全环保部"),
            Staff(C.SPECIAL_OPERATOR, "低压电工作业", "保全班", 2),
            Staff(C.SPECIAL_OPERATOR, "制冷与空调作业", "保全班"),
            Staff(C.TEAM_LEADER, "班组长", "纺纱车间"),
            Staff(C.TEAM_LEADER, "班组长", "织布车间"),
            Staff(C.FIRE_SAFETY, "消防安全管理人", "安全环保部"),
            Staff(
                C.GENERAL,
                "挡车工",
                "纺纱车间",
                12,
                ((F.REGULAR, 3), (F.DISPATCHED, 1), (F.FLEXIBLE, 1)),
            ),
            Staff(C.GENERAL, "织布工", "织布车间", 8, ((F.REGULAR, 3), (F.TEMPORARY, 1))),
        ),
    ),
    DemoEnterprise(
        key="transport",
        org_code="MA09QHY1E",
        name="清河县通达运输有限公司",
        region="990102001",
        industry="08",
        address="示范省示范市清河县城关镇站前路12号",
        departments=(*_MANAGEMENT, ("危货运输车队", D, ""), ("客运车队", D, ""), ("修理班", T, "")),
        staff=(
            _principal(),
            Staff(C.SAFETY_MANAGER, "安全科长", "安全环保部"),
            Staff(C.SAFETY_MANAGER, "动态监控员", "安全环保部"),
            Staff(C.SPECIAL_OPERATOR, "熔化焊接与热切割作业", "修理班"),
            Staff(C.SPECIAL_OPERATOR, "低压电工作业", "修理班"),
            Staff(C.TEAM_LEADER, "车队长", "危货运输车队"),
            Staff(C.TEAM_LEADER, "车队长", "客运车队"),
            Staff(C.GENERAL, "危险货物运输驾驶员", "危货运输车队", 8, ((F.REGULAR, 1),)),
            Staff(C.GENERAL, "押运员", "危货运输车队", 4, ((F.REGULAR, 1), (F.DISPATCHED, 1))),
            Staff(C.GENERAL, "客运驾驶员", "客运车队", 6, ((F.REGULAR, 2), (F.FLEXIBLE, 1))),
        ),
    ),
    DemoEnterprise(
        key="gas",
        org_code="MA10QHR4H",
        name="清河县华润燃气有限公司",
        region="990102001",
        industry="09",
        address="示范省示范市清河县城关镇燃气路5号",
        departments=(
            *_MANAGEMENT,
            ("管网运行部", D, ""),
            ("客户服务部", D, ""),
            ("抢修班", T, "管网运行部"),
        ),
        staff=(
            _principal(),
            Staff(C.SAFETY_MANAGER, "安全主管", "安全环保部"),
            Staff(C.SPECIAL_OPERATOR, "低压电工作业", "管网运行部"),
            Staff(C.SPECIAL_OPERATOR, "熔化焊接与热切割作业", "抢修班", 2),
            Staff(C.TEAM_LEADER, "班组长", "抢修班"),
            Staff(C.GENERAL, "管网巡线工", "管网运行部", 5, ((F.REGULAR, 2), (F.OUTSOURCED, 1))),
            Staff(C.GENERAL, "入户安检员", "客户服务部", 6, ((F.REGULAR, 1), (F.DISPATCHED, 1))),
        ),
    ),
    DemoEnterprise(
        key="power",
        org_code="MA11QHD7Q",
        name="清河县河口水力发电有限公司",
        region="990102002",
        industry="10",
        address="示范省示范市清河县河口镇电站路1号",
        departments=(*_MANAGEMENT, ("运行值班部", D, ""), ("检修班", T, "")),
        staff=(
            _principal("站长"),
            Staff(C.SAFETY_MANAGER, "安全专责", "安全环保部"),
            Staff(C.SPECIAL_OPERATOR, "高压电工作业", "运行值班部", 4),
            Staff(C.SPECIAL_OPERATOR, "电力电缆作业", "检修班", 2),
            Staff(C.SPECIAL_OPERATOR, "继电保护作业", "检修班"),
            Staff(C.TEAM_LEADER, "值长", "运行值班部"),
            Staff(C.GENERAL, "运行值班员", "运行值班部", 4),
        ),
    ),
    DemoEnterprise(
        key="mall",
        org_code="MA12QHK3U",
        name="清河县万家福购物广场有限公司",
        region="990102006",
        industry="11",
        address="示范省示范市清河县东湖街道人民路88号",
        departments=(*_MANAGEMENT, ("工程部", D, ""), ("营运部", D, ""), ("生鲜课", T, "营运部")),
        staff=(
            _principal(),
            Staff(C.FIRE_SAFETY, "消防安全责任人", "总经理办公室"),
            Staff(C.FIRE_SAFETY, "消防控制室值班员", "工程部", 2),
            Staff(C.SAFETY_MANAGER, "安全主管", "安全环保部"),
            Staff(C.SPECIAL_OPERATOR, "制冷与空调作业", "工程部", 2),
            Staff(C.SPECIAL_OPERATOR, "低压电工作业", "工程部", 2),
            Staff(C.TEAM_LEADER, "课长", "生鲜课"),
            Staff(
                C.GENERAL,
                "理货员",
                "营运部",
                10,
                ((F.TEMPORARY, 2), (F.FLEXIBLE, 2), (F.REGULAR, 1)),
            ),
            Staff(C.GENERAL, "收银员", "营运部", 6, ((F.REGULAR, 1), (F.FLEXIBLE, 1))),
        ),
    ),
    DemoEnterprise(
        key="agency",
        kind_code="11",
        org_code="MB1QH0001",
        name="清河县应急管理局",
        region="990102001",
        industry="99",
        address="示范省示范市清河县城关镇政府路1号",
        departments=(("执法大队", D, ""), ("安全生产基础股", D, "")),
        staff=(
            Staff(C.ENFORCEMENT, "执法人员", "执法大队", 5),
            Staff(C.ENFORCEMENT, "安全监管员", "安全生产基础股", 2),
        ),
    ),
    DemoEnterprise(
        key="building_materials",
        org_code="MA01BD2M8",
        name="白石县白石建材有限公司",
        region="990103001",
        industry="07",
        address="示范省示范市白石县白石镇建材路2号",
        people_from="990103",
        departments=(*_MANAGEMENT, ("水泥粉磨车间", W, ""), ("包装班", T, "")),
        staff=(
            _principal(),
            Staff(C.SAFETY_MANAGER, "专职安全员", "安全环保部"),
            Staff(C.SPECIAL_OPERATOR, "低压电工作业", "水泥粉磨车间", 2),
            Staff(C.SPECIAL_OPERATOR, "熔化焊接与热切割作业", "水泥粉磨车间"),
            Staff(C.TEAM_LEADER, "班组长", "包装班"),
            Staff(C.GENERAL, "粉磨工", "水泥粉磨车间", 6, ((F.REGULAR, 2), (F.TEMPORARY, 1))),
            Staff(C.GENERAL, "包装工", "包装班", 5, ((F.DISPATCHED, 1), (F.REGULAR, 1))),
        ),
    ),
    DemoEnterprise(
        key="quarry",
        org_code="MA02BD5T1",
        name="白石县龙泉石料有限公司",
        region="990103002",
        industry="02",
        address="示范省示范市白石县龙泉乡采石场路6号",
        people_from="990103",
        departments=(*_MANAGEMENT, ("采石场", W, ""), ("破碎班", T, "采石场")),
        staff=(
            _principal("矿长"),
            Staff(C.SAFETY_MANAGER, "专职安全员", "安全环保部"),
            Staff(C.SPECIAL_OPERATOR, "金属非金属矿山爆破作业", "采石场", 2),
            Staff(C.SPECIAL_OPERATOR, "金属非金属矿山支柱作业", "采石场"),
            Staff(C.TEAM_LEADER, "班组长", "破碎班"),
            Staff(C.GENERAL, "破碎工", "破碎班", 6, ((F.REGULAR, 2), (F.OUTSOURCED, 1))),
        ),
    ),
)

ENTERPRISE_ADMIN_OF = "chem"  # 清河县宏达化工有限公司
# The county's training centre (52: a private non-enterprise unit), which the demo trainer
# works for: it owns the demo question bank and holds the demo exam sessions in the county.
TRAINING_BODY = ("清河县安全培训中心", "52990102MJ07QHPX1")


# --------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------
# Common surnames, roughly by frequency (the first ones are drawn more often).
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余"
    "杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史"
)
# Given names as people of each generation are really called: (older, younger) pools,
# two-character names and, less often, one character.
MALE_GIVEN = (
    "建国 建军 国强 志强 志明 志刚 海涛 海波 振华 晓东 晓明 立新 卫东 永强 永刚 建华 建平 德明"
    " 春生 长青 国庆 文军 明辉 玉龙 新民 光明 成林 学军 庆丰 保国 福生 德胜 红兵 金龙 树林",
    "俊杰 文博 浩然 子轩 宇航 家豪 思远 天宇 泽宇 一鸣 嘉诚 鹏飞 云飞 博文 宇轩 皓轩 梓豪 明轩"
    " 浩宇 俊熙 晨阳 子豪 逸飞 锦程 建宇 昊天",
)
FEMALE_GIVEN = (
    "秀英 桂英 秀兰 玉兰 丽娟 春梅 海燕 晓燕 美玲 雪梅 红霞 丽萍 凤英 淑芬 秀珍 彩霞 艳红 玉梅"
    " 丽华 小红 月娥 巧玲 桂兰 金凤 淑华 爱华 翠兰",
    "欣怡 雨婷 子涵 思雨 佳怡 梦瑶 婉婷 晓丽 静怡 诗涵 慧敏 晓琳 文静 雨欣 可欣 佳琪 若曦 梓涵"
    " 心怡 雅琪 欣妍 一诺",
)
MALE_SINGLE = "伟强磊军勇杰涛斌超明刚平辉鹏飞鑫波宇浩凯健俊帆峰亮成"
FEMALE_SINGLE = "芳娜敏静丽艳娟霞玲燕萍红梅琳雪婷慧莉颖洁倩丹"


# --------------------------------------------------------------------------------------
# Fixed people: the two trainees with accounts (their ID numbers are in the README)
# --------------------------------------------------------------------------------------
def _id(first17: str) -> str:
    return first17 + id_check_char(first17)


@dataclass(frozen=True)
class PlannedPerson:
    id_number: str
    name: str
    phone: str
    enterprise: str  # key
    category: str
    post: str
    department: str
    form: str
    hire_date: dt.date
    status: str = EmploymentStatus.ON_POST
    status_on: dt.date | None = None
    status_reason: str = ""
    # A former employer: (enterprise key, category, post, department, form, hire date).
    before: tuple | None = None


TRAINEE_1 = PlannedPerson(
    id_number=_id("99010219860312003"),
    name="李建国",
    phone="13900990001",
    enterprise="chem",
    category=C.SPECIAL_OPERATOR,
    post="低压电工作业",
    department="设备动力部",
    form=F.REGULAR,
    hire_date=dt.date(2012, 4, 1),
)
TRAINEE_2 = PlannedPerson(
    id_number=_id("99010319920825002"),
    name="王秀英",
    phone="13900990002",
    enterprise="construction",
    category=C.GENERAL,
    post="钢筋工",
    department="钢筋班",
    form=F.DISPATCHED,
    hire_date=dt.date(2023, 3, 6),
)
FIXED_PEOPLE = (TRAINEE_1, TRAINEE_2)


# --------------------------------------------------------------------------------------
# Accounts
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    display_name: str
    sees: str


LOGINS = (
    DemoLogin("系统管理员", "admin", "系统管理员", "全部数据；Wagtail 后台 /admin/"),
    DemoLogin(
        "企业安全管理员",
        "ent_admin",
        "宏达化工安全管理员",
        "清河县宏达化工有限公司的花名册（可增改、导入导出）",
    ),
    DemoLogin("县级监管（清河县）", "county_reg", "清河县应急管理局", "清河县全部乡镇、全部行业"),
    DemoLogin(
        "乡镇监管（石门镇）",
        "town_reg",
        "石门镇安监站",
        "石门镇的危险化学品和非煤矿山企业（看不到同镇的机械厂）",
    ),
    DemoLogin("培训机构讲师", "trainer", "清河县安全培训中心", "清河县全部企业及人员（只读）"),
    DemoLogin(
        "学员（特种作业）",
        TRAINEE_1.id_number,
        TRAINEE_1.name,
        "本人门户：课程、考试、证书（也可用手机号 " + TRAINEE_1.phone + " 登录）",
    ),
    DemoLogin(
        "学员（劳务派遣）",
        TRAINEE_2.id_number,
        TRAINEE_2.name,
        "本人门户：课程、考试、证书（也可用手机号 " + TRAINEE_2.phone + " 登录）",
    ),
)


# --------------------------------------------------------------------------------------
# Planning (pure, deterministic) and applying (idempotent)
# --------------------------------------------------------------------------------------
def _pick_form(rng: random.Random, forms: tuple[tuple[str, int], ...]) -> str:
    values = [f for f, _ in forms]
    weights = [w for _, w in forms]
    return rng.choices(values, weights=weights)[0]


class _Planner:
    def __init__(self, seed: int = RANDOM_SEED) -> None:
        self.rng = random.Random(seed)
        self.ids = {p.id_number for p in FIXED_PEOPLE}
        self.phones = {p.phone for p in FIXED_PEOPLE}
        self.names: set[str] = {p.name for p in FIXED_PEOPLE}

    def _name(self, male: bool, birth: dt.date) -> str:
        rng = self.rng
        pools = MALE_GIVEN if male else FEMALE_GIVEN
        doubles = pools[0].split() + (pools[1].split() if birth.year >= 1985 else [])
        if birth.year >= 1990:
            doubles += pools[1].split()  # younger people more often have the newer names
        singles = MALE_SINGLE if male else FEMALE_SINGLE
        name = ""
        for _ in range(50):
            # Weight the frequent surnames: index drawn from a triangular distribution.
            surname = SURNAMES[int(rng.triangular(0, len(SURNAMES), 0))]
            given = rng.choice(singles) if rng.random() < 0.3 else rng.choice(doubles)
            name = surname + given
            if name not in self.names:
                self.names.add(name)
                return name
        return name  # a namesake is realistic too

    def _id_number(self, area: str, birth: dt.date, male: bool) -> str:
        rng = self.rng
        while True:
            seq = rng.randrange(0, 500) * 2 + (1 if male else 0)  # odd 17th digit = male
            value = _id(f"{area}{birth:%Y%m%d}{seq:03d}")
            if value not in self.ids:
                self.ids.add(value)
                return value

    def _phone(self) -> str:
        rng = self.rng
        while True:
            prefix = rng.choice(("135", "136", "138", "139", "150", "152", "158", "177", "187"))
            value = prefix + f"{rng.randrange(10**8):08d}"
            if value not in self.phones:
                self.phones.add(value)
                return value

    def _birth(self, category: str) -> dt.date:
        senior = {C.PRINCIPAL, C.CONSTRUCTION_A, C.SAFETY_MANAGER, C.CONSTRUCTION_B}
        start, end = (1965, 1985) if category in senior else (1968, 2003)
        year = self.rng.randint(start, end)
        return dt.date(year, 1, 1) + dt.timedelta(days=self.rng.randrange(365))

    def _hire(self, birth: dt.date) -> dt.date:
        earliest = max(dt.date(birth.year + 19, 7, 1), dt.date(2005, 1, 1))
        latest = dt.date(2025, 3, 31)
        span = (latest - earliest).days
        return earliest + dt.timedelta(days=self.rng.randrange(max(span, 1)))

    def people(self) -> list[PlannedPerson]:
        rng = self.rng
        planned: list[PlannedPerson] = []
        for ent in ENTERPRISES:
            for staff in ent.staff:
                for _ in range(staff.count):
                    male = rng.random() < (0.55 if staff.category == C.GENERAL else 0.8)
                    birth = self._birth(staff.category)
                    name = self._name(male, birth)
                    area = (
                        ent.people_from if rng.random() < 0.85 else rng.choice(("990102", "990103"))
                    )
                    planned.append(
                        PlannedPerson(
                            id_number=self._id_number(area, birth, male),
                            name=name,
                            phone=self._phone(),
                            enterprise=ent.key,
                            category=staff.category,
                            post=staff.post,
                            department=staff.department,
                            form=_pick_form(rng, staff.forms),
                            hire_date=self._hire(birth),
                        )
                    )
        return self._with_history(planned)

    def _with_history(self, planned: list[PlannedPerson]) -> list[PlannedPerson]:
        """Some people are away from their post, changed post, or came from another employer."""
        rng = self.rng
        out = list(planned)
        general = [i for i, p in enumerate(out) if p.category == C.GENERAL]
        rng.shuffle(general)
        # 离岗 (away ≥ 6 months means a practical exam again for special operators).
        off = [i for i, p in enumerate(out) if p.category == C.SPECIAL_OPERATOR]
        rng.shuffle(off)
        for i, reason in zip(off[:3], ("病假", "长期外派学习", "工伤休养"), strict=True):
            p = out[i]
            out[i] = _replace(
                p,
                status=EmploymentStatus.OFF_POST,
                status_on=max(p.hire_date, dt.date(2024, 9, 1)) + dt.timedelta(days=30),
                status_reason=reason,
            )
        for i in general[:3]:
            p = out[i]
            out[i] = _replace(
                p,
                status=EmploymentStatus.OFF_POST,
                status_on=dt.date(2025, 1, 15),
                status_reason="离岗一年以上，复岗前需重新培训",
            )
        # 转岗: the post changed; 车间级 and 班组级 education again.
        for i in general[3:7]:
            p = out[i]
            out[i] = _replace(
                p,
                status=EmploymentStatus.TRANSFERRED,
                status_on=max(p.hire_date, dt.date(2024, 6, 1)) + dt.timedelta(days=10),
                status_reason="调整岗位",
            )
        # People who moved from another enterprise: their first stint is kept as history.
        keys = [e.key for e in ENTERPRISES if e.key != "agency"]
        for i in general[7:13]:
            p = out[i]
            former = rng.choice([k for k in keys if k != p.enterprise])
            first_hire = p.hire_date - dt.timedelta(days=rng.randint(400, 2000))
            adult = dt.date(int(p.id_number[6:10]) + 18, 9, 1)
            first_hire = max(first_hire, adult, dt.date(2005, 1, 1))
            if first_hire >= p.hire_date:
                continue
            out[i] = _replace(p, before=(former, C.GENERAL, "普工", "", F.TEMPORARY, first_hire))
        return out


def _replace(p: PlannedPerson, **changes) -> PlannedPerson:
    return replace(p, **changes)


def plan_people(seed: int = RANDOM_SEED) -> list[PlannedPerson]:
    """Every demo person, in a fixed order: the generated ones, then the two trainees."""
    return [*_Planner(seed).people(), *FIXED_PEOPLE]


def _uscc(ent: DemoEnterprise) -> str:
    county = ent.region[:6]
    first17 = f"{ent.kind_code}{county}{ent.org_code}"
    return first17 + uscc_check_char(first17)


def uscc_of(key: str) -> str:
    return _uscc(next(e for e in ENTERPRISES if e.key == key))


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)
    # Activation codes issued by this run (printed by seed_demo; they exist in clear only here).
    activation_codes: list = field(default_factory=list)

    def add(self, what: str, n: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + n


def seed_regions(report: SeedReport) -> dict[str, Region]:
    regions: dict[str, Region] = {}

    def put(code: str, name: str, level: int, parent: Region | None) -> Region:
        region = Region.objects.filter(code=code).first()
        if region is None:
            region = Region(code=code)
            report.add("regions")
        if (region.name, region.level, region.parent_id) != (
            name,
            level,
            getattr(parent, "pk", None),
        ):
            region.name, region.level, region.parent = name, level, parent
            region.full_clean()
            region.save()
        regions[code] = region
        return region

    province = put(*PROVINCE, RegionLevel.PROVINCE, None)
    city = put(*CITY, RegionLevel.CITY, province)
    for county_code, county_name in (COUNTY, NEIGHBOUR):
        county = put(county_code, county_name, RegionLevel.COUNTY, city)
        for code, name in TOWNSHIPS[county_code]:
            put(code, name, RegionLevel.TOWNSHIP, county)
    return regions


def seed_enterprises(
    regions: dict[str, Region], planned: list[PlannedPerson], report: SeedReport
) -> dict[str, Enterprise]:
    industries = {i.code: i for i in Industry.objects.all()}
    rng = random.Random(RANDOM_SEED + 1)
    # The legal representative is the enterprise's first principal person.
    legal: dict[str, str] = {}
    for p in planned:
        if p.category in (C.PRINCIPAL, C.CONSTRUCTION_A):
            legal.setdefault(p.enterprise, p.name)
    out: dict[str, Enterprise] = {}
    for ent in ENTERPRISES:
        values = {
            "name": ent.name,
            "region": regions[ent.region],
            "industry": industries[ent.industry],
            "address": ent.address,
            "legal_representative": legal.get(ent.key, ""),
            "contact_phone": f"0999-{rng.randrange(2000000, 8999999)}",
            "is_active": True,
        }
        enterprise = Enterprise.objects.filter(uscc=_uscc(ent)).first()
        if enterprise is None:
            enterprise = Enterprise(uscc=_uscc(ent), **values)
            enterprise.full_clean()
            enterprise.save()
            report.add("enterprises")
        elif any(getattr(enterprise, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(enterprise, k, v)
            enterprise.save()
        out[ent.key] = enterprise
        # Departments: parents first, so a team can hang under its workshop.
        by_name: dict[str, Department] = {}
        for name, kind, parent in ent.departments:
            dept, created = Department.objects.get_or_create(
                enterprise=enterprise,
                name=name,
                defaults={"kind": kind, "parent": by_name.get(parent)},
            )
            if not created and (dept.kind, dept.parent_id) != (
                kind,
                getattr(by_name.get(parent), "pk", None),
            ):
                dept.kind, dept.parent = kind, by_name.get(parent)
                dept.save(update_fields=["kind", "parent"])
            report.add("departments", int(created))
            by_name[name] = dept
    return out


def seed_people(
    enterprises: dict[str, Enterprise], planned: list[PlannedPerson], report: SeedReport
) -> None:
    existing = set(
        Person.objects.filter(id_number__in=[p.id_number for p in planned]).values_list(
            "id_number", flat=True
        )
    )
    for p in planned:
        is_new = p.id_number not in existing
        if is_new and p.before is not None:
            key, category, post, dept, form, hired = p.before
            person_create_or_update(
                data=PersonData(
                    id_number=p.id_number,
                    name=p.name,
                    enterprise=enterprises[key],
                    category=category,
                    phone=p.phone,
                    department_name=dept,
                    post=post,
                    employment_form=form,
                    hire_date=hired,
                ),
                actor=None,
                audit=False,
                today=hired,
            )
        result = person_create_or_update(
            data=PersonData(
                id_number=p.id_number,
                name=p.name,
                enterprise=enterprises[p.enterprise],
                category=p.category,
                phone=p.phone,
                department_name=p.department,
                post=p.post,
                employment_form=p.form,
                hire_date=p.hire_date,
            ),
            actor=None,
            audit=False,
            today=p.hire_date,
        )
        report.add("people", int(result.created_person))
        if is_new and p.status != EmploymentStatus.ON_POST:
            employment_change_status(
                employment=result.employment,
                status=p.status,
                on=p.status_on or p.hire_date,
                reason=p.status_reason,
                actor=None,
            )


def _account(username: str, *, first_name: str, report: SeedReport, **flags) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username)
        report.add("accounts")
    changed = user.pk is None
    for k, v in {"first_name": first_name, "is_active": True, **flags}.items():
        if getattr(user, k) != v:
            setattr(user, k, v)
            changed = True
    # Hash only for these few accounts, and only when the demo password no longer matches.
    if not user.has_usable_password() or not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        changed = True
    if changed:
        user.save()
    return user


def training_body_uscc() -> str:
    return TRAINING_BODY[1] + uscc_check_char(TRAINING_BODY[1])


def seed_training_body(regions: dict[str, Region], trainer: User) -> TrainingBody:
    body = TrainingBody.objects.filter(uscc=training_body_uscc()).first()
    if body is None:
        # A demo seeded before training bodies existed: the body its trainer's grant was
        # given by the upgrade (with the demo bank and sessions) becomes the centre.
        grant = RoleGrant.objects.filter(
            user=trainer, role=Role.TRAINER, training_body__uscc=""
        ).first()
        body = grant.training_body if grant is not None else TrainingBody()
    values = {
        "name": TRAINING_BODY[0],
        "uscc": training_body_uscc(),
        "region": regions[COUNTY[0]],
        "is_active": True,
    }
    if body.pk is None or any(getattr(body, k) != v for k, v in values.items()):
        for k, v in values.items():
            setattr(body, k, v)
        body.full_clean()
        body.save()
    return body


def _grant(
    user: User, role: str, *, enterprise=None, region=None, industries=(), training_body=None
) -> None:
    grant, _ = RoleGrant.objects.get_or_create(
        user=user, role=role, enterprise=enterprise, region=region
    )
    if training_body is not None and grant.training_body_id != training_body.pk:
        grant.training_body = training_body
        grant.save(update_fields=["training_body"])
    wanted = set(industries)
    if {i.pk for i in grant.industries.all()} != {i.pk for i in wanted}:
        grant.industries.set(wanted)


def seed_accounts(
    regions: dict[str, Region], enterprises: dict[str, Enterprise], report: SeedReport
) -> None:
    names = {login.username: login.display_name for login in LOGINS}
    _account("admin", first_name=names["admin"], report=report, is_staff=True, is_superuser=True)
    admin = _account("ent_admin", first_name=names["ent_admin"], report=report)
    _grant(admin, Role.ENTERPRISE_ADMIN, enterprise=enterprises[ENTERPRISE_ADMIN_OF])
    county = _account("county_reg", first_name=names["county_reg"], report=report)
    _grant(county, Role.REGULATOR, region=regions[COUNTY[0]])
    town = _account("town_reg", first_name=names["town_reg"], report=report)
    _grant(
        town,
        Role.REGULATOR,
        region=regions[TOWNSHIP_REGULATOR_REGION],
        industries=Industry.objects.filter(code__in=TOWNSHIP_REGULATOR_INDUSTRIES),
    )
    trainer = _account("trainer", first_name=names["trainer"], report=report)
    _grant(
        trainer,
        Role.TRAINER,
        region=regions[COUNTY[0]],
        training_body=seed_training_body(regions, trainer),
    )
    for trainee in FIXED_PEOPLE:
        person = Person.objects.get(id_number=trainee.id_number)
        user = _account(
            trainee.id_number,
            first_name=trainee.name,
            report=report,
            must_change_password=False,
        )
        if user.person_id != person.pk:
            user.person = person
            user.save(update_fields=["person"])


# The machinery plant has asked for one of the chemical works' operators: ent_admin finds a
# transfer request waiting (the navigation counts it) and may accept or refuse it.
TRANSFER_FROM, TRANSFER_TO = ENTERPRISE_ADMIN_OF, "machinery"


def seed_transfer_request(
    enterprises: dict[str, Enterprise], planned: list[PlannedPerson], report: SeedReport
) -> None:
    """One pending transfer request, made once: whatever became of it (accepted, refused)
    in a demo session, running the seed again does not ask again."""
    fixed = {p.id_number for p in FIXED_PEOPLE}
    candidate = next(
        p
        for p in planned
        if p.enterprise == TRANSFER_FROM
        and p.id_number not in fixed
        and p.category == PersonnelCategory.SPECIAL_OPERATOR
        and p.status == EmploymentStatus.ON_POST
        and p.before is None
    )
    person = Person.objects.get(id_number=candidate.id_number)
    target = enterprises[TRANSFER_TO]
    if TransferRequest.objects.filter(person=person, to_enterprise=target).exists():
        return
    current = Employment.objects.current().filter(person=person).first()
    if current is None or current.enterprise_id == target.pk:
        return
    TransferRequest.objects.create(
        person=person,
        from_employment=current,
        from_enterprise=current.enterprise,
        to_enterprise=target,
        name=person.name,
        department_name="机加工车间",
        post=candidate.post,
        category=candidate.category,
        employment_form=EmploymentForm.REGULAR,
        hire_date=None,  # from the day it is accepted
    )
    report.add("transfer requests")


# A few people of the enterprise admin's enterprise get first sign-in codes from seed_demo,
# so the first sign-in can be tried at once; ent_admin issues more on the roster page.
DEMO_ACTIVATION_PEOPLE = 3


def seed_activation_codes(report: SeedReport) -> None:
    """Codes for the first few people (by ID number) of ent_admin's enterprise who have no
    account, issued by ent_admin, unless they still hold an open one: a second run within
    the codes' validity changes nothing (and so prints none)."""
    admin = User.objects.get(username="ent_admin")
    enterprise = Enterprise.objects.get(uscc=uscc_of(ENTERPRISE_ADMIN_OF))
    people = list(
        activation_candidates(user=admin, enterprise=enterprise).order_by("id_number")[
            :DEMO_ACTIVATION_PEOPLE
        ]
    )
    now = timezone.now()
    holding = set(
        ActivationCode.objects.filter(
            person__in=people, used_at__isnull=True, voided_at__isnull=True, expires_at__gt=now
        ).values_list("person_id", flat=True)
    )
    wanted = [person for person in people if person.pk not in holding]
    if wanted:
        report.activation_codes = activation_codes_issue(actor=admin, people=wanted, now=now)
        report.add("activation codes", len(wanted))


def activation_codes_table(issued: list) -> str:
    """The codes seed_demo just issued, for the console (fictional people)."""
    rows = [("姓名 name", "登录名 login (ID number)", "激活码 code", "有效期至 valid until")]
    for code in issued:
        expires = timezone.localtime(code.expires_at).strftime("%Y-%m-%d %H:%M")
        rows.append((code.person.name, code.person.id_number, code.code, expires))
    widths = [max(_width(r[i]) for r in rows) for i in range(3)]
    return "\n".join(
        "  ".join([*(_pad(row[i], widths[i]) for i in range(3)), row[3]]).rstrip() for row in rows
    )


def seed(report: SeedReport | None = None) -> SeedReport:
    """Create or update the whole demo roster; safe to run any number of times."""
    report = report or SeedReport()
    with transaction.atomic():
        planned = plan_people()
        regions = seed_regions(report)
        enterprises = seed_enterprises(regions, planned, report)
        seed_people(enterprises, planned, report)
        seed_accounts(regions, enterprises, report)
        seed_transfer_request(enterprises, planned, report)
        seed_activation_codes(report)
    return report


# --------------------------------------------------------------------------------------
# The logins table, printed by seed_demo and copied into the README
# --------------------------------------------------------------------------------------
def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def logins_table() -> str:
    header = ("角色 role", "登录名 login", "密码 password", "能看到 what they see")
    rows = [header] + [(x.role, x.username, DEMO_PASSWORD, x.sees) for x in LOGINS]
    widths = [max(_width(r[i]) for r in rows) for i in range(3)]
    lines = []
    for n, row in enumerate(rows):
        cells = [_pad(row[i], widths[i]) for i in range(3)] + [row[3]]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths) + "  " + "-" * 20)
    return "\n".join(lines)
