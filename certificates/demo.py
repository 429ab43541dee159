"""Certificate demo data for `seed_demo`: certificates in every state across the demo county.

Runs after the exam demo, whose closed session issues its passes through the normal path
(a pass in a session with a certificate type issues on commit). Here: older certificates as
an admin would have imported them, then reviews, suspensions, revocations, a cancellation, a
renewal and a replacement, so every page and report has something true to show. Idempotent:
people who already hold a certificate of a type are left alone.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from certificates.models import Certificate, CertificateEvent, CertificateType
from certificates.services.issuing import certificate_create
from certificates.services.lifecycle import (
    certificate_change_status,
    certificate_renew,
    certificate_replace,
    certificate_review,
)
from roster.models import Employment

IMPORTED_BY = "示范省应急管理厅（历史数据导入）"


def _next_person(post: str, ctype: CertificateType):
    """The first person on that post (by ID number) holding no certificate of the type."""
    row = (
        Employment.objects.current()
        .filter(post=post)
        .exclude(person__certificates__certificate_type=ctype)
        .select_related("person")
        .order_by("person__id_number")
        .first()
    )
    return row.person if row else None


def _import(person, ctype: CertificateType, first_issued: dt.date) -> Certificate:
    return certificate_create(
        person=person,
        ctype=ctype,
        source=Certificate.Source.IMPORT,
        event=CertificateEvent.Kind.IMPORTED,
        on=first_issued,
        valid_from=first_issued,
        first_issued_on=first_issued,
        reason=IMPORTED_BY,
    )


REASONS = {
    "suspended": "违章作业，暂扣待整改",
    "revoked": "提供虚假材料取得证书，予以撤销",
    "cancelled": "本人申请注销",
}


def seed_demo(*, stdout) -> None:
    if Certificate.objects.filter(source=Certificate.Source.IMPORT).exists():
        stdout.write("Certificates: nothing to change.")
        return
    today = timezone.localdate()
    year = dt.timedelta(days=365)
    day = dt.timedelta(days=1)
    made: dict[str, int] = {}
    # (post, type code, first issued, what happens next)
    plan = [
        ("熔化焊接与热切割作业", "TZ-HJ", today - 1 * year, "valid"),
        ("熔化焊接与热切割作业", "TZ-HJ", today - 3 * year + 40 * day, "valid"),  # review soon
        ("熔化焊接与热切割作业", "TZ-HJ", today - 3 * year - 20 * day, "valid"),  # review missed
        ("熔化焊接与热切割作业", "TZ-HJ", today - 4 * year, "reviewed"),
        ("熔化焊接与热切割作业", "TZ-HJ", today - 7 * year, "valid"),  # expired
        ("熔化焊接与热切割作业", "TZ-HJ", today - 1 * year, "suspended"),
        ("熔化焊接与热切割作业", "TZ-HJ", today - 2 * year, "replaced"),
        ("高压电工作业", "TZ-GY", today - 2 * year, "revoked"),
        ("高压电工作业", "TZ-GY", today - 2 * year, "valid"),
        ("登高架设作业", "TZ-DJ", today - 5 * year, "reviewed"),
        ("专职安全员", "ZY-AQY", today - 3 * year + 25 * day, "renewed"),
        ("专职安全员", "ZY-AQY", today - 3 * year + 60 * day, "valid"),  # expiring
        ("专职安全员", "ZY-AQY", today - 1 * year, "valid"),
        ("专职安全员", "ZY-AQY", today - 2 * year, "cancelled"),
    ]
    with transaction.atomic():
        for post, code, first, fate in plan:
            ctype = CertificateType.objects.get(code=code)
            person = _next_person(post, ctype)
            if person is None:
                continue
            certificate = _import(person, ctype, first)
            made["imported"] = made.get("imported", 0) + 1
            if fate == "reviewed":
                certificate_review(
                    certificate=certificate,
                    actor=None,
                    on=certificate.next_review_on - 30 * day,
                    training_hours=8,
                    reason="复审培训8学时，考试合格",
                )
            elif fate in REASONS:
                certificate_change_status(
                    certificate=certificate, kind=fate, actor=None, reason=REASONS[fate]
                )
            elif fate == "replaced":
                certificate_replace(certificate=certificate, actor=None, reason="证书遗失补办")
            elif fate == "renewed":
                certificate_renew(
                    certificate=certificate, actor=None, reason="到期延续，继续教育合格"
                )
            if fate != "valid":
                made[fate] = made.get(fate, 0) + 1
    issued = Certificate.objects.filter(source=Certificate.Source.EXAM).count()
    summary = ", ".join(f"{n} {what}" for what, n in made.items())
    stdout.write(f"Certificates: {summary}; {issued} issued on passing the demo exams.")
