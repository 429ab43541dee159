"""Exam demo data for `seed_demo`: a 低压电工作业 theory bank, its paper rule, an open session
and a closed one with attempts in every state. Idempotent: keyed on fixed codes.

The questions are written for the demo (plausible, in the style of the national theory
banks); they are not an official bank.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from question_banks.models import (
    Attempt,
    Category,
    ExamSession,
    PaperRule,
    PaperSection,
    QuestionBank,
)
from question_banks.services.attempts import answers_save, attempt_start, attempt_submit
from question_banks.services.questions import question_create
from question_banks.services.sessions import session_add_candidates
from roster.demo import COUNTY, training_body_uscc
from roster.models import Employment, Person, Region, TrainingBody

BANK = ("DEMO-DG", "低压电工作业 安全技术理论（演示题库）")
RULE = "DEMO-DG-THEORY"
OPEN_SESSION = "DEMO-2026-4"
CLOSED_SESSION = "DEMO-2026-3"

# (difficulty, category, stem, right?) for 判断题
JUDGE = [
    (
        1,
        "法律法规",
        "特种作业人员必须经专门的安全技术培训并考核合格，取得特种作业操作证后，方可上岗作业。",
        True,
    ),
    (1, "法律法规", "特种作业操作证每3年复审1次。", True),
    (2, "法律法规", "特种作业人员离开特种作业岗位6个月以上的，应当重新进行实际操作考试。", True),
    (
        1,
        "电工基础",
        "低压电工作业是指对1千伏以下的电气设备进行安装、调试、运行操作、维护、检修、改造施工和试验的作业。",
        True,
    ),
    (2, "安全用具", "在没有用验电器验电前，线路应视为有电。", True),
    (2, "安全用具", "使用万用表测量电阻时，可以在被测电路带电的情况下进行。", False),
    (2, "防护技术", "漏电保护器动作后，可以不查明原因立即合闸送电。", False),
    (2, "防护技术", "Ⅱ类手持电动工具比Ⅰ类工具安全可靠。", True),
    (1, "电气防火", "电气火灾发生时，应首先切断电源再进行灭火。", True),
    (1, "电气防火", "可以用水直接扑灭带电设备的火灾。", False),
    (2, "安全作业", "停电检修时，应在断开的开关把手上悬挂“禁止合闸，有人工作”的标示牌。", True),
    (3, "安全用具", "绝缘手套应每半年进行一次预防性试验。", True),
    (2, "安全作业", "在潮湿场所使用的移动式照明灯具，其电压可以采用220V。", False),
    (1, "触电急救", "触电者脱离电源后，如心跳和呼吸停止，应立即进行心肺复苏。", True),
    (3, "电工基础", "电流通过人体的途径中，从左手到前胸是最危险的。", True),
    (3, "防护技术", "保护接零适用于中性点不接地的低压电网。", False),
]
# (difficulty, category, stem, options, right letters) for 单选题 and 多选题
SINGLE = [
    (
        1,
        "法律法规",
        "我国安全生产工作的方针是（ ）。",
        [
            "安全第一、预防为主、综合治理",
            "质量第一、兼顾安全",
            "效益优先、安全第二",
            "以人为本、事后处理",
        ],
        "A",
    ),
    (1, "法律法规", "特种作业操作证有效期为（ ）年。", ["3", "4", "6", "12"], "C"),
    (
        2,
        "电工基础",
        "我国规定的安全电压额定值的等级中，不包括（ ）。",
        ["42V", "36V", "24V", "50V"],
        "D",
    ),
    (
        2,
        "电气防火",
        "电气设备发生火灾时，不能使用（ ）灭火。",
        ["二氧化碳灭火器", "干粉灭火器", "泡沫灭火器", "干沙"],
        "C",
    ),
    (
        1,
        "电工基础",
        "人体触电时，（ ）的电流途径最危险。",
        ["左手到前胸", "右手到脚", "左脚到右脚", "右手到右肩"],
        "A",
    ),
    (
        2,
        "安全用具",
        "低压验电器一般适用于交、直流电压为（ ）V以下。",
        ["220", "380", "500", "1000"],
        "C",
    ),
    (
        3,
        "电工基础",
        "对于工频电流，成年男性的平均摆脱电流约为（ ）mA。",
        ["1", "16", "50", "100"],
        "B",
    ),
    (
        3,
        "电气防火",
        "带电灭火时，10kV及以下电压，人体与带电体之间的最小距离为（ ）m。",
        ["0.4", "0.7", "1.0", "1.5"],
        "A",
    ),
    (2, "电工基础", "熔断器在电路中主要起（ ）保护作用。", ["过载", "短路", "欠压", "失压"], "B"),
    (
        1,
        "法律法规",
        "从业人员发现事故隐患或者其他不安全因素，"
        "应当（ ）向现场安全生产管理人员或者本单位负责人报告。",
        ["立即", "下班后", "一天内", "一周内"],
        "A",
    ),
    (
        2,
        "安全作业",
        "装设接地线时，应（ ）。",
        ["先接导体端，后接接地端", "先接接地端，后接导体端", "两端同时接", "无顺序要求"],
        "B",
    ),
    (
        2,
        "防护技术",
        "用于人身保护的漏电保护器，额定漏电动作电流一般不大于（ ）mA。",
        ["30", "50", "75", "100"],
        "A",
    ),
    (
        1,
        "安全作业",
        "使用手持电动工具时，下列做法正确的是（ ）。",
        [
            "使用前检查外壳、电源线是否完好",
            "用电源线拖拽工具",
            "潮湿场所使用Ⅰ类工具不加保护",
            "工具冒火花时继续使用",
        ],
        "A",
    ),
    (
        3,
        "安全作业",
        "在一经合闸即可送电到工作地点的开关操作把手上，应悬挂（ ）标示牌。",
        ["止步，高压危险", "禁止合闸，有人工作", "在此工作", "从此上下"],
        "B",
    ),
]
MULTIPLE = [
    (
        1,
        "法律法规",
        "生产经营单位的从业人员有权（ ）。",
        [
            "了解作业场所存在的危险因素",
            "对本单位安全生产工作提出建议",
            "拒绝违章指挥和强令冒险作业",
            "发现直接危及人身安全的紧急情况时停止作业",
        ],
        "ABCD",
    ),
    (
        2,
        "安全作业",
        "在电气设备上工作，保证安全的技术措施有（ ）。",
        ["停电", "验电", "装设接地线", "悬挂标示牌和装设遮栏"],
        "ABCD",
    ),
    (1, "电工基础", "触电事故按伤害形式分为（ ）。", ["电击", "电伤", "烫伤", "摔伤"], "AB"),
    (2, "防护技术", "防止直接接触电击的措施有（ ）。", ["绝缘", "屏护", "间距", "保护接地"], "ABC"),
    (
        2,
        "电气防火",
        "引起电气火灾的主要原因有（ ）。",
        ["短路", "过载", "接触不良", "正常照明"],
        "ABC",
    ),
    (
        2,
        "法律法规",
        "下列属于特种作业的有（ ）。",
        ["电工作业", "焊接与热切割作业", "高处作业", "文秘工作"],
        "ABC",
    ),
    (
        3,
        "法律法规",
        "新员工的三级安全教育是指（ ）安全教育。",
        ["公司（厂矿）级", "车间级", "班组级", "社区级"],
        "ABC",
    ),
    (
        3,
        "触电急救",
        "心肺复苏的主要措施包括（ ）。",
        ["胸外按压", "开放气道", "人工呼吸", "立即喂水"],
        "ABC",
    ),
]
EXPLANATION = (
    "依据《中华人民共和国安全生产法》《特种作业人员安全技术培训考核管理规定》"
    "及低压电工作业安全技术要求。"
)


def _seed_bank(body: TrainingBody) -> QuestionBank:
    bank, created = QuestionBank.objects.get_or_create(
        code=BANK[0],
        defaults={
            "name": BANK[1],
            "personnel_categories": ["special_operator"],
            "training_body": body,
        },
    )
    if not created:
        if bank.training_body_id is None and bank.enterprise_id is None:
            bank.training_body = body  # a demo seeded before banks had owners
            bank.save(update_fields=["training_body"])
        return bank
    categories = {}
    for name in sorted({row[1] for row in JUDGE + SINGLE + MULTIPLE}):
        categories[name] = Category.objects.create(bank=bank, name=name)
    for difficulty, category, stem, right in JUDGE:
        question_create(
            bank=bank,
            qtype="judge",
            stem=stem,
            actor=None,
            difficulty=difficulty,
            category=categories[category],
            explanation=EXPLANATION,
            options=[
                {"key": "A", "text": "正确", "correct": right},
                {"key": "B", "text": "错误", "correct": not right},
            ],
        )
    for qtype, rows in (("single", SINGLE), ("multiple", MULTIPLE)):
        for difficulty, category, stem, texts, right in rows:
            question_create(
                bank=bank,
                qtype=qtype,
                stem=stem,
                actor=None,
                difficulty=difficulty,
                category=categories[category],
                explanation=EXPLANATION,
                options=[
                    {"key": k, "text": t, "correct": k in right}
                    for k, t in zip("ABCD", texts, strict=True)
                ],
            )
    return bank


def _seed_rule(bank: QuestionBank) -> PaperRule:
    rule, created = PaperRule.objects.get_or_create(
        code=RULE,
        defaults={
            "name": "低压电工作业理论考试（演示）",
            "bank": bank,
            "duration_minutes": 60,
            "pass_mark": 80,
        },
    )
    if created:
        # 10 判断 x 2 + 10 单选 x 4 + 5 多选 x 8 = 100 points; the mix fits the bank exactly.
        for position, (title, qtype, points, counts) in enumerate(
            [
                ("判断题", "judge", 2, (3, 5, 2)),
                ("单选题", "single", 4, (3, 5, 2)),
                ("多选题", "multiple", 8, (1, 3, 1)),
            ]
        ):
            PaperSection.objects.create(
                rule=rule,
                position=position,
                title=title,
                qtype=qtype,
                points_each=Decimal(points),
                easy_count=counts[0],
                medium_count=counts[1],
                hard_count=counts[2],
            )
    return rule


def _electricians() -> list[Person]:
    ids = (
        Employment.objects.current().filter(post="低压电工作业").values_list("person_id", flat=True)
    )
    return list(Person.objects.filter(pk__in=ids).order_by("id_number"))


def _sit(session, person, when, rng, skill):
    """One past attempt answered with the given chance of choosing right."""
    attempt = attempt_start(session=session, person=person, client_id="demo", now=when)
    answers = []
    for n, item in enumerate(attempt.items.select_related("version"), start=1):
        right = sorted(o["key"] for o in item.version.options if o["correct"])
        wrong = [o["key"] for o in item.version.options if not o["correct"]] or right
        answers.append(
            {
                "position": item.position,
                "answer": right if rng.random() < skill else [rng.choice(wrong)],
                "seq": n,
            }
        )
    answers_save(
        attempt=attempt, client_id="demo", answers=answers, now=when + dt.timedelta(minutes=20)
    )
    attempt_submit(attempt=attempt, client_id="demo", now=when + dt.timedelta(minutes=35))


def _seed_sessions(rule: PaperRule, now: dt.datetime, body: TrainingBody) -> tuple[int, int]:
    people = _electricians()
    rng = random.Random(2026)
    # Held by the county's training centre in the county: the demo trainer's to change.
    held = {"training_body": body, "region": Region.objects.get(code=COUNTY[0])}
    open_session, _ = ExamSession.objects.get_or_create(
        code=OPEN_SESSION,
        defaults={
            "name": "2026年第4期 低压电工作业理论考试（演示）",
            "rule": rule,
            "is_published": True,
            "opens_at": now - dt.timedelta(days=1),
            "closes_at": now + dt.timedelta(days=30),
            "certificate_type_code": "TZ-DG",
            **held,
        },
    )
    _own(open_session, held)
    session_add_candidates(session=open_session, actor=None, people=people)
    closed, created = ExamSession.objects.get_or_create(
        code=CLOSED_SESSION,
        defaults={
            "name": "2026年第3期 低压电工作业理论考试（演示）",
            "rule": rule,
            "is_published": True,
            "opens_at": now - dt.timedelta(days=40),
            "closes_at": now - dt.timedelta(days=38),
            "certificate_type_code": "TZ-DG",
            **held,
        },
    )
    _own(closed, held)
    session_add_candidates(session=closed, actor=None, people=people)
    if created:
        start = closed.opens_at + dt.timedelta(hours=1)
        for n, person in enumerate(people):
            if n % 7 == 6:
                continue  # absent
            skill = 0.95 if n % 3 else 0.6  # most pass, some fail first time
            _sit(closed, person, start + dt.timedelta(minutes=n), rng, skill)
            if skill < 0.9 and n % 2:
                _sit(closed, person, start + dt.timedelta(hours=5, minutes=n), rng, 0.92)  # 补考
    return open_session.candidates.count(), Attempt.objects.filter(session=closed).count()


def _own(session: ExamSession, held: dict) -> None:
    """A demo session seeded before sessions had owners gets the demo's."""
    if session.training_body_id is None and session.enterprise_id is None:
        for name, value in held.items():
            setattr(session, name, value)
        session.save(update_fields=list(held))


def seed_demo(*, stdout) -> None:
    now = timezone.now()
    with transaction.atomic():
        body = TrainingBody.objects.get(uscc=training_body_uscc())
        bank = _seed_bank(body)
        rule = _seed_rule(bank)
        candidates, attempts = _seed_sessions(rule, now, body)
    stdout.write(
        f"Exams: bank {bank.code} ({bank.questions.count()} questions), rule {rule.code}, "
        f"open session {OPEN_SESSION} with {candidates} candidates, "
        f"closed session {CLOSED_SESSION} with {attempts} attempts."
    )
