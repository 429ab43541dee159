"""Course and warning-education demo content for `seed_demo` (runs after the roster demo).

Under the Wagtail site's root page: "培训课程" (slug courses) with five courses and their
lessons, and "警示教育" (slug warning-cases) with accident cases across industries. Everything
is written for the demo: the cases are fictional composites in the style of published accident
reports, with no real victims or companies. The index pages go under the review workflow.

Idempotent: pages are keyed by slug under their parent and left alone once they exist, the
demo video and PDFs by document title; a second run creates nothing.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import Page, Site

from roster.models import Enterprise, Industry, User
from roster.services.roles import role_grant_sync_groups

from .demo_history import seed_training_history
from .models import (
    CourseIndexPage,
    CoursePage,
    LessonPage,
    TrainingPlan,
    WarningCaseIndexPage,
    WarningCasePage,
)
from .pages import content_tree_setup
from .services.plans import plan_create

VIDEO_TITLE = "演示视频：有限空间作业安全（测试画面）"
VIDEO_SECONDS = 60
VIDEO_FILE = Path(__file__).resolve().parent / "demo_assets" / "demo-confined-space.webm"
DEMO_TRAINER = "trainer"  # roster/demo.py's trainer account owns the demo courses


def _p(*paragraphs: str) -> str:
    return "".join(f"<p>{text}</p>" for text in paragraphs)


def _body(*sections: tuple[str, list[str]]) -> list[dict]:
    blocks: list[dict] = []
    for heading, paragraphs in sections:
        blocks.append({"type": "heading", "value": heading})
        blocks.append({"type": "paragraph", "value": _p(*paragraphs)})
    return blocks


# --------------------------------------------------------------------------- courses
# (slug, title, kind, categories, industry codes, hours, summary, lessons)
# lesson: (slug, title, kind, minutes, sections)
COURSES = [
    (
        "low-voltage-electrician",
        "低压电工作业安全技术",
        "initial",
        ["special_operator"],
        [],
        "48",
        "面向申领低压电工作业操作证的特种作业人员，讲授电工基础、安全用具、触电防护、"
        "电气防火和触电急救，与理论考试题库的分类一一对应。",
        [
            (
                "laws",
                "第一讲 电工作业相关法律法规",
                "text",
                20,
                [
                    (
                        "持证上岗",
                        [
                            "特种作业人员必须经专门的安全技术培训并考核合格，取得《中华人民共和国"
                            "特种作业操作证》后，方可上岗作业。",
                            "特种作业操作证有效期6年，每3年复审1次；离开特种作业岗位6个月以上的，"
                            "应当重新进行实际操作考试。",
                        ],
                    ),
                    (
                        "从业人员的权利和义务",
                        [
                            "从业人员有权了解作业场所和工作岗位存在的危险因素、防范措施及事故应急措施，"
                            "有权拒绝违章指挥和强令冒险作业。",
                            "从业人员应当严格遵守本单位的安全生产规章制度和操作规程，正确佩戴和使用"
                            "劳动防护用品。",
                        ],
                    ),
                ],
            ),
            (
                "safety-tools",
                "第二讲 电工安全用具的使用与检查",
                "document",
                25,
                [
                    (
                        "绝缘安全用具",
                        [
                            "基本绝缘安全用具有绝缘杆、绝缘夹钳、验电器；辅助绝缘安全用具有绝缘手套、"
                            "绝缘靴、绝缘垫。",
                            "使用前应检查外观无破损、试验合格证在有效期内；绝缘手套应每半年进行一次"
                            "预防性试验。",
                        ],
                    ),
                    (
                        "验电",
                        [
                            "验电前应先在有电设备上确认验电器良好；在没有验电之前，线路一律视为有电。",
                        ],
                    ),
                ],
            ),
            (
                "shock-protection",
                "第三讲 触电防护技术",
                "video",
                1,
                [
                    (
                        "直接接触与间接接触防护",
                        [
                            "直接接触防护措施有绝缘、屏护、间距；间接接触防护措施有保护接地、"
                            "保护接零、加强绝缘、电气隔离和安全电压。",
                            "剩余电流动作保护装置动作后，必须查明原因、排除故障后方可合闸送电。",
                        ],
                    ),
                ],
            ),
            (
                "first-aid",
                "第四讲 触电急救",
                "text",
                15,
                [
                    (
                        "脱离电源",
                        [
                            "发现有人触电，应立即拉闸断电或用干燥的绝缘物挑开电线，切不可直接用手"
                            "拉触电者。",
                        ],
                    ),
                    (
                        "心肺复苏",
                        [
                            "触电者脱离电源后如呼吸、心跳停止，应立即进行心肺复苏：胸外按压频率"
                            "100～120次/分钟，按压深度5～6厘米，按压与人工呼吸之比30:2。",
                        ],
                    ),
                ],
            ),
        ],
    ),
    (
        "principal-annual-retraining",
        "主要负责人年度再培训",
        "retraining",
        ["principal"],
        [],
        "12",
        "生产经营单位主要负责人每年再培训不少于12学时（高危行业16学时）。本课程讲授新修订的"
        "法律法规、安全生产责任制、重大事故隐患判定和应急管理。",
        [
            (
                "responsibility",
                "第一讲 主要负责人的安全生产职责",
                "text",
                30,
                [
                    (
                        "七项法定职责",
                        [
                            "建立健全并落实全员安全生产责任制，加强安全生产标准化建设；组织制定并实施"
                            "安全生产规章制度和操作规程；组织制定并实施安全生产教育和培训计划。",
                            "保证安全生产投入的有效实施；组织建立并落实安全风险分级管控和隐患排查治理"
                            "双重预防工作机制；组织制定并实施事故应急救援预案；及时如实报告生产安全事故。",
                        ],
                    ),
                ],
            ),
            (
                "major-hazards",
                "第二讲 重大事故隐患判定标准解读",
                "document",
                45,
                [
                    (
                        "判定标准",
                        [
                            "重大事故隐患判定标准按行业分别制定。主要负责人应组织对照标准逐项排查，"
                            "建立隐患清单，实行闭环管理。",
                            "发现重大事故隐患，应当及时采取措施消除，并向负有安全生产监督管理职责的"
                            "部门和职工大会或者职工代表大会报告。",
                        ],
                    ),
                ],
            ),
            (
                "emergency",
                "第三讲 应急预案与应急演练",
                "text",
                30,
                [
                    (
                        "预案体系",
                        [
                            "生产经营单位应急预案分为综合应急预案、专项应急预案和现场处置方案。",
                            "应当至少每半年组织一次现场处置方案演练，每年至少组织一次综合或者专项"
                            "应急预案演练。",
                        ],
                    ),
                ],
            ),
        ],
    ),
    (
        "new-employee-company-level",
        "新员工三级安全教育·公司级",
        "pre_job",
        ["general", "team_leader"],
        [],
        "8",
        "新入职员工（含劳务派遣、外包、临时用工人员）上岗前的公司（厂）级安全教育：本单位安全"
        "生产情况、规章制度、从业人员的权利义务、事故案例和应急常识。",
        [
            (
                "company-overview",
                "第一讲 本单位安全生产基本情况",
                "text",
                20,
                [
                    (
                        "危险有害因素",
                        [
                            "本单位主要危险有害因素包括机械伤害、物体打击、触电、火灾、起重伤害和"
                            "高处坠落。各车间的风险四色分布图张贴在车间入口。",
                        ],
                    ),
                ],
            ),
            (
                "rules",
                "第二讲 安全生产规章制度与劳动纪律",
                "document",
                20,
                [
                    (
                        "三违",
                        [
                            "违章指挥、违章作业、违反劳动纪律统称“三违”。发现“三违”行为的人员将离岗"
                            "接受再培训，考试合格后方可重新上岗。",
                        ],
                    ),
                ],
            ),
            (
                "ppe",
                "第三讲 劳动防护用品的正确使用",
                "text",
                15,
                [
                    (
                        "安全帽",
                        [
                            "佩戴安全帽必须系紧下颏带；帽壳受过重击或有裂纹的，不论有无外观损坏均应"
                            "报废更换。",
                        ],
                    ),
                ],
            ),
            (
                "emergency-basics",
                "第四讲 应急常识与事故报告",
                "text",
                15,
                [
                    (
                        "发生事故时",
                        [
                            "事故发生后，现场人员应立即向班组长报告，并在确保自身安全的前提下开展"
                            "先期处置；拨打119、120时讲清地点、事故类型和伤亡情况。",
                        ],
                    ),
                ],
            ),
        ],
    ),
    (
        "hazchem-safety-manager-initial",
        "危险化学品企业安全管理人员初训",
        "initial",
        ["safety_manager"],
        ["03"],
        "48",
        "危险化学品生产、经营、储存单位安全生产管理人员的初次培训（高危行业不少于48学时），"
        "须在任职6个月内考核合格。内容包括重点监管危险化工工艺、特殊作业和重大危险源管理。",
        [
            (
                "hazardous-processes",
                "第一讲 重点监管的危险化工工艺",
                "document",
                45,
                [
                    (
                        "工艺安全",
                        [
                            "重点监管的危险化工工艺包括光气及光气化、氯化、硝化、合成氨、裂解、氟化、"
                            "加氢、重氮化、氧化、过氧化、胺基化、磺化、聚合、烷基化等。",
                            "涉及重点监管危险化工工艺的装置应实现自动化控制，系统具备紧急停车功能。",
                        ],
                    ),
                ],
            ),
            (
                "special-operations",
                "第二讲 特殊作业安全规范",
                "text",
                40,
                [
                    (
                        "八大特殊作业",
                        [
                            "动火、受限空间、盲板抽堵、高处、吊装、临时用电、动土、断路作业应办理"
                            "作业票，落实风险辨识和安全措施，并设专人监护。",
                            "受限空间作业必须坚持“先通风、再检测、后作业”，检测时间不得早于作业开始前"
                            "30分钟。",
                        ],
                    ),
                ],
            ),
            (
                "major-hazard-sources",
                "第三讲 重大危险源辨识与管控",
                "text",
                40,
                [
                    (
                        "包保责任",
                        [
                            "危险化学品重大危险源应明确主要负责人、技术负责人、操作负责人的安全包保"
                            "责任，定期开展安全风险辨识和隐患排查。",
                        ],
                    ),
                ],
            ),
        ],
    ),
    (
        "confined-space",
        "有限空间作业安全",
        "retraining",
        [],
        [],
        "4",
        "所有可能进入有限空间作业的人员和监护人员必修：有限空间的辨识、作业审批、通风检测、"
        "个体防护和应急救援，杜绝盲目施救。",
        [
            (
                "identify",
                "第一讲 有限空间的辨识与危害",
                "text",
                15,
                [
                    (
                        "什么是有限空间",
                        [
                            "有限空间是指封闭或者部分封闭，与外界相对隔离，出入口较为狭窄，作业人员"
                            "不能长时间在内工作，自然通风不良，易造成有毒有害、易燃易爆物质积聚或者"
                            "氧含量不足的空间，如污水井、化粪池、储罐、发酵池、地下管沟等。",
                        ],
                    ),
                ],
            ),
            (
                "procedure",
                "第二讲 作业审批与“先通风、再检测、后作业”",
                "video",
                1,
                [
                    (
                        "作业程序",
                        [
                            "作业前办理审批，对作业人员和监护人员进行安全交底；持续机械通风，检测"
                            "氧气、可燃气体、硫化氢、一氧化碳等浓度合格后方可进入。",
                        ],
                    ),
                ],
            ),
            (
                "rescue",
                "第三讲 应急救援：严禁盲目施救",
                "text",
                15,
                [
                    (
                        "科学施救",
                        [
                            "有限空间事故中，盲目施救导致的伤亡占比很高。发生意外时，监护人员应立即"
                            "报警，在确保自身防护的前提下使用安全绳、三脚架等进行非进入式救援。",
                        ],
                    ),
                ],
            ),
        ],
    ),
]


# --------------------------------------------------------------------------- cases
# (slug, title, date, place, industry code, deaths, injuries, loss (万元), summary,
#  direct cause, root cause, lessons, has video)
CASES = [
    (
        "sewage-well-poisoning",
        "某污水处理站“6·12”有限空间中毒事故",
        dt.date(2024, 6, 12),
        "示范市清河县某工业园区污水处理站",
        "07",
        3,
        1,
        "420.5",
        "作业人员进入集水井清淤时晕倒，两名同事未佩戴防护用品先后下井施救，相继中毒倒地。",
        "集水井内积聚高浓度硫化氢，作业人员未经通风检测即进入井内作业，施救人员盲目施救。",
        "企业未落实有限空间作业审批制度，未配备气体检测仪和正压式空气呼吸器；"
        "未对作业人员开展有限空间专项培训和应急演练。",
        "有限空间作业必须坚持“先通风、再检测、后作业”，严禁盲目施救；企业应建立有限空间"
        "台账并设置警示标识。",
        True,
    ),
    (
        "tank-hot-work-explosion",
        "某化工企业储罐区动火作业爆炸事故",
        dt.date(2023, 11, 3),
        "示范市石门镇某化工企业储罐区",
        "03",
        2,
        3,
        "1260",
        "检修人员在未清洗置换的废液储罐顶部进行焊接作业，罐内可燃气体遇焊接火花发生爆炸，"
        "罐顶被掀开。",
        "储罐内残留可燃液体挥发形成爆炸性混合气体，动火前未进行可燃气体分析。",
        "动火作业票审批流于形式，承包商管理缺失，作业监护人不在现场；企业未进行动火作业风险辨识。",
        "动火作业必须执行特殊作业安全规范，做到“工艺处理不彻底不动火、分析不合格不动火、"
        "监护人不在场不动火”。",
        False,
    ),
    (
        "scaffold-fall",
        "某住宅项目外脚手架高处坠落事故",
        dt.date(2024, 3, 21),
        "示范市东湖街道某住宅项目",
        "06",
        1,
        0,
        "160",
        "一名架子工在18层外脚手架拆除作业中，未系挂安全带，踩空后从作业面坠落。",
        "作业人员高处作业未系挂安全带，脚手板未满铺、未固定。",
        "施工单位未对拆除作业进行安全技术交底，专职安全员未在岗巡查；该工人未取得登高架设"
        "作业特种作业操作证。",
        "高处作业人员必须持证上岗，正确系挂安全带；脚手架拆除应编制专项方案并设置警戒区。",
        False,
    ),
    (
        "distribution-box-shock",
        "某机械厂配电箱检修触电事故",
        dt.date(2023, 7, 8),
        "示范市城关镇某机械加工厂",
        "07",
        1,
        0,
        "95",
        "电工在车间配电箱内更换断路器时，未断开上级电源，手部触及带电母排触电。",
        "带电作业，未执行停电、验电、挂接地线、悬挂标示牌等安全技术措施。",
        "企业未建立电气作业工作票制度；当事人操作证已逾期未复审；现场无人监护。",
        "电气检修必须严格执行“停电、验电、接地、悬挂标示牌和装设遮栏”，特种作业操作证须按期复审。",
        False,
    ),
    (
        "aluminium-dust-explosion",
        "某金属制品企业铝粉尘爆炸事故",
        dt.date(2022, 9, 15),
        "示范市河口镇某金属制品企业抛光车间",
        "07",
        4,
        6,
        "2380",
        "抛光车间除尘系统集尘桶内铝粉尘受潮自燃，引发除尘管道内粉尘爆炸，并波及车间。",
        "除尘系统积尘未及时清理，铝粉尘遇水反应放热自燃，引燃管道内的粉尘云。",
        "企业未按规定设置泄爆、隔爆装置，除尘器未采用防爆型；未建立粉尘清扫制度和记录。",
        "涉爆粉尘企业应落实粉尘清扫制度，除尘系统应防爆、泄爆、隔爆，严禁湿式除尘的铝镁"
        "粉尘长期积存。",
        False,
    ),
    (
        "coal-mine-gas",
        "某煤矿掘进工作面瓦斯爆炸事故",
        dt.date(2021, 12, 2),
        "示范省某县某煤矿",
        "01",
        5,
        2,
        "3150",
        "掘进工作面局部通风机停止运转后瓦斯积聚，工人违章送电并启动设备产生电火花，引发瓦斯爆炸。",
        "局部通风机停风导致瓦斯超限，违章作业产生电气火花。",
        "矿井通风管理混乱，瓦斯监控系统传感器被遮挡；安全管理人员不在岗，超能力组织生产。",
        "严禁无风、微风、循环风作业；瓦斯超限必须停电撤人，监控系统严禁弄虚作假。",
        False,
    ),
    (
        "tailings-dam",
        "某铁矿尾矿库溃坝险情",
        dt.date(2022, 5, 28),
        "示范市石门镇某铁矿尾矿库",
        "02",
        0,
        0,
        "860",
        "连续强降雨期间尾矿库排洪设施堵塞，库水位持续上涨，坝体下游坡出现渗漏和局部滑塌，"
        "下游村民紧急转移。",
        "排洪井被杂物堵塞，调洪库容不足，浸润线抬高导致坝坡失稳。",
        "企业未按设计要求进行排洪设施检查维护，在线监测系统长期故障；汛前隐患排查走过场。",
        "尾矿库必须保证排洪设施畅通和调洪库容，汛期落实24小时值班巡查和预警撤离机制。",
        False,
    ),
    (
        "fireworks-warehouse",
        "某烟花爆竹批发仓库爆炸事故",
        dt.date(2023, 1, 16),
        "示范市柳林乡某烟花爆竹批发经营点",
        "04",
        2,
        4,
        "540",
        "春节前备货期间，仓库超量储存烟花爆竹，装卸人员野蛮装卸导致产品撞击起火，引发仓库爆炸。",
        "野蛮装卸造成撞击摩擦起火，仓库内超量储存致火势迅速蔓延成爆炸。",
        "经营单位超许可范围、超核定药量储存，在仓库内设置住人区；装卸人员未经培训上岗。",
        "烟花爆竹仓库严禁超量储存、严禁“三合一”，装卸作业必须轻拿轻放并有专人监护。",
        False,
    ),
    (
        "molten-steel-splash",
        "某钢铁企业转炉钢水喷溅灼烫事故",
        dt.date(2022, 8, 4),
        "示范省某钢铁企业炼钢车间",
        "05",
        1,
        5,
        "670",
        "转炉冶炼过程中加入潮湿废钢，炉内发生剧烈反应，钢水和炉渣喷溅至操作平台，造成人员灼烫。",
        "入炉废钢含水，遇高温钢水迅速汽化引起喷溅。",
        "原料验收和烘烤制度未执行；操作平台人员聚集，未按规定设置安全挡护和应急撤离通道。",
        "熔融金属作业区严禁潮湿物料入炉，非必要人员不得在危险区域停留，定期开展喷溅应急演练。",
        False,
    ),
    (
        "crane-lifting-injury",
        "某钢结构厂桥式起重机吊物坠落事故",
        dt.date(2024, 1, 9),
        "示范市城关镇某钢结构加工厂",
        "07",
        1,
        1,
        "130",
        "起重机吊运钢梁过程中钢丝绳断裂，钢梁坠落砸中在吊物下方通行的作业人员。",
        "钢丝绳断丝严重超过报废标准仍在使用；作业人员在吊物下方通行。",
        "企业未落实起重机械日常检查和定期检验制度，司索指挥人员未持证；现场未设置警戒区。",
        "起重作业严格执行“十不吊”，严禁人员在吊物下停留或通行，吊索具定期检查及时报废。",
        False,
    ),
    (
        "restaurant-gas-explosion",
        "某餐饮店液化石油气泄漏爆炸事故",
        dt.date(2023, 6, 21),
        "示范市东湖街道某餐饮店",
        "09",
        2,
        9,
        "720",
        "营业前员工发现液化石油气异味，在未关闭气瓶阀门的情况下尝试排查，泄漏气体遇电器"
        "开关火花发生爆炸。",
        "减压阀与软管连接处老化破损导致液化石油气泄漏，遇点火源爆炸。",
        "店内未安装可燃气体报警装置和紧急切断阀；从业人员未接受燃气安全培训，不会正确处置。",
        "发现燃气泄漏应立即关闭气源、开窗通风，严禁开关电器和使用明火，到室外安全处报警。",
        False,
    ),
    (
        "forklift-reversing",
        "某物流仓库叉车倒车伤害事故",
        dt.date(2024, 4, 17),
        "示范市河口镇某物流园仓库",
        "08",
        1,
        0,
        "110",
        "叉车司机倒车时未观察后方，将正在整理货物的一名劳务派遣工碾压致死。",
        "叉车倒车时驾驶员未瞭望，车辆倒车报警装置损坏。",
        "企业未划分人车分流通道，叉车司机无证驾驶；对劳务派遣人员未进行岗前安全培训。",
        "场内机动车辆驾驶人员必须持证，仓库应实行人车分流；劳务派遣人员应纳入本单位统一培训。",
        False,
    ),
    (
        "textile-machine-entanglement",
        "某纺织厂梳棉机机械伤害事故",
        dt.date(2023, 9, 30),
        "示范市河口镇某纺织厂",
        "07",
        0,
        1,
        "35",
        "挡车工在梳棉机未停机的情况下打开防护罩清理缠花，手臂被卷入造成重伤。",
        "设备运行中打开防护罩进行清理作业，防护罩联锁装置被短接失效。",
        "车间为赶产量默许不停机清理，设备安全联锁长期失效无人检查；班组安全活动流于形式。",
        "设备清理、维修必须停机断电并挂牌上锁，严禁拆除或短接安全防护装置。",
        False,
    ),
]


# --------------------------------------------------------------------------- builders


def _site_root() -> Page:
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        raise RuntimeError("No default Wagtail site: run migrate before seed_demo.")
    return site.root_page


def _child(parent: Page, slug: str) -> Page | None:
    page = parent.get_children().filter(slug=slug).first()
    return page.specific if page is not None else None


def _publish(parent: Page, page: Page, owner: User | None) -> Page:
    page.owner = owner
    parent.add_child(instance=page)
    # The trainer wrote it; the demo publishes it as if a reviewer had approved it.
    page.save_revision(user=owner).publish()
    return page


def _video(stdout) -> object | None:
    """The demo's one-minute WebM test pattern (VP8, 320x180, 5 frames a second, 150 KB) in
    the documents library, from the file shipped beside this module. It used to be made with
    ffmpeg at seed time, which left the video lessons without a file wherever ffmpeg was
    missing; shipping it makes the demo the same on every machine. Its length is
    VIDEO_SECONDS, the length the video lessons credit (tests/courses/test_demo_video.py)."""
    Document = get_document_model()
    existing = Document.objects.filter(title=VIDEO_TITLE).first()
    if existing is not None and existing.file and existing.file.storage.exists(existing.file.name):
        return existing
    if not VIDEO_FILE.is_file():
        stdout.write("courses demo: the demo video file is missing, the video lessons have none.")
        return None
    document = existing or Document(title=VIDEO_TITLE)
    document.file.save(VIDEO_FILE.name, ContentFile(VIDEO_FILE.read_bytes()), save=False)
    document.save()
    return document


def _attach_video(page: Page, video, owner: User | None) -> bool:
    """Give a video lesson or case seeded before the file existed its video (a new revision,
    published like the first). Returns whether it changed."""
    if video is None or page.video_id == video.pk:
        return False
    page.video = video
    if isinstance(page, LessonPage):
        page.duration_seconds = VIDEO_SECONDS
    page.save_revision(user=owner).publish()
    return True


def _pdf(title: str, sections: list[tuple[str, list[str]]]) -> object:
    """The handout of a document lesson as a PDF, in the product's embedded font, made once."""
    Document = get_document_model()
    doc_title = f"讲义：{title}"
    existing = Document.objects.filter(title=doc_title).first()
    if existing is not None:
        return existing
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Spacer

    from documents.pdf import a4_document, cjk_font, para

    font = cjk_font()
    text = ParagraphStyle("t", fontName=font, fontSize=12, leading=20, wordWrap="CJK")
    head = ParagraphStyle("h", parent=text, fontSize=15, leading=24, spaceBefore=8)
    story = [para(title, ParagraphStyle("T", parent=head, fontSize=20, leading=30))]
    for heading, paragraphs in sections:
        story.append(para(heading, head))
        story += [para(p, text) for p in paragraphs]
        story.append(Spacer(1, 6))
    buffer = io.BytesIO()
    a4_document(buffer, title=title).build(story)
    document = Document(title=doc_title)
    document.file.save("handout.pdf", ContentFile(buffer.getvalue()), save=False)
    document.save()
    return document


