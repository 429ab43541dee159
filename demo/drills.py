"""Demo drills in 清河县: 清河县宏达化工有限公司 (ent_admin's, high-risk and a fire-safety key
unit) keeps a plan and drills that cover what it owed, with an evaluation and follow-up
actions; 清河县鸿运烟花爆竹有限公司 has drilled nothing and is overdue. Dates follow the day
the demo is loaded, so both stay true whenever it runs. Idempotent: an enterprise that has
drills already is left as it is."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from drills import selectors, services
from drills.models import DrillRecord
from roster.models import Employment, Enterprise, User

CHEM = "清河县宏达化工有限公司"
OVERDUE = "清河县鸿运烟花爆竹有限公司"
REGISTERED = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def _photo(name: str) -> SimpleUploadedFile:
    image = Image.new("RGB", (640, 400), (200, 60, 40))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 300, 600, 360), fill=(250, 250, 250))
    draw.rectangle((260, 120, 380, 300), fill=(30, 120, 60))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def _clamp(day: dt.date, start: dt.date, today: dt.date) -> dt.date:
    return max(start, min(day, today))


def seed(*, stdout=None) -> int:
    today = timezone.localdate()
    chem = Enterprise.objects.filter(name=CHEM).first()
    late = Enterprise.objects.filter(name=OVERDUE).first()
    admin = User.objects.filter(username="ent_admin").first()
    if chem is None or late is None or admin is None:
        return 0
    # Both were registered before last period began: what they owed then counts.
    Enterprise.objects.filter(pk__in=[chem.pk, late.pk], created_at__gt=REGISTERED).update(
        created_at=REGISTERED
    )
    if not chem.fire_safety_key_unit:
        chem.fire_safety_key_unit = True
        chem.save(update_fields=["fire_safety_key_unit"])
    if DrillRecord.objects.filter(enterprise=chem).exists():
        return 0
    people = [
        e.person
        for e in Employment.objects.current()
        .filter(enterprise=chem)
        .select_related("person")
        .order_by("person__id_number")[:12]
    ]
    half_start, _half_end = selectors.period_of("half_year", today)
    prev_start, _prev_end = selectors.previous_period("half_year", today)

    plan = [
        ("comprehensive", "tabletop", "氯气泄漏综合应急预案桌面推演", dt.date(today.year, 3, 15)),
        ("onsite", "live", "聚合釜超温现场处置", dt.date(today.year, 5, 20)),
        ("fire", "live", "罐区火灾灭火和应急疏散", dt.date(today.year, 6, 10)),
        ("onsite", "live", "液氯钢瓶泄漏现场处置", dt.date(today.year, 11, 25)),
        ("fire", "live", "办公楼夜间疏散", dt.date(today.year, 12, 20)),
    ]
    planned = [
        services.planned_drill_add(
            actor=admin,
            enterprise=chem,
            year=today.year,
            data=services.PlannedData(
                kind=k,
                form=f,
                scenario=s,
                planned_on=d,
                people=people[:6],
                # Fire drills: the staff are told a week before (消防安全管理规定).
                staff_notified_on=d - dt.timedelta(days=7) if k == "fire" else None,
            ),
        )
        for k, f, s, d in plan
    ]
    held = [
        # Last year's plan drill, then one of each kind the last half year asked for.
        (
            "comprehensive",
            "tabletop",
            dt.date(today.year - 1, 11, 20),
            "氯气泄漏综合应急预案桌面推演",
        ),
        ("onsite", "live", prev_start + dt.timedelta(days=60), "聚合釜超温现场处置"),
        ("fire", "live", prev_start + dt.timedelta(days=90), "罐区火灾灭火和应急疏散"),
        (
            "special",
            "live",
            _clamp(today - dt.timedelta(days=10), half_start, today),
            "液氯泄漏专项应急预案实战演练",
        ),
    ]
    records = []
    for number, (kind, form, on, scenario) in enumerate(held):
        match = next((p for p in planned if p.scenario == scenario and p.planned_on <= today), None)
        record = services.record_save(
            actor=admin,
            enterprise=chem,
            data=services.RecordData(
                kind=kind,
                form=form,
                held_on=on,
                place="化工园区厂区" if kind != "fire" else "罐区及办公楼",
                duration_minutes=45 + 15 * number,
                organiser="安全环保部",
                scenario=scenario,
                hours_credited=Decimal("1.0") if form == "live" else Decimal("0"),
                planned=match,
            ),
            participants=people[: 6 + number],
            evidence=[_photo(f"drill-{number + 1}.jpg")],
            on=today,
        )
        records.append(record)
    last = records[-1]
    services.evaluation_file(
        actor=admin,
        record=last,
        problems_found=(
            "1. 警戒区域设置偏小；2. 两名外包人员未按路线撤离；3. 应急广播在储运部听不清。"
        ),
        plan_changes="扩大警戒范围至下风向200米；外包人员纳入班前疏散路线培训；储运部加装广播。",
    )
    first = services.action_add(
        actor=admin,
        record=last,
        description="储运部加装应急广播",
        owner=people[0],
        due_on=last.held_on + dt.timedelta(days=30),
    )
    services.action_add(
        actor=admin,
        record=last,
        description="外包人员疏散路线专项培训",
        owner=people[1],
        due_on=last.held_on + dt.timedelta(days=14),
    )
    services.action_close(actor=admin, action=first, note="广播已加装并试音合格")
    if stdout is not None:
        stdout.write(f"Drills demo: {len(records)} drills of {chem.name}; {late.name} is overdue.")
    return len(records)
