"""A video player's heartbeat: credit the time since the last one, if courses.credit.beat
says it counts. The time is the server's receipt time and the lesson's length comes from the
lesson record, never from the client."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from courses import credit
from courses.models import LessonPage, StudySettings
from courses.selectors import lesson_course, lesson_open_to
from courses.services.study.challenges import challenge_count_down
from courses.services.study.crediting import lesson_credit_add, ms_of
from courses.services.study.outcomes import (
    COMPLETE,
    NOT_ALLOWED,
    RULES,
    WRONG_KIND,
    HeartbeatResult,
)
from courses.services.study.stream import (
    Report,
    heartbeat_log,
    lesson_answer,
    lesson_refused,
    stream_dump,
    stream_load,
    stream_lock,
)
from roster.models import Person


def heartbeat(
    *,
    person: Person,
    lesson: LessonPage,
    client_id: str,
    seq: int,
    position: float,
    now: dt.datetime | None = None,
) -> HeartbeatResult:
    """One report of a video player: credit the time since the last one, if it counts."""
    now = now or timezone.now()
    report = Report(
        person=person,
        lesson=lesson,
        page_id=lesson.pk,
        client_id=client_id,
        seq=seq,
        now=now,
        position=position,
    )
    with transaction.atomic():
        course = lesson_course(lesson)
        if course is None or not lesson_open_to(person=person, lesson=lesson):
            return lesson_refused(report, lesson=lesson, result=NOT_ALLOWED)
        if lesson.kind != LessonPage.Kind.VIDEO:
            return lesson_refused(report, lesson=lesson, result=WRONG_KIND)
        stream = stream_lock(person)
        state, extra = stream_load(stream.state)
        outcome = credit.beat(
            state,
            credit.Heartbeat(
                lesson_id=lesson.pk,
                client_id=client_id,
                seq=seq,
                position=position,
                duration=float(lesson.duration_seconds),
                at=now,
            ),
            RULES,
        )
        state, result = outcome.state, outcome.result
        progress, ms = lesson_credit_add(
            person=person,
            lesson=lesson,
            course=course,
            ms=ms_of(outcome.credit),
            now=now,
            extra=extra,
        )
        if result == credit.CREDITED and outcome.credit and not ms:
            result = COMPLETE
        furthest = state.furthest_in(lesson.pk)
        if furthest > progress.furthest_seconds:
            progress.furthest_seconds = furthest
            progress.save(update_fields=["furthest_seconds", "updated_at"])
        state = challenge_count_down(state, extra, ms, StudySettings.load(), now)
        stream.state = stream_dump(state, extra)
        stream.save()
        heartbeat_log(report, result=result, ms=ms)
        return lesson_answer(result=result, ms=ms, lesson=lesson, progress=progress, state=state)