def _index(root: Page, model, slug: str, title: str, intro: str, created: dict) -> Page:
    page = _child(root, slug)
    if page is None:
        page = _publish(root, model(title=title, slug=slug, intro=_p(intro)), owner=None)
        created["index pages"] += 1
    return page


def _seed_courses(index: Page, owner: User | None, video, stdout, created: dict) -> None:
    for slug, title, kind, categories, industry_codes, hours, summary, lessons in COURSES:
        course = _child(index, slug)
        if course is None:
            course = CoursePage(
                title=title,
                slug=slug,
                summary=summary,
                training_kind=kind,
                personnel_categories=categories,
                nominal_hours=Decimal(hours),
            )
            course.industries.set(Industry.objects.filter(code__in=industry_codes))
            _publish(index, course, owner)
            created["courses"] += 1
        for l_slug, l_title, l_kind, minutes, sections in lessons:
            existing = _child(course, l_slug)
            if existing is not None:
                if l_kind == LessonPage.Kind.VIDEO and _attach_video(existing, video, owner):
                    created["videos attached"] += 1
                continue
            lesson = LessonPage(
                title=l_title,
                slug=l_slug,
                kind=l_kind,
                body=_body(*sections),
                min_reading_minutes=minutes,
            )
            if l_kind == LessonPage.Kind.VIDEO:
                lesson.video = video
                lesson.duration_seconds = VIDEO_SECONDS
            elif l_kind == LessonPage.Kind.DOCUMENT:
                lesson.document = _pdf(l_title, sections)
            _publish(course, lesson, owner)
            created["lessons"] += 1


