"""An open warning assignment's readers follow the rosters, as notices' receipts do
(notices.audience, whose module docstring gives the reasons).

An assignment reaches the current people of its enterprises (optionally of one category or
post), resolved to WarningAssignee rows when assigned. Until its deadline, people who join
(hired, transferred in, category or post changed) get a row, and the rows of those who
leave are marked `left_at`: what they read stays, and unread it is no longer owed.
`counted_q` is the one definition the lists and the figures share
(`counted_by`: the same as of the end of a figure's day).

A late joiner is given the reading period the assignment gave everyone (its deadline less
the day it was made), counted from the day they joined, when that ends after the
assignment's deadline: nobody is overdue the day they join (as notices.audience.ack_due does
for acknowledgements). `overdue_q` is the one definition of overdue the lists and figures
share; while any reader's own deadline is open, leavers are still marked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from campaigns.models import WarningAssignee, WarningAssignment
from config.days import day_end
from config.lookups import InSet
from roster.models import Employment


def counted_q(prefix: str = "") -> Q:
    """Readings that count: of people still assigned, and of leavers who had read it."""
    return Q(**{f"{prefix}left_at__isnull": True}) | Q(**{f"{prefix}read_at__isnull": False})


def reading_period(assignment: WarningAssignment) -> dt.timedelta:
    """The time the assignment gave the people it was made for."""
    return assignment.due_on - timezone.localdate(assignment.created_at)


def own_due_on(assignment: WarningAssignment, joined_at: dt.datetime) -> dt.date | None:
    """What a reader keeps in `due_on`: for one who joined after the assignment was made,
    the day they joined plus its reading period, when later than its deadline; else None
    (the assignment's deadline)."""
    if joined_at <= assignment.created_at:
        return None
    due = timezone.localdate(joined_at) + reading_period(assignment)
    return due if due > assignment.due_on else None


def counted_by(end: dt.datetime) -> Q:
    """counted_q as of a moment (a dated figure's end, config.days.day_end): readers on the
    list by then (a late joiner from the moment they joined) who had not left it unread."""
    still_in = Q(left_at__isnull=True) | Q(left_at__gte=end) | Q(read_at__lt=end)
    return Q(joined_at__lt=end) & still_in


def overdue_q(on: dt.date, prefix: str = "") -> Q:
    """Readings past their own deadline on the day `on` and, at its end, still owed and
    unread: a figure for a past day does not count as read what was read after it, and
    counts as owed what a reader who left later still owed then."""
    end = day_end(on)
    past = Q(**{f"{prefix}due_on__lt": on}) | Q(
        **{f"{prefix}due_on__isnull": True, f"{prefix}assignment__due_on__lt": on}
    )
    owed = Q(**{f"{prefix}left_at__isnull": True}) | Q(**{f"{prefix}left_at__gte": end})
    unread = Q(**{f"{prefix}read_at__isnull": True}) | Q(**{f"{prefix}read_at__gte": end})
    return owed & unread & past


def assignment_jobs(assignment: WarningAssignment) -> QuerySet[Employment]:
    """The current jobs an assignment is for."""
    jobs = Employment.objects.current().filter(enterprise__in=assignment.enterprises.values("pk"))
    if assignment.personnel_category:
        jobs = jobs.filter(category=assignment.personnel_category)
    if assignment.post:
        jobs = jobs.filter(post=assignment.post)
    return jobs


def open_assignments(today: dt.date) -> QuerySet[WarningAssignment]:
    """Assignments before their deadline, or before a late joiner's own one."""
    return WarningAssignment.objects.filter(
        Q(due_on__gte=today)
        | Q(pk__in=WarningAssignee.objects.filter(due_on__gte=today).values("assignment_id"))
    )


@transaction.atomic
def warning_readers_sync(
    *,
    assignment: WarningAssignment,
    person_ids: Collection[int] | None = None,
    now: dt.datetime | None = None,
) -> tuple[int, int]:
    """Bring one assignment's readers in step with the rosters (of `person_ids` only, when
    given). Returns (added, left). Past its deadline an assignment takes no newcomers; the
    readers whose own deadline is still open leave it as before."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    rows = assignment.assignees.select_for_update()
    jobs = assignment_jobs(assignment)
    if assignment.due_on < today:
        rows = rows.filter(due_on__gte=today)
        still_open = WarningAssignee.objects.filter(assignment=assignment, due_on__gte=today)
        jobs = jobs.filter(person_id__in=still_open.values("person_id"))
    if person_ids is not None:
        ids = list(person_ids)  # as one parameter: config.lookups
        rows = rows.filter(InSet(F("person_id"), ids))
        jobs = jobs.filter(InSet(F("person_id"), ids))
    readers = {r.person_id: r for r in rows}
    wanted: dict[int, int] = {}
    for person_id, enterprise_id in jobs.order_by("pk").values_list("person_id", "enterprise_id"):
        wanted.setdefault(person_id, enterprise_id)
    new = []
    for person_id, enterprise_id in wanted.items():
        row = readers.get(person_id)
        if row is None:
            new.append(
                WarningAssignee(
                    assignment=assignment,
                    person_id=person_id,
                    enterprise_id=enterprise_id,
                    joined_at=now,
                    due_on=own_due_on(assignment, now),
                )
            )
        elif row.left_at is not None or (
            row.read_at is None and row.enterprise_id != enterprise_id
        ):
            # Back among its people, or moved between two of its enterprises unread: counted
            # where they work now.
            row.left_at = None
            if row.read_at is None:
                row.enterprise_id = enterprise_id
            row.save(update_fields=["left_at", "enterprise"])
    leavers = [r.pk for p, r in readers.items() if p not in wanted and r.left_at is None]
    if leavers:
        WarningAssignee.objects.filter(pk__in=leavers).update(left_at=now)
    WarningAssignee.objects.bulk_create(new)
    return len(new), len(leavers)


def warning_assignments_sync(
    *, person_ids: Collection[int] | None = None, now: dt.datetime | None = None
) -> tuple[int, int]:
    """Every assignment before its deadline that can concern these people (every one:
    None): those of the enterprises they work at, and those they have a row of."""
    now = now or timezone.now()
    assignments = open_assignments(timezone.localdate(now))
    if person_ids is not None:
        if not assignments.exists():
            # The usual case after a roster import: nothing open, so nothing to look up for
            # the thousands of people it names.
            return 0, 0
        ids = list(person_ids)  # as one parameter: config.lookups
        where = (
            Employment.objects.current().filter(InSet(F("person_id"), ids)).values("enterprise_id")
        )
        theirs = WarningAssignee.objects.filter(InSet(F("person_id"), ids))
        assignments = assignments.filter(
            Q(enterprises__in=where) | Q(pk__in=theirs.values("assignment_id"))
        ).distinct()
    added = left = 0
    for assignment in assignments:
        a, b = warning_readers_sync(assignment=assignment, person_ids=person_ids, now=now)
        added += a
        left += b
    return added, left
