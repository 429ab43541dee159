"""The maintained report figures in the database of DATABASE_URL, for the fault tests that
run against a PostgreSQL cluster of their own (tests/faults/test_postgres_restart.py):

    DATABASE_URL=... python -m tests.faults.figures_probe build     # every figure, as of today
    DATABASE_URL=... python -m tests.faults.figures_probe change    # committed changes, queued
    DATABASE_URL=... python -m tests.faults.figures_probe drain     # the minute's drain
    DATABASE_URL=... python -m tests.faults.figures_probe check     # kept == live? (JSON)

`change` queues its changes as a lost broker send leaves them (no drain task runs), so only
the queue in PostgreSQL carries them to the next drain. `check` prints the queue's length,
whether the maintained roll-ups equal the live query for every grouping of every region,
and whether the stored rows equal a fresh rebuild's (nothing lost, nothing counted twice);
the rebuild is rolled back.
"""

from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")


class _Rollback(Exception):
    pass


def figure_rows() -> list[list]:
    """Every stored row of the maintained figures, in a stable order."""
    from reports.models import (
        MAINTAINED_FLAGS,
        EmploymentFigures,
        EnterpriseCategoryFigures,
        EnterpriseFigures,
    )

    fields = ["employment_id", "person_id", "enterprise_id", "category", "employment_form"]
    by_category = EnterpriseCategoryFigures.objects.order_by("enterprise_id", "category")
    return (
        [
            list(r)
            for r in EmploymentFigures.objects.order_by("pk").values_list(
                *fields, *MAINTAINED_FLAGS
            )
        ]
        + [
            list(r)
            for r in EnterpriseFigures.objects.order_by("pk").values_list(
                "pk", "people", *MAINTAINED_FLAGS
            )
        ]
        + [
            list(r)
            for r in by_category.values_list(
                "enterprise_id", "category", "people", *MAINTAINED_FLAGS
            )
        ]
    )


def rebuilt_rows() -> list[list]:
    """The rows a full rebuild would store now (the rebuild is rolled back)."""
    from django.db import transaction

    from reports.maintained import employment_figures_rebuild

    try:
        with transaction.atomic():
            employment_figures_rebuild()
            rows = figure_rows()
            raise _Rollback
    except _Rollback:
        return rows


def change() -> dict:
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from courses.models import CreditEntry, TrainingKind
    from reports import maintained
    from roster.models import Employment

    maintained._schedule_drain = lambda: None  # the send is lost: the queue alone remembers
    jobs = list(Employment.objects.filter(ended_on__isnull=True).order_by("pk")[:3])
    people = sorted({job.person_id for job in jobs})
    today = timezone.localdate()
    with transaction.atomic():
        # One job ended yesterday: its row must go (the figures certainly differ until the
        # drain); hours for the others.
        jobs[0].ended_on = today - dt.timedelta(days=1)
        jobs[0].save(update_fields=["ended_on"])
        for person_id in people:
            CreditEntry.objects.create(
                person_id=person_id,
                on=today - dt.timedelta(days=1),
                source=CreditEntry.Source.CLASSROOM,
                training_kind=TrainingKind.RETRAINING,
                minutes=24 * 60,
            )
    return {"people": people, "ended": jobs[0].pk}


def check() -> dict:
    from reports import rollups, selectors
    from reports.management.commands.certification_report import SystemPrincipal
    from reports.models import FiguresQueue
    from reports.selectors import GROUPINGS, report_params
    from roster.choices import PersonnelCategory
    from roster.models import Region

    user = SystemPrincipal()
    unequal = []
    regions = [None, *Region.objects.order_by("path")]
    # Every region with no category filter (its table by category reads every category's
    # sums), and the whole scope filtered to one category.
    asked = [(region, "") for region in regions] + [(None, PersonnelCategory.SPECIAL_OPERATOR)]
    for region, category in asked:
        code = region.code if region else ""
        params = report_params(user=user, region=code, category=category)
        enterprises = selectors.scoped_enterprises(user=user, params=params)
        for by in (None, *(b for b in GROUPINGS if b not in rollups.LIVE_GROUPINGS)):
            live = selectors._grouped_live(user=user, params=params, by=by)
            kept = rollups.grouped(
                enterprises=enterprises, category=category, by=by, parent=params.region
            )
            if kept != live:
                unequal.append([code, category, by])
    people = selectors._grouped_live(user=user, params=report_params(user=user), by=None)
    stored = figure_rows()
    rebuilt = rebuilt_rows()
    return {
        "queued": FiguresQueue.objects.count(),
        "fresh": rollups.maintained_fresh(),
        "unequal": unequal,
        "rows_equal_rebuild": stored == rebuilt,
        "people": people.get("", {}).get("people", 0),
        "trained": people.get("", {}).get("trained", 0),
    }


def main() -> None:
    import django

    django.setup()
    from reports.maintained import employment_figures_drain, employment_figures_rebuild

    command = sys.argv[1]
    if command == "build":
        result: dict = {"rows": employment_figures_rebuild()}
    elif command == "change":
        result = change()
    elif command == "drain":
        result = {"rows": employment_figures_drain()}
    elif command == "check":
        result = check()
    else:
        raise SystemExit(f"unknown command {command}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
