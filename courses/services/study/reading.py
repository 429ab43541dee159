"""The reading clock: a document or text lesson (or an assigned warning case) on screen earns
the time between two ticks, up to its reading time.

The stream rules are the videos' (courses.credit's stream_refusal and idle_time): server time,
one client at a time, ticks in order, a gap longer than Rules.max_gap credits nothing,
unanswered idle checks stop the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from courses import credit
from courses.models import LessonPage, LessonProgress, StudySettings
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
    Extra,
    Report,
    heartbeat_log,
    lesson_answer,
    lesson_refused,
    stream_dump,
    stream_load,
    stream_lock,
)
from roster.models import Person


def reading_tick(
    *,
    person: Person,
    lesson: LessonPage,
    client_id: str,
    seq: int,
    opening: bool = False,
    now: dt.datetime | None = None,
) -> HeartbeatResult:
    """A document or text lesson on screen: credit the time since the last tick, up to the
    lesson's reading time. `opening` starts a new reading session (nothing before it counts).
    """
    now = now or timezone.now()
    report = Report(
        person=person, lesson=lesson, page_id=lesson.pk, client_id=client_id, seq=seq, now=now
    )
    with transaction.atomic():
        course = lesson_course(lesson)
        if course is None or not lesson_open_to(person=person, lesson=lesson):
            return lesson_refused(report, lesson=lesson, result=NOT_ALLOWED)
        if lesson.kind == LessonPage.Kind.VIDEO:
            return lesson_refused(report, lesson=lesson, result=WRONG_KIND)
        holder: dict[str, LessonProgress] = {}

        def progress_row() -> LessonProgress:
            if "progress" not in holder:
                progress, _created = LessonProgress.objects.get_or_create(
                    person=person, lesson=lesson
                )
                holder["progress"] = progress
            return holder["progress"]

        def opened() -> None:
            progress = progress_row()
            if progress.opened_at is None:
                progress.opened_at = now
                progress.save(update_fields=["opened_at", "updated_at"])

        def remaining() -> dt.timedelta:
            return dt.timedelta(seconds=lesson.credit_seconds) - dt.timedelta(
                seconds=progress_row().credited_seconds
            )

        def add(ms: int, extra: Extra) -> int:
            progress, credited = lesson_credit_add(
                person=person, lesson=lesson, course=course, ms=ms, now=now, extra=extra
            )
            holder["progress"] = progress
            return credited

        clock = reading_clock(
            person=person,
            page_id=lesson.pk,
            lesson=lesson,
            client_id=client_id,
            seq=seq,
            opening=opening,
            now=now,
            opened=opened,
            remaining=remaining,
            add=add,
        )
        progress = holder.get("progress") or (
            LessonProgress.objects.filter(person=person, lesson=lesson).first()
        )
        return lesson_answer(
            result=clock.result, ms=clock.ms, lesson=lesson, progress=progress, state=clock.state
        )


@dataclass(frozen=True)
class ClockTick:
    result: str
    ms: int
    state: credit.StreamState


def reading_clock(
    *,
    person: Person,
    page_id: int,
    client_id: str,
    seq: int,
    opening: bool,
    now: dt.datetime,
    opened: Callable[[], None],
    remaining: Callable[[], dt.timedelta],
    add: Callable[[int, Extra], int],
    lesson: LessonPage | None = None,
) -> ClockTick:
    """The reading clock of any page read for credit (a text lesson, an assigned warning
    case): one tick on the person's locked study stream. Call inside a transaction.

    The page's own bookkeeping comes in as callables: `opened()` when a session starts or
    goes on, `remaining()` the time the page may still credit, `add(ms, extra)` stores what
    was earned and returns the milliseconds it kept. The rules (server time, one client at a
    time, ticks in order, gaps and unanswered idle checks credit nothing) are the same for
    every page, because the stream is the person's, not the page's: reading a case in one tab
    while a lesson plays in another credits only one of them.
    """
    report = Report(
        person=person, lesson=lesson, page_id=page_id, client_id=client_id, seq=seq, now=now
    )
    stream = stream_lock(person)
    state, extra = stream_load(stream.state)
    refusal = credit.stream_refusal(state, client_id, seq, now, RULES)
    if refusal:
        heartbeat_log(report, result=refusal, ms=0)
        return ClockTick(refusal, 0, state)

    active = credit.is_active(state, now, RULES)
    new = credit.stream_moved(
        state, lesson_id=page_id, client_id=client_id, seq=seq, at=now, position=0.0
    )
    opened()
    ms = 0
    if opening or not active or state.last_at is None or state.lesson_id != page_id:
        # Named as credit.beat names them: a new session, or a switch of page.
        result = credit.STARTED if (opening or not active) else credit.GAP
    else:
        idle = credit.idle_time(state, state.last_at, now)
        earned = credit.reading_credit(state.last_at, now - idle, remaining(), dt.timedelta(0))
        ms = add(ms_of(earned), extra) if earned > dt.timedelta(0) else 0
        if ms:
            result = credit.CREDITED
        elif idle:
            result = credit.IDLE
        else:
            result = COMPLETE
    new = challenge_count_down(new, extra, ms, StudySettings.load(), now)
    stream.state = stream_dump(new, extra)
    stream.save()
    heartbeat_log(report, result=result, ms=ms)
    return ClockTick(result, ms, new)
