"""The trend's past points: figures as of each month's last day, per enterprise and
personnel category, stored in MonthEndFigures and summed per scope when the trend is read."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from roster.models import Enterprise

from . import figures
from .models import MonthEndFigures, MonthEndRun

TREND_MONTHS = 12


def month_ends(today: dt.date, count: int = TREND_MONTHS) -> list[dt.date]:
    """The last days of the `count` months before today's month, oldest first."""
    ends = []
    end = today.replace(day=1) - dt.timedelta(days=1)
    for _ in range(count):
        ends.append(end)
        end = end.replace(day=1) - dt.timedelta(days=1)
    return ends[::-1]


def snapshot_month_end(month_end: dt.date) -> int:
    """Compute and store every enterprise's figures as of `month_end`; returns the rows."""
    inner = figures.annotated(on=month_end, enterprises=Enterprise.objects.all())
    key = Concat(Cast("enterprise_id", CharField()), Value("|"), "category")
    table = figures.grouped(inner, key)
    rows = []
    for group, counts in table.items():
        enterprise_id, category = group.split("|", 1)
        rows.append(
            MonthEndFigures(
                month_end=month_end, enterprise_id=int(enterprise_id), category=category, **counts
            )
        )
    with transaction.atomic():
        MonthEndFigures.objects.filter(month_end=month_end).delete()
        MonthEndFigures.objects.bulk_create(rows, batch_size=2000)
        MonthEndRun.objects.update_or_create(month_end=month_end, defaults={"rows": len(rows)})
    return len(rows)


def snapshot_recent(*, today: dt.date | None = None, count: int = TREND_MONTHS) -> int:
    today = today or timezone.localdate()
    return sum(snapshot_month_end(end) for end in month_ends(today, count))
