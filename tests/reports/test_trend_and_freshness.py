"""The trend's stored month-ends equal the live figures for those dates, and a committed
change reaches the (cached) figures at once."""

import datetime as dt

import pytest
from django.utils import timezone

from reports.models import MonthEndFigures, MonthEndRun
from reports.selectors import report_params, totals, trend
from reports.snapshots import month_ends, snapshot_month_end, snapshot_recent
from reports.tasks import snapshot_month_ends_task

from .test_scope_and_input import _certify, certified  # noqa: F401

pytestmark = pytest.mark.django_db


def test_month_ends_are_the_last_days_of_the_previous_twelve_months():
    ends = month_ends(dt.date(2026, 3, 15))
    assert ends[0] == dt.date(2025, 3, 31) and ends[-1] == dt.date(2026, 2, 28)
    assert len(ends) == 12


def test_stored_month_ends_equal_the_live_figures(certified):  # noqa: F811
    w = certified
    user = w.regulator_county
    live = {
        end: totals(user=user, params=report_params(user=user, date=end.isoformat()))
        for end in month_ends(timezone.localdate())
    }
    assert snapshot_month_ends_task.delay().get() == MonthEndFigures.objects.count()
    assert MonthEndRun.objects.count() == 12
    points = trend(user=user, params=report_params(user=user))
    assert [p["on"] for p in points[:-1]] == list(live)
    for point in points[:-1]:
        assert {k: point[k] for k in live[point["on"]]} == live[point["on"]]
    assert points[-1]["on"] == timezone.localdate()


def test_recomputing_a_month_end_replaces_it(certified):  # noqa: F811
    end = month_ends(timezone.localdate())[-1]
    first = snapshot_month_end(end)
    assert snapshot_month_end(end) == first
    assert MonthEndFigures.objects.filter(month_end=end).count() == first
    assert snapshot_recent(count=2) >= first


def test_a_committed_change_reaches_the_cached_figures(
    certified,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    w = certified
    user = w.regulator_county
    params = report_params(user=user)
    assert totals(user=user, params=params)["holding"] == 1
    from certificates.models import CertificateType

    with django_capture_on_commit_callbacks(execute=True):
        _certify(w.person_b, CertificateType.objects.order_by("pk").first(), params.on)
    assert totals(user=user, params=params)["holding"] == 2


def test_a_busy_day_may_serve_figures_a_minute_old_when_configured(
    certified,  # noqa: F811
    django_capture_on_commit_callbacks,
    settings,
):
    settings.REPORTS_MAX_STALE_SECONDS = 60
    w = certified
    user = w.regulator_county
    params = report_params(user=user)
    assert totals(user=user, params=params)["holding"] == 1
    from certificates.models import CertificateType

    with django_capture_on_commit_callbacks(execute=True):
        _certify(w.person_b, CertificateType.objects.order_by("pk").first(), params.on)
    assert totals(user=user, params=params)["holding"] == 1  # within the minute
    settings.REPORTS_MAX_STALE_SECONDS = 0
    assert totals(user=user, params=params)["holding"] == 2