def _seed_cases(index: Page, owner: User | None, video, created: dict) -> None:
    industries = {industry.code: industry for industry in Industry.objects.all()}
    for row in CASES:
        slug, title, occurred, place, code, deaths, injuries, loss = row[:8]
        summary, direct, root, lessons, has_video = row[8:]
        existing = _child(index, slug)
        if existing is not None:
            if has_video and _attach_video(existing, video, owner):
                created["videos attached"] += 1
            continue
        case = WarningCasePage(
            title=title,
            slug=slug,
            occurred_on=occurred,
            place=place,
            industry=industries[code],
            deaths=deaths,
            injuries=injuries,
            direct_loss=Decimal(loss),
            summary=summary,
            direct_cause=_p(direct),
            root_cause=_p(root),
            lessons=_p(lessons),
            video=video if has_video else None,
        )
        _publish(index, case, owner)
        created["warning cases"] += 1


# The enterprise whose admin is the demo `ent_admin`: its special operators and new staff get
# plans, so the demo trainees open an assigned course from "my study".
DEMO_PLAN_ENTERPRISE = "清河县宏达化工有限公司"


def _seed_plans(course_index, created: dict) -> None:
    enterprise = Enterprise.objects.filter(name=DEMO_PLAN_ENTERPRISE).first()
    if enterprise is None or TrainingPlan.objects.filter(enterprise=enterprise).exists():
        return
    courses = {c.slug: c for c in CoursePage.objects.child_of(course_index).live().specific()}
    plans = [
        ("2026年特种作业人员安全技术培训", ["low-voltage-electrician", "confined-space"],
         "special_operator"),
        ("2026年全员有限空间作业安全培训", ["confined-space"], "general"),
    ]  # fmt: skip
    due = timezone.localdate() + dt.timedelta(days=45)
    for title, slugs, category in plans:
        chosen = [courses[slug] for slug in slugs if slug in courses]
        if not chosen:
            continue
        plan_create(
            enterprise=enterprise,
            title=title,
            courses=chosen,
            target=TrainingPlan.Target.CATEGORY,
            personnel_category=category,
            due_on=due,
            actor=None,
        )
        created["training plans"] = created.get("training plans", 0) + 1


