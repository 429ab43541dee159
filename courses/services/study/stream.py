"""A person's study stream in the database: one StudyStream row per person, locked for every
report so that two tabs or a retry race cannot both credit the same seconds, its JSON read
as courses.credit.StreamState plus our own bookkeeping, and every report logged with what it
earned (HeartbeatLog), refused ones too."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from courses import credit
from courses.models import HeartbeatLog, LessonPage, LessonProgress, StudyStream
from courses.services.study.outcomes import HeartbeatResult, result_message
from roster.models import Person

# Our bookkeeping beside the stream's state: "check_in_ms" (credited milliseconds left before
# the next idle check) and "lessons" (per lesson: {"carry_ms", "day", "day_start_ms"}, see
# crediting.lesson_credit_add).
Extra = dict[str, Any]


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _when(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def stream_load(data: dict[str, Any]) -> tuple[credit.StreamState, Extra]:
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
    extra: Extra = {
        "check_in_ms": data.get("check_in_ms"),
        "lessons": dict(data.get("lessons") or {}),
    }
    return state, extra


def stream_dump(state: credit.StreamState, extra: Extra) -> dict[str, Any]:
    stream = dataclasses.asdict(state)
    stream["last_at"] = _iso(state.last_at)
    stream["challenge_due"] = _iso(state.challenge_due)
    stream["furthest"] = [list(pair) for pair in state.furthest]
    return {"stream": stream, **extra}


def stream_lock(person: Person) -> StudyStream:
    """The person's stream row, locked until the transaction ends (call inside one)."""
    StudyStream.objects.get_or_create(person=person)
    return StudyStream.objects.select_for_update().get(person=person)


@dataclass(frozen=True)
class Report:
    """One report of a study page as it reached the server (at `now`, the server's time)."""

    person: Person
    lesson: LessonPage | None  # None for a page that is not a lesson (a warning case)
    page_id: int
    client_id: str
    seq: int
    now: dt.datetime
    position: float = 0.0


def heartbeat_log(report: Report, *, result: str, ms: int) -> None:
    HeartbeatLog.objects.create(
        person=report.person,
        lesson=report.lesson,
        page_id=report.page_id,
        client_id=report.client_id[:64],
        seq=report.seq,
        position=report.position,
        at=report.now,
        result=result,
        credited_ms=ms,
    )


def lesson_answer(
    *,
    result: str,
    ms: int,
    lesson: LessonPage,
    progress: LessonProgress | None,
    state: credit.StreamState | None,
) -> HeartbeatResult:
    """What the lesson page is told after a report."""
    return HeartbeatResult(
        result=result,
        message=result_message(result),
        credited_ms=ms,
        lesson_credited_seconds=progress.credited_seconds if progress else 0,
        lesson_credit_seconds=lesson.credit_seconds,
        completed=bool(progress and progress.completed_at),
        challenge_id=state.challenge_id if state else "",
        challenge_due=state.challenge_due if state else None,
    )


def lesson_refused(report: Report, *, lesson: LessonPage, result: str) -> HeartbeatResult:
    """A report refused before the stream is touched: logged, nothing credited."""
    heartbeat_log(report, result=result, ms=0)
    progress = LessonProgress.objects.filter(person=report.person, lesson=lesson).first()
    return lesson_answer(result=result, ms=0, lesson=lesson, progress=progress, state=None)
