"""Demo data of warning education, rotation training and campaign months for the demo county:
a case assigned by county_reg to 清河县宏达化工有限公司 (one trainee has read it), a
警示教育会 there, the county's 2027 rotation campaign for principals and safety managers with
a classroom session, attendance and exam results, and a 安全生产月 activity. Everything goes
through the product's services, as the users would; running it again changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from campaigns.models import MonthActivity, RotationCampaign, WarningAssignment, WarningMeeting
from campaigns.services.months import month_activity_record
from campaigns.services.rotation import (
    campaign_session_create,
    campaign_session_schedule,
    member_exam_record,
    rotation_campaign_create,
    session_attendance_record,
)
from campaigns.services.warning import (
    warning_assignment_create,
    warning_meeting_record,
    warning_reading_tick,
)
from courses.models import WarningCasePage
from courses.services.study import challenge_answer
from roster.models import Enterprise, Person, Region, User

CAMPAIGN_TITLE = "2027年主要负责人和安全管理人员集中轮训"
MEETING_TOPIC = "“一企出事故、万企受教育”警示教育会"
ACTIVITY_TITLE = "安全生产月应急知识竞赛"
TRAINEE = "990102198603120030"


def seed(*, stdout=None) -> None:
    regulator = User.objects.filter(username="county_reg").first()
    admin = User.objects.filter(username="ent_admin").first()
    chem = Enterprise.objects.filter(name="清河县宏达化工有限公司").first()
    county = Region.objects.filter(code="990102").first()
    case = WarningCasePage.objects.live().order_by("-occurred_on").first()
    if None in (regulator, admin, chem, county):
        return
    today = timezone.localdate()
    people = list(
        Person.objects.filter(
            employments__enterprise=chem, employments__ended_on__isnull=True
        ).order_by("name")[:8]
    )

    if case is not None and not WarningAssignment.objects.filter(case=case).exists():
        assignment = warning_assignment_create(
            actor=regulator, case=case, enterprises=[chem], due_on=today + dt.timedelta(days=30)
        )
        reading = assignment.assignees.filter(person__id_number=TRAINEE).first()
        if reading is not None:
            # Read earlier on the trainee's phone: ticks every 30 s until the case is read,
            # answering each attendance check (they come at random times) as a reader does.
            start = timezone.now() - dt.timedelta(hours=3)
            for step in range(60):
                moment = start + dt.timedelta(seconds=30 * step)
                result = warning_reading_tick(
                    person=reading.person,
                    reading=reading,
                    client_id="demo-phone",
                    seq=step + 1,
                    opening=step == 0,
                    now=moment,
                )
                if result.completed:
                    break
                if result.challenge_id:
                    challenge_answer(
                        person=reading.person,
                        challenge_id=result.challenge_id,
                        now=moment + dt.timedelta(seconds=5),
                    )

    if case is not None and people and not WarningMeeting.objects.filter(enterprise=chem).exists():
        warning_meeting_record(
            actor=admin,
            enterprise=chem,
            held_on=today - dt.timedelta(days=10),
            topic=MEETING_TOPIC,
            cases=[case],
            attendees=people,
        )

    if not RotationCampaign.objects.filter(title=CAMPAIGN_TITLE).exists():
        campaign = rotation_campaign_create(
            actor=regulator,
            title=CAMPAIGN_TITLE,
            region=county,
            industries=[],
            categories=["principal", "safety_manager"],
            target_rate=Decimal(1),
            starts_on=today - dt.timedelta(days=30),
            ends_on=today + dt.timedelta(days=200),
        )
        members = [m.person for m in campaign.members.select_related("person")[:20]]
        if members:
            session = campaign_session_create(
                actor=regulator,
                campaign=campaign,
                kind="classroom",
                title="第一期面授（县应急管理局）",
                held_on=today - dt.timedelta(days=7),
                place="清河县应急管理局三楼会议室",
                capacity=40,
            )
            campaign_session_schedule(actor=regulator, session=session, people=members)
            session_attendance_record(actor=regulator, session=session, people=members[:12])
            for n, person in enumerate(members[:8]):
                member_exam_record(
                    actor=regulator,
                    campaign=campaign,
                    person=person,
                    score=Decimal(72 + n * 3),
                    exam_on=today - dt.timedelta(days=6),
                )

    if people and not MonthActivity.objects.filter(enterprise=chem, title=ACTIVITY_TITLE).exists():
        june = dt.date(today.year, 6, 16)
        month_activity_record(
            actor=admin,
            enterprise=chem,
            month="safety",
            title=ACTIVITY_TITLE,
            held_on=june if june <= today else june.replace(year=today.year - 1),
            description="全员参加应急知识竞赛，评出一、二、三等奖。",
            participants=people,
        )
    if stdout is not None:
        stdout.write("Warning education, rotation training and campaign months: ready.")