def seed_demo(*, stdout) -> None:
    created = dict.fromkeys(
        ["index pages", "courses", "lessons", "warning cases", "videos attached"], 0
    )
    with transaction.atomic():
        root = _site_root()
        trainer = User.objects.filter(username=DEMO_TRAINER).first()
        if trainer is not None:
            # The demo trainer authors the demo courses, so may edit them (Trainers group).
            role_grant_sync_groups(user=trainer)
        course_index = _index(
            root,
            CourseIndexPage,
            "courses",
            "培训课程",
            "按人员类别和培训类型组织的安全生产培训课程，在线学习计入学时。",
            created,
        )
        case_index = _index(
            root,
            WarningCaseIndexPage,
            "warning-cases",
            "警示教育",
            "一企出事故、万企受教育。以下案例均为教学编写的虚构案例，不涉及真实单位和人员。",
            created,
        )
        for index in (course_index, case_index):
            content_tree_setup(index_page=index)
        video = _video(stdout)
        _seed_courses(course_index, trainer, video, stdout, created)
        _seed_cases(case_index, trainer, video, created)
        _seed_plans(course_index, created)
    seed_training_history(stdout=stdout)
    made = ", ".join(f"{n} {what}" for what, n in created.items() if n)
    stdout.write(f"Courses demo: {'created ' + made if made else 'nothing to change'}.")
