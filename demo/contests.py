"""Demo data of the knowledge contests: the county's 2027 安康杯 contest (idempotent).

清河县应急管理局 (county_reg) organises it for the whole county, with daily questions: a
first round held last week that about twenty people of the county's enterprises took
(through the same services as on the web, with last week's clock), a second round open now
for a week (the demo trainees can enter it from 我的竞赛) and a final for the best ten.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from contests.models import Contest, ContestRound
from contests.services.contests import (
    ContestData,
    Part,
    RoundData,
    contest_round_save,
    contest_save,
)
from contests.services.playing import contest_round_join
from contests.services.scope import eligible_employments
from question_banks.choices import QuestionType
from question_banks.models import ExamSession, Question, QuestionBank, QuestionVersion
from question_banks.services.attempts import answers_save, attempt_start, attempt_submit
from roster.models import Region

NAME = '2027年"安康杯"安全生产知识竞赛'
BANK = ("DEMO-AKB", "安康杯安全生产知识（演示题库）")
JUDGE = [
    ("动火作业前必须办理动火作业许可证。", True),
    ("进入受限空间作业前应先检测氧含量和有毒有害气体浓度。", True),
    ("安全帽只要没有破损，可以一直使用不必更换。", False),
    ("发现安全隐患时，从业人员有权立即报告。", True),
    ("未经安全生产教育和培训合格的从业人员，可以先上岗再补培训。", False),
    ("生产经营单位必须为从业人员提供符合标准的劳动防护用品。", True),
    ("消防通道可以临时堆放物品，只要不超过一天。", False),
    ("特种作业人员必须持证上岗。", True),
    ("发生事故后，现场人员应立即报告本单位负责人。", True),
    ("灭火器压力表指针在红区表示压力正常。", False),
    ("从业人员有权拒绝违章指挥和强令冒险作业。", True),
    ("临时用电线路可以随意拖地敷设。", False),
]
SINGLE = [
    (
        "安全生产工作坚持的方针是？",
        ["安全第一、预防为主、综合治理", "效益优先", "先生产后安全", "以罚代管"],
        "A",
    ),
    ("我国的安全生产月一般在每年的几月？", ["3月", "6月", "9月", "12月"], "B"),
    ("火灾报警电话是？", ["110", "120", "119", "122"], "C"),
    ("“三违”不包括下列哪项？", ["违章指挥", "违章作业", "违反劳动纪律", "按规程操作"], "D"),
    ("高处作业是指在坠落高度基准面多少米以上的作业？", ["1米", "2米", "3米", "5米"], "B"),
    ("干粉灭火器使用时应对准火焰的哪个部位？", ["顶部", "中部", "根部", "任意位置"], "C"),
    ("新员工三级安全教育不包括？", ["公司级", "车间级", "班组级", "家庭级"], "D"),
    (
        "生产经营单位的主要负责人对本单位安全生产工作负什么责任？",
        ["全面责任", "部分责任", "监督责任", "无责任"],
        "A",
    ),
]


def _bank() -> QuestionBank:
    bank, created = QuestionBank.objects.get_or_create(code=BANK[0], defaults={"name": BANK[1]})
    if not created:
        return bank
    for stem, right in JUDGE:
        q = Question.objects.create(bank=bank, qtype=QuestionType.JUDGE, difficulty=2)
        v = QuestionVersion.objects.create(
            question=q,
            number=1,
            stem=f"<p>{stem}</p>",
            options=[
                {"key": "A", "text": "正确", "correct": right},
                {"key": "B", "text": "错误", "correct": not right},
            ],
            shuffle_options=False,
        )
        Question.objects.filter(pk=q.pk).update(current_version=v)
    for stem, options, right in SINGLE:
        q = Question.objects.create(bank=bank, qtype=QuestionType.SINGLE, difficulty=2)
        v = QuestionVersion.objects.create(
            question=q,
            number=1,
            stem=f"<p>{stem}</p>",
            options=[
                {"key": k, "text": t, "correct": k == right}
                for k, t in zip("ABCD", options, strict=True)
            ],
        )
        Question.objects.filter(pk=q.pk).update(current_version=v)
    return bank


def _round(contest, bank, title, kind, opens, days, now, top=0) -> ContestRound:
    return contest_round_save(
        actor=None,
        contest=contest,
        data=RoundData(
            title=title,
            kind=kind,
            opens_at=opens,
            closes_at=opens + dt.timedelta(days=days),
            duration_minutes=10,
            attempts_allowed=2,
            bank=bank,
            parts=(
                Part(QuestionType.JUDGE, 6, Decimal(10)),
                Part(QuestionType.SINGLE, 4, Decimal(10)),
            ),
            final_top_n=top,
        ),
        now=now,
    )


def _take(round: ContestRound, person, when: dt.datetime, rng: random.Random) -> None:
    contest_round_join(person=person, round=round, now=when)
    attempt = attempt_start(session=round.session, person=person, client_id="demo", now=when)
    answers = []
    for seq, item in enumerate(attempt.items.select_related("version"), start=1):
        keys = [o["key"] for o in item.version.options]
        right = [o["key"] for o in item.version.options if o.get("correct")]
        answers.append(
            {
                "position": item.position,
                "answer": right if rng.random() < 0.75 else [keys[-1]],
                "seq": seq,
            }
        )
    answers_save(
        attempt=attempt, person_id=attempt.person_id, client_id="demo", answers=answers, now=when
    )
    finished = when + dt.timedelta(seconds=rng.randrange(90, 540))
    attempt_submit(attempt=attempt, person_id=attempt.person_id, client_id="demo", now=finished)


def seed(*, stdout=None) -> None:
    if Contest.objects.filter(name=NAME).exists():
        return
    county = Region.objects.filter(code="990102").first()
    if county is None:
        return
    bank = _bank()
    contest = contest_save(
        actor=None,
        data=ContestData(
            name=NAME,
            organiser_region=county,
            organiser_enterprise=None,
            organiser_name="清河县应急管理局",
            description="全县企业从业人员参加；每日答题、初赛、复赛和决赛。",
            winners_count=10,
            daily_bank=bank,
            daily_parts=(Part(QuestionType.JUDGE, 3, Decimal(1)),),
        ),
    )
    now = timezone.now().replace(second=0, microsecond=0)
    last_week = now - dt.timedelta(days=8)
    first = _round(contest, bank, "第一轮（初赛）", "timed", last_week, 3, last_week)
    _round(contest, bank, "第二轮（复赛）", "timed", now + dt.timedelta(minutes=1), 7, now)
    _round(contest, bank, "决赛", "final", now + dt.timedelta(days=8), 1, now, top=10)
    # The second round is open from now (made a minute ahead, as the form asks).
    second = ContestRound.objects.get(contest=contest, title="第二轮（复赛）")
    ExamSession.objects.filter(pk=second.session_id).update(opens_at=now)
    rng = random.Random(2027)
    everyone = list(
        eligible_employments(contest)
        .select_related("person")
        .exclude(person__id_number__in=["990102198603120030", "990103199208250020"])
        .order_by("pk")
    )
    # Twenty-four people spread over the county's enterprises.
    people = list(
        {e.person_id: e.person for e in rng.sample(everyone, min(24, len(everyone)))}.values()
    )
    for n, person in enumerate(people):
        _take(first, person, last_week + dt.timedelta(hours=2, minutes=n * 7), rng)
