"""Where earned time goes: LessonProgress in exact seconds (the sub-second carry kept in the
stream's bookkeeping) and the day's CreditEntry in whole minutes computed from the exact
running total, so no seconds are lost to rounding, however the study is spread over days."""

from __future__ import annotations

import datetime as dt

from django.db.models import F
from django.utils import timezone

from courses.models import Assignment, CoursePage, CreditEntry, LessonPage, LessonProgress
from courses.services.study.outcomes import COMPLETE_SHARE
from courses.services.study.stream import Extra
from roster.models import Person


def ms_of(delta: dt.timedelta) -> int:
    return delta // dt.timedelta(milliseconds=1)


def lesson_credit_add(
    *,
    person: Person,
    lesson: LessonPage,
    course: CoursePage,
    ms: int,
    now: dt.datetime,
    extra: Extra,
) -> tuple[LessonProgress, int]:
    """Add `ms` (capped at what the lesson may still give) to the lesson and the day's
    ledger row; return the progress and the milliseconds actually credited.

    The exact total is progress.credited_seconds * 1000 + the lesson's carry_ms. The day's
    CreditEntry holds floor(total now / 1 min) - floor(total at the day's start / 1 min),
    so the rows of all days add up to the whole minutes of the exact total.
    """
    progress, _created = LessonProgress.objects.get_or_create(person=person, lesson=lesson)
    book = dict(extra["lessons"].get(str(lesson.pk)) or {})
    total = progress.credited_seconds * 1000 + book.get("carry_ms", 0)
    ms = max(0, min(ms, lesson.credit_seconds * 1000 - total))
    if ms == 0:
        return progress, 0
    day = timezone.localdate(now)
    if book.get("day") != day.isoformat():
        book["day"], book["day_start_ms"] = day.isoformat(), total
    total += ms
    book["carry_ms"] = total % 1000
    extra["lessons"][str(lesson.pk)] = book
    progress.credited_seconds = total // 1000
    if progress.completed_at is None and total >= lesson.credit_seconds * 1000 * COMPLETE_SHARE:
        progress.completed_at = now
    progress.save()
    minutes = total // 60_000 - book["day_start_ms"] // 60_000
    if minutes:
        CreditEntry.objects.update_or_create(
            person=person,
            lesson=lesson,
            on=day,
            source=CreditEntry.Source.ONLINE,
            defaults={
                "minutes": minutes,
                "training_kind": course.training_kind,
                "course": course,
            },
        )
    if progress.completed_at == now:
        _complete_assignments(person=person, course=course, now=now)
    return progress, ms


def _complete_assignments(*, person: Person, course: CoursePage, now: dt.datetime) -> None:
    """An assignment is done when every live lesson of its course is complete."""
    lessons = LessonPage.objects.live().child_of(course).values_list("pk", flat=True)
    done = LessonProgress.objects.filter(
        person=person, lesson_id__in=list(lessons), completed_at__isnull=False
    ).count()
    if done >= len(lessons):
        Assignment.objects.filter(person=person, course=course, completed_at=None).update(
            completed_at=now
        )


def credit_minutes_add(
    *, person: Person, on: dt.date, source: str, training_kind: str, minutes: int
) -> None:
    """Add whole minutes to the person's ledger row of a day for a source that keeps one row
    a day (warning education): compliance sums the ledger, whatever the source."""
    if minutes <= 0:
        return
    entry = (
        CreditEntry.objects.select_for_update()
        .filter(
            person=person,
            on=on,
            source=source,
            training_kind=training_kind,
            lesson=None,
            course=None,
            classroom=None,
        )
        .first()
    )
    if entry is None:
        CreditEntry.objects.create(
            person=person, on=on, source=source, training_kind=training_kind, minutes=minutes
        )
    else:
        CreditEntry.objects.filter(pk=entry.pk).update(minutes=F("minutes") + minutes)
        # update() sends no post_save: tell the reports (reports.signals).
        from reports.maintained import figures_changed

        figures_changed(person_ids=[person.pk])
