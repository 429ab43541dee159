"""A year and a half of training history for the demo enterprises, so the regulator's
dashboard has something true to show: classroom retraining sessions last year and this year
(with their sign-in sheets), pre-job training for some newcomers and a few 三违 retrainings;
the veterans hired before go-live are marked as having had 三级 then, with the reason.

Enterprises differ on purpose (a seeded random per 统一社会信用代码): some train nearly
everyone, some lag. Everything goes through the same services an enterprise admin uses, so the
hours ledger is exactly what a real admin would have produced. Idempotent: an enterprise that
already has a classroom session is left alone.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from courses.models import (
    ClassroomSession,
    SafetyEducationBeforeGoLive,
    TrainingKind,
    ViolationRetraining,
)
from courses.services.classroom import SessionData, classroom_record
from courses.services.records import violation_record
from courses.services.safety_education import education_mark_hired_before
from roster.models import Employment, Enterprise

_HERE = Path(__file__).resolve().parent
# A sign-in sheet is evidence a PDF was uploaded; the demo's is a one-page blank PDF.
_SHEET = (_HERE / "assets" / "sign-in-sheet.pdf").read_bytes()
_VIOLATIONS: list[str] = json.loads((_HERE / "data" / "courses.json").read_text("utf-8"))[
    "violations"
]
_SERIOUS = {"无票动火作业"}


def _sheet(name: str) -> ContentFile:
    return ContentFile(_SHEET, name=f"{name}.pdf")


def _months_up_to(today: dt.date, count: int, rng: random.Random) -> list[dt.date]:
    """`count` dates in distinct months of this year up to today (earliest first)."""
    months = list(range(1, today.month + 1))
    picked = sorted(rng.sample(months, min(count, len(months))))
    return [min(dt.date(today.year, m, rng.randint(5, 25)), today) for m in picked]


def _session(enterprise, title, kind, held_on, hours, people) -> int:
    if not people:
        return 0
    classroom_record(
        enterprise=enterprise,
        data=SessionData(
            title=title,
            training_kind=kind,
            held_on=held_on,
            hours=Decimal(hours),
            trainer="安全培训中心 王老师",
        ),
        attendees=people,
        sign_in_sheet=_sheet(f"sign-in-{enterprise.uscc}-{held_on:%Y%m%d}"),
        actor=None,
    )
    return 1


# Why the veterans need no new 三级: the county's enterprises kept it on paper before the product
# went live on 1 January 2025, as the system admin recorded when moving them in. The demo's
# hires of the first quarter of 2025 came after and still show what they miss.
GO_LIVE = dt.date(2025, 1, 1)
GO_LIVE_REASON = "系统上线前已在纸质台账完成三级安全教育（上线时由系统管理员统一登记）"


def _mark_veterans() -> int:
    """Everyone hired before go-live is marked as educated then, through the admin's own
    service; later hires still need their three levels."""
    admin = get_user_model().objects.filter(username="admin", is_superuser=True).first()
    if admin is None:
        return 0
    marked = 0
    for enterprise in Enterprise.objects.order_by("uscc"):
        if SafetyEducationBeforeGoLive.objects.filter(enterprise=enterprise).exists():
            continue
        marked += education_mark_hired_before(
            enterprise=enterprise,
            hired_before=GO_LIVE,
            reason=GO_LIVE_REASON,
            actor=admin,
        )
    return marked


def seed_training_history(*, stdout) -> None:
    today = timezone.localdate()
    veterans = _mark_veterans()
    if veterans:
        stdout.write(f"三级 before go-live: {veterans} veterans marked.")
    sessions = violations = 0
    for enterprise in Enterprise.objects.order_by("uscc"):
        if ClassroomSession.objects.filter(enterprise=enterprise).exists():
            continue
        rng = random.Random(enterprise.uscc)
        diligence = rng.uniform(0.35, 0.95)
        staff = [
            e.person
            for e in Employment.objects.current()
            .filter(enterprise=enterprise)
            .select_related("person")
            .order_by("person__id_number")
        ]
        if not staff:
            continue
        last_year = [p for p in staff if rng.random() < diligence + 0.05]
        sessions += _session(
            enterprise,
            f"{today.year - 1}年度全员安全生产再培训",
            TrainingKind.RETRAINING,
            dt.date(today.year - 1, rng.randint(3, 11), rng.randint(5, 25)),
            20,
            last_year,
        )
        # This year in two or three sittings: the trend climbs month by month.
        for n, held_on in enumerate(_months_up_to(today, rng.randint(2, 3), rng), start=1):
            people = [p for p in staff if rng.random() < diligence]
            hours = 12 if n == 1 else 8
            title = f"{today.year}年度安全生产再培训（第{n}期）"
            sessions += _session(enterprise, title, TrainingKind.RETRAINING, held_on, hours, people)
        newcomers = [
            e.person
            for e in Employment.objects.current().filter(
                enterprise=enterprise, hire_date__year=today.year
            )
        ]
        trained = [p for p in newcomers if rng.random() < diligence]
        sessions += _session(
            enterprise,
            "新入职人员岗前安全培训",
            TrainingKind.PRE_JOB,
            today - dt.timedelta(days=rng.randint(1, 20)),
            72 if enterprise.industry.high_risk else 24,
            trained,
        )
        if (
            rng.random() < 0.3
            and not ViolationRetraining.objects.filter(enterprise=enterprise).exists()
        ):
            person = rng.choice(staff)
            what = rng.choice(_VIOLATIONS)
            violation_record(
                person=person,
                enterprise=enterprise,
                violation=what,
                off_job_from=today - dt.timedelta(days=rng.randint(2, 40)),
                exam_session=None,
                actor=None,
                # 无票动火 is the serious one of the three: the review (复审) reads it.
                severity=(
                    ViolationRetraining.Severity.SERIOUS
                    if what in _SERIOUS
                    else ViolationRetraining.Severity.ORDINARY
                ),
            )
            violations += 1
    if sessions or violations:
        stdout.write(
            f"Training history: {sessions} classroom sessions, {violations} 三违 retrainings."
        )
