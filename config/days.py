"""Days in the product's time zone."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def day_end(on: dt.date) -> dt.datetime:
    """The first moment after the day ``on`` (local time): a figure dated ``on`` counts what
    had happened before it."""
    return timezone.make_aware(dt.datetime.combine(on + dt.timedelta(days=1), dt.time.min))
