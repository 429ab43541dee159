"""Studying: player heartbeats and reading ticks, credited by the server.

The pure rules live in courses.credit; this module wraps them with the database:

- each person's StudyStream row is locked for every heartbeat, so two tabs or a retry race
  cannot both credit the same seconds (one lesson and one client at a time);
- time is the server's receipt time and the lesson's length comes from the lesson record,
  never from the client;
- every heartbeat is logged with what it earned (HeartbeatLog), refused ones too;
- credit goes to LessonProgress (exact seconds, with the sub-second carry kept in the
  stream's state) and to the day's CreditEntry in whole minutes computed from the exact
  running total, so no seconds are lost to rounding, however the study is spread over days;
- idle checks: after a random amount of credited study (StudySettings), the server asks the
  learner to respond; the heartbeat answer carries the check until it is answered.

Who may earn credit (decided here, in one place): a live lesson of a live course that is
assigned to the person by a training plan, or that is open to their current personnel
category (a course with no categories is open to everyone). A trainee may therefore study
any such course on their own initiative; the credit counts for the course's training kind.
Anything else is refused, logged and credits nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from courses import credit
from courses.models import (
    Assignment,
    AttendanceSnapshot,
    CoursePage,
    CreditEntry,
    HeartbeatLog,
    LessonPage,
    LessonProgress,
    StudySettings,
    StudyStream,
)
from roster.models import Person

RULES = credit.Rules()
# Results of our own, next to those of courses.credit.
NOT_ALLOWED = "not_allowed"
WRONG_KIND = "wrong_kind"
COMPLETE = "complete"  # the lesson already has all the credit it can give

# A lesson is complete at 90 % of its credit: the last seconds of a video (credits, a
# player that stops a moment early, a heartbeat lost on closing) should not leave a trainee
# who watched it all one lesson short.
COMPLETE_SHARE = 0.9

SNAPSHOT_MAX_BYTES = 512 * 1024
SNAPSHOT_MAX_SIDE = 2000


class StudyError(Exception):
    """A refusal with a message for the learner; nothing was changed."""

    def __init__(self, message: str, code: str = "refused"):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class HeartbeatResult:
    result: str
    message: str
    credited_ms: int
    lesson_credited_seconds: int
    lesson_credit_seconds: int
    completed: bool
    challenge_id: str = ""
    challenge_due: dt.datetime | None = None


def _message(result: str) -> str:
    messages = {
        credit.SEEK_AHEAD: _(
            "Seeking ahead is not credited: go back to where you stopped watching."
        ),
        credit.OTHER_CLIENT: _(
            "Another tab or device is studying now; only one is credited at a time."
        ),
        credit.IDLE: _("Not credited: please answer the attendance check."),
        credit.OUT_OF_ORDER: _("This report came out of order and was not counted."),
        credit.IMPOSSIBLE: _("This report was not accepted."),
        NOT_ALLOWED: _("This lesson is not open to you for credit."),
        WRONG_KIND: _("This report does not fit this kind of lesson."),
        COMPLETE: _("You have all the credit this lesson gives."),
    }
    return str(messages.get(result, ""))


# ---------------------------------------------------------------- the stream's state


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _when(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _load(data: dict) -> tuple[credit.StreamState, dict]:
    """The stored JSON as credit.StreamState plus our own bookkeeping ("extra")."""
    raw = data.get("stream") or {}
    state = credit.StreamState(
        lesson_id=raw.get("lesson_id"),
        client_id=raw.get("client_id", ""),
        last_seq=raw.get("last_seq", 0),
        last_at=_when(raw.get("last_at")),
        last_position=raw.get("last_position", 0.0),
        furthest=tuple((int(k), float(v)) for k, v in raw.get("furthest", [])),
        challenge_id=raw.get("challenge_id", ""),
        challenge_due=_when(raw.get("challenge_due")),
    )
    extra = {
        # Credited milliseconds left before the next idle check.
        "check_in_ms": data.get("check_in_ms"),
        # Per lesson: {"carry_ms", "day", "day_start_ms"} (see _credit).
        "lessons": dict(data.get("lessons") or {}),
    }
    return state, extra


def _dump(state: credit.StreamState, extra: dict) -> dict:
    stream = dataclasses.asdict(state)
    stream["last_at"] = _iso(state.last_at)
    stream["challenge_due"] = _iso(state.challenge_due)
    stream["furthest"] = [list(pair) for pair in state.furthest]
    return {"stream": stream, **extra}


def _lock_stream(person: Person) -> StudyStream:
    StudyStream.objects.get_or_create(person=person)
    return StudyStream.objects.select_for_update().get(person=person)


# ---------------------------------------------------------------- who may study what


def lesson_course(lesson: LessonPage) -> CoursePage | None:
    parent = lesson.get_parent()
    parent = parent.specific if parent else None
    return parent if isinstance(parent, CoursePage) else None


def lesson_open_to(*, person: Person, lesson: LessonPage) -> bool:
    """May this person earn credit on this lesson? (the policy in the module docstring)"""
    from courses.services.compliance import current_employment

    course = lesson_course(lesson)
    if not (lesson.live and course is not None and course.live):
        return False
    if Assignment.objects.filter(person=person, course=course).exists():
        return True
    if not course.personnel_categories:
        return True
    employment = current_employment(person)
    return employment is not None and employment.category in course.personnel_categories


# ---------------------------------------------------------------- crediting


def _ms(delta: dt.timedelta) -> int:
    return delta // dt.timedelta(milliseconds=1)


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _credit(
    *, person: Person, lesson: LessonPage, course: CoursePage, ms: int, now: dt.datetime, extra
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


def _next_check_ms(settings: StudySettings) -> int:
    low = settings.idle_check_min_minutes
    high = max(low, settings.idle_check_max_minutes)
    # Random so that a script cannot predict when to answer.
    return random.SystemRandom().randint(low * 60_000, high * 60_000)


def _idle_check(
    state: credit.StreamState, extra: dict, ms: int, settings: StudySettings, now: dt.datetime
) -> credit.StreamState:
    """Count credited study down to the next idle check; issue it when due."""
    if extra.get("check_in_ms") is None:
        extra["check_in_ms"] = _next_check_ms(settings)
    if state.challenge_id:
        return state
    extra["check_in_ms"] -= ms
    if extra["check_in_ms"] > 0:
        return state
    extra["check_in_ms"] = _next_check_ms(settings)
    return credit.challenge_issue(state, secrets.token_urlsafe(12), now, RULES)


def _log(*, person, lesson, client_id, seq, position, now, result, ms, page_id=None) -> None:
    HeartbeatLog.objects.create(
        person=person,
        lesson=lesson,
        page_id=page_id if page_id is not None else getattr(lesson, "pk", None),
        client_id=client_id[:64],
        seq=seq,
        position=position,
        at=now,
        result=result,
        credited_ms=ms,
    )


def _answer(
    *, result: str, ms: int, lesson: LessonPage, progress: LessonProgress | None, state
) -> HeartbeatResult:
    return HeartbeatResult(
        result=result,
        message=_message(result),
        credited_ms=ms,
        lesson_credited_seconds=progress.credited_seconds if progress else 0,
        lesson_credit_seconds=lesson.credit_seconds,
        completed=bool(progress and progress.completed_at),
        challenge_id=state.challenge_id if state else "",
        challenge_due=state.challenge_due if state else None,
    )


def _refused(*, person, lesson, client_id, seq, position, now, result) -> HeartbeatResult:
    _log(
        person=person,
        lesson=lesson,
        client_id=client_id,
        seq=seq,
        position=position,
        now=now,
        result=result,
        ms=0,
    )
    progress = LessonProgress.objects.filter(person=person, lesson=lesson).first()
    return _answer(result=result, ms=0, lesson=lesson, progress=progress, state=None)


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
    args = {"person": person, "lesson": lesson, "client_id": client_id, "seq": seq}
    with transaction.atomic():
        course = lesson_course(lesson)
        if not lesson_open_to(person=person, lesson=lesson):
            return _refused(**args, position=position, now=now, result=NOT_ALLOWED)
        if lesson.kind != LessonPage.Kind.VIDEO:
            return _refused(**args, position=position, now=now, result=WRONG_KIND)
        stream = _lock_stream(person)
        state, extra = _load(stream.state)
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
        progress, ms = _credit(
            person=person,
            lesson=lesson,
            course=course,
            ms=_ms(outcome.credit),
            now=now,
            extra=extra,
        )
        if result == credit.CREDITED and outcome.credit and not ms:
            result = COMPLETE
        furthest = state.furthest_in(lesson.pk)
        if furthest > progress.furthest_seconds:
            progress.furthest_seconds = furthest
            progress.save(update_fields=["furthest_seconds", "updated_at"])
        state = _idle_check(state, extra, ms, StudySettings.load(), now)
        stream.state = _dump(state, extra)
        stream.save()
        _log(**args, position=position, now=now, result=result, ms=ms)
        return _answer(result=result, ms=ms, lesson=lesson, progress=progress, state=state)


def _unanswered(state: credit.StreamState, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    """The part of [start, end] after an unanswered idle check fell due (the rule of
    credit.beat, applied to the reading clock)."""
    due = state.challenge_due
    if not state.challenge_id or due is None or due >= end:
        return dt.timedelta(0)
    return end - max(start, due)


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

    The same stream rules as videos: server time, one client at a time, ticks in order, a
    gap longer than Rules.max_gap credits nothing, unanswered idle checks stop the clock.
    """
    now = now or timezone.now()
    args = {"person": person, "lesson": lesson, "client_id": client_id, "seq": seq}
    with transaction.atomic():
        course = lesson_course(lesson)
        if not lesson_open_to(person=person, lesson=lesson):
            return _refused(**args, position=0, now=now, result=NOT_ALLOWED)
        if lesson.kind == LessonPage.Kind.VIDEO:
            return _refused(**args, position=0, now=now, result=WRONG_KIND)
        holder: dict = {}

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

        def add(ms: int, extra: dict) -> int:
            progress, credited = _credit(
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
        return _answer(
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
    add: Callable[[int, dict], int],
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
    args = {"person": person, "lesson": lesson, "client_id": client_id, "seq": seq}
    stream = _lock_stream(person)
    state, extra = _load(stream.state)
    active = state.last_at is not None and now - state.last_at <= RULES.max_gap
    refusal = None
    if active and client_id != state.client_id:
        refusal = credit.OTHER_CLIENT
    elif (active and seq <= state.last_seq) or (state.last_at and now < state.last_at):
        refusal = credit.OUT_OF_ORDER
    if refusal:
        _log(**args, page_id=page_id, position=0, now=now, result=refusal, ms=0)
        return ClockTick(refusal, 0, state)

    new = dataclasses.replace(
        state,
        lesson_id=page_id,
        client_id=client_id,
        last_seq=seq,
        last_at=now,
        last_position=0.0,
    )
    opened()
    ms = 0
    if opening or not active or state.lesson_id != page_id:
        # Named as credit.beat names them: a new session, or a switch of page.
        result = credit.STARTED if (opening or not active) else credit.GAP
    else:
        idle = _unanswered(state, state.last_at, now)
        earned = credit.reading_credit(state.last_at, now - idle, remaining(), dt.timedelta(0))
        ms = add(_ms(earned), extra) if earned > dt.timedelta(0) else 0
        if ms:
            result = credit.CREDITED
        elif idle:
            result = credit.IDLE
        else:
            result = COMPLETE
    new = _idle_check(new, extra, ms, StudySettings.load(), now)
    stream.state = _dump(new, extra)
    stream.save()
    _log(**args, page_id=page_id, position=0, now=now, result=result, ms=ms)
    return ClockTick(result, ms, new)


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


def challenge_answer(*, person: Person, challenge_id: str, now: dt.datetime | None = None) -> bool:
    """The learner answered an idle check; False when it is not the one pending."""
    now = now or timezone.now()
    with transaction.atomic():
        stream = _lock_stream(person)
        state, extra = _load(stream.state)
        state, ok = credit.challenge_answer(state, challenge_id, now)
        if ok:
            stream.state = _dump(state, extra)
            stream.save()
        return ok


# ---------------------------------------------------------------- webcam snapshots


def snapshot_save(
    *, person: Person, lesson: LessonPage, data: bytes, now: dt.datetime | None = None
) -> AttendanceSnapshot:
    """Keep a webcam picture the learner agreed to send, as attendance evidence.

    Refused unless the setting is on and the lesson is open to the person; the file must be
    a real JPEG of sensible size, checked with Pillow before anything is stored.
    """
    now = now or timezone.now()
    if not StudySettings.load().webcam_snapshots:
        raise StudyError(_("Webcam snapshots are switched off."), "off")
    if not lesson_open_to(person=person, lesson=lesson):
        raise StudyError(_("This lesson is not open to you for credit."), NOT_ALLOWED)
    if not data or len(data) > SNAPSHOT_MAX_BYTES:
        raise StudyError(
            _("The picture must be a JPEG of at most %(kb)s KB.")
            % {"kb": SNAPSHOT_MAX_BYTES // 1024},
            "size",
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind, size = image.format, image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise StudyError(_("The picture could not be read as a JPEG."), "image") from exc
    if kind != "JPEG" or max(size) > SNAPSHOT_MAX_SIDE or min(size) < 16:
        raise StudyError(_("The picture could not be read as a JPEG."), "image")
    snapshot = AttendanceSnapshot(person=person, lesson=lesson, taken_at=now)
    snapshot.image.save(f"{person.pk}-{now:%Y%m%d%H%M%S}.jpg", ContentFile(data), save=False)
    snapshot.full_clean()
    snapshot.save()
    return snapshot


# ---------------------------------------------------------------- reads for the pages


@dataclass(frozen=True)
class LessonStudy:
    lesson: LessonPage
    credited_seconds: int
    credit_seconds: int
    completed: bool
    open_for_credit: bool
    furthest_seconds: float


def lesson_study(*, person: Person, lesson: LessonPage) -> LessonStudy:
    progress = LessonProgress.objects.filter(person=person, lesson=lesson).first()
    return LessonStudy(
        lesson=lesson,
        credited_seconds=progress.credited_seconds if progress else 0,
        credit_seconds=lesson.credit_seconds,
        completed=bool(progress and progress.completed_at),
        open_for_credit=lesson_open_to(person=person, lesson=lesson),
        furthest_seconds=progress.furthest_seconds if progress else 0.0,
    )


@dataclass(frozen=True)
class CourseStudy:
    course: CoursePage
    due_on: dt.date | None
    completed_at: dt.datetime | None
    lessons: list[LessonStudy]

    @property
    def done_lessons(self) -> int:
        return sum(1 for item in self.lessons if item.completed)

    @property
    def percent(self) -> int:
        total = sum(item.credit_seconds for item in self.lessons)
        done = sum(min(item.credited_seconds, item.credit_seconds) for item in self.lessons)
        return round(100 * done / total) if total else 0


def my_courses(*, person: Person) -> list[CourseStudy]:
    """The person's assigned live courses, earliest due first, with each lesson's progress
    (a fixed number of queries, whatever the number of courses and lessons)."""
    assignments = (
        Assignment.objects.filter(person=person, course__live=True)
        .select_related("plan", "course")
        .order_by("plan__due_on", "course__title")
    )
    by_course: dict[int, Assignment] = {}
    for assignment in assignments:
        by_course.setdefault(assignment.course_id, assignment)
    if not by_course:
        return []
    lessons = LessonPage.objects.none()
    for assignment in by_course.values():
        lessons = lessons | LessonPage.objects.live().child_of(assignment.course)
    lessons = list(lessons.order_by("path"))
    progress = {
        p.lesson_id: p
        for p in LessonProgress.objects.filter(person=person, lesson__in=[x.pk for x in lessons])
    }
    result = []
    for assignment in by_course.values():
        course = assignment.course
        items = []
        for lesson in lessons:
            if not lesson.path.startswith(course.path):
                continue
            p = progress.get(lesson.pk)
            items.append(
                LessonStudy(
                    lesson=lesson,
                    credited_seconds=p.credited_seconds if p else 0,
                    credit_seconds=lesson.credit_seconds,
                    completed=bool(p and p.completed_at),
                    open_for_credit=True,
                    furthest_seconds=p.furthest_seconds if p else 0.0,
                )
            )
        result.append(
            CourseStudy(
                course=course,
                due_on=assignment.plan.due_on,
                completed_at=assignment.completed_at,
                lessons=items,
            )
        )
    return result


def year_hours(*, person: Person, on: dt.date | None = None):
    """The person's hours this year (done / required / missing), as compliance counts them."""
    from courses.services.compliance import person_compliance

    on = on or timezone.localdate()
    return person_compliance(person=person, year=on.year, on=on)
