"""Demo notices and library for the demo county: the county regulator's notices to the
chemical enterprises (one still open, one past its deadline with some readers late), the
chemical works' own notice to its people, and a small policy and standards library.

Published through the same services as on the web. Idempotent: a notice or item already
there (by title) is left as it is."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from demo import roster as roster_demo
from notices.models import KnowledgeItem, Notice, NoticeReceipt
from notices.services import (
    KnowledgeData,
    NoticeData,
    knowledge_publish,
    notice_overdue_notify,
    notice_publish,
)
from roster.models import Enterprise, Industry, Region, User

OPEN_NOTICE = "关于开展危险化学品企业冬季安全隐患排查的通知"
PAST_NOTICE = "关于做好安全生产月活动总结报送工作的通知"
OWN_NOTICE = "关于本周六停产检修期间动火作业管理的通知"

LIBRARY = (
    (
        KnowledgeItem.Kind.LAW,
        "中华人民共和国安全生产法（2021年修正）",
        "全国人民代表大会常务委员会",
        "中华人民共和国主席令第八十八号",
        dt.date(2021, 6, 10),
        "第二十八条 生产经营单位应当对从业人员进行安全生产教育和培训，保证从业人员具备"
        "必要的安全生产知识，熟悉有关的安全生产规章制度和安全操作规程……",
    ),
    (
        KnowledgeItem.Kind.STANDARD,
        "安全生产培训机构基本条件",
        "应急管理部",
        "AQ 8011-2023",
        dt.date(2023, 9, 1),
        "本文件规定了安全生产培训机构的基本条件，包括网络培训的学时折算要求。",
    ),
    (
        KnowledgeItem.Kind.POLICY,
        "清河县2026年安全生产培训工作要点（示范）",
        "清河县应急管理局",
        "清应急〔2026〕1号",
        dt.date(2026, 1, 15),
        "全面开展主要负责人和安全管理人员集中轮训，特种作业人员持证上岗率保持100%。",
    ),
)


def seed(*, stdout) -> None:
    regulator = User.objects.filter(username="county_reg").first()
    admin = User.objects.filter(username="ent_admin").first()
    county = Region.objects.filter(code=roster_demo.COUNTY[0]).first()
    if regulator is None or admin is None or county is None:
        stdout.write("Notices demo: skipped (no demo county).")
        return
    chemicals = Industry.objects.get(code="03")
    now = timezone.now()
    made = 0
    if not Notice.objects.filter(title=OPEN_NOTICE).exists():
        notice_publish(
            actor=regulator,
            data=NoticeData(
                kind=Notice.Kind.REGIONAL,
                title=OPEN_NOTICE,
                body="各危险化学品企业：\n请对照隐患排查清单开展自查，于截止日期前在平台签收本通知。",
                publish_from=now - dt.timedelta(days=2),
                must_acknowledge=True,
                ack_deadline=now + dt.timedelta(days=10),
                region=county,
                industries=[chemicals],
                include_staff=True,
            ),
        )
        made += 1
    if not Notice.objects.filter(title=PAST_NOTICE).exists():
        past = notice_publish(
            actor=regulator,
            data=NoticeData(
                kind=Notice.Kind.REGIONAL,
                title=PAST_NOTICE,
                body="各企业：\n请报送安全生产月活动总结，并签收本通知。",
                publish_from=now - dt.timedelta(days=30),
                must_acknowledge=True,
                ack_deadline=now - dt.timedelta(days=16),
                region=county,
                include_staff=True,
            ),
        )
        # Demo history: most readers acknowledged in time, a few late, some never.
        receipts = list(past.receipts.order_by("pk"))
        for index, receipt in enumerate(receipts):
            if index % 4 == 3:
                continue
            late = index % 4 == 2
            when = past.ack_deadline + (dt.timedelta(days=2) if late else -dt.timedelta(days=5))
            NoticeReceipt.objects.filter(pk=receipt.pk).update(read_at=when, acknowledged_at=when)
        made += 1
    own_enterprise = Enterprise.objects.filter(
        uscc=roster_demo.uscc_of(roster_demo.ENTERPRISE_ADMIN_OF)
    ).first()
    if own_enterprise and not Notice.objects.filter(title=OWN_NOTICE).exists():
        notice_publish(
            actor=admin,
            data=NoticeData(
                kind=Notice.Kind.ENTERPRISE,
                title=OWN_NOTICE,
                body="<p>检修期间一律执行<b>动火作业票</b>制度，作业前必须进行气体检测。</p>",
                publish_from=now - dt.timedelta(hours=3),
                must_acknowledge=True,
                ack_deadline=now + dt.timedelta(days=3),
                enterprise=own_enterprise,
            ),
        )
        made += 1
    for kind, title, source, number, issued, body in LIBRARY:
        if not KnowledgeItem.objects.filter(title=title).exists():
            knowledge_publish(
                actor=regulator,
                data=KnowledgeData(
                    kind=kind,
                    title=title,
                    source=source,
                    doc_number=number,
                    issued_on=issued,
                    body=body,
                    region=county,
                ),
            )
            made += 1
    told = notice_overdue_notify()
    stdout.write(f"Notices demo: {made} notices and library items made, {told} readers reminded.")
