"""The lesson page's JSON endpoints: heartbeats, reading ticks, idle checks, webcam snapshots.

Session auth with CSRF (the project's NinjaAPI default), always for the signed-in user's
own person. Malformed input is refused with 422 by the schemas before any service runs, so
it changes nothing; the services decide what counts (courses.services.study).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from courses.models import LessonPage
from courses.selectors import year_hours
from courses.services import study

router = Router(tags=["study"])

MAX_SEQ = 2**62


class HeartbeatIn(Schema):
    lesson: int = Field(..., ge=1)
    client: str = Field(..., min_length=8, max_length=64)
    seq: int = Field(..., ge=1, le=MAX_SEQ)
    position: float = Field(..., ge=0, le=10_000_000, allow_inf_nan=False)


class ReadingIn(Schema):
    lesson: int = Field(..., ge=1)
    client: str = Field(..., min_length=8, max_length=64)
    seq: int = Field(..., ge=1, le=MAX_SEQ)
    opening: bool = False


class ChallengeIn(Schema):
    challenge: str = Field(..., min_length=1, max_length=64)


class StudyOut(Schema):
    result: str
    message: str
    credited_ms: int
    lesson_credited_seconds: int
    lesson_credit_seconds: int
    completed: bool
    challenge: str
    challenge_due: str | None
    # This year's hours (学时) as compliance counts them, for the page to show.
    hours_done: str
    hours_required: str
    hours_missing: str


class ChallengeOut(Schema):
    ok: bool
    message: str


class Refusal(Schema):
    detail: str
    code: str


def _person(request):
    if not request.user.person_id:
        raise HttpError(403, _("Only trainees with a roster record can study for credit."))
    return request.user.person


MAX_PAGE_ID = 2**31 - 1  # Wagtail's page ids; a larger number would overflow the query


def _lesson(lesson_id: int) -> LessonPage | None:
    if not 1 <= lesson_id <= MAX_PAGE_ID:
        return None  # "no such lesson" (422), found by tests/security fuzzing as a 500
    return LessonPage.objects.filter(pk=lesson_id).first()


def _no_lesson():
    return Status(422, {"detail": _("There is no such lesson."), "code": "lesson"})


def _out(person, result: study.HeartbeatResult) -> dict:
    hours = year_hours(person=person)
    return {
        "hours_done": str(hours.done_hours),
        "hours_required": str(hours.required_hours),
        "hours_missing": str(hours.missing_hours),
        "result": result.result,
        "message": result.message,
        "credited_ms": result.credited_ms,
        "lesson_credited_seconds": result.lesson_credited_seconds,
        "lesson_credit_seconds": result.lesson_credit_seconds,
        "completed": result.completed,
        "challenge": result.challenge_id,
        "challenge_due": result.challenge_due.isoformat() if result.challenge_due else None,
    }


@router.post(
    "/study/heartbeat",
    response={200: StudyOut, 422: Refusal},
    summary="A video player's heartbeat; the server decides what it credits",
)
def heartbeat(request, payload: HeartbeatIn):
    person = _person(request)
    lesson = _lesson(payload.lesson)
    if lesson is None:
        return _no_lesson()
    return _out(
        person,
        study.heartbeat(
            person=person,
            lesson=lesson,
            client_id=payload.client,
            seq=payload.seq,
            position=payload.position,
        ),
    )


@router.post(
    "/study/reading",
    response={200: StudyOut, 422: Refusal},
    summary="A document or text lesson on screen (opening, then a tick every few seconds)",
)
def reading(request, payload: ReadingIn):
    person = _person(request)
    lesson = _lesson(payload.lesson)
    if lesson is None:
        return _no_lesson()
    return _out(
        person,
        study.reading_tick(
            person=person,
            lesson=lesson,
            client_id=payload.client,
            seq=payload.seq,
            opening=payload.opening,
        ),
    )


@router.post("/study/challenge", response={200: ChallengeOut, 422: Refusal})
def challenge(request, payload: ChallengeIn):
    person = _person(request)
    if not study.challenge_answer(person=person, challenge_id=payload.challenge):
        return Status(
            422,
            {"detail": _("There is no such attendance check pending."), "code": "challenge"},
        )
    return {"ok": True, "message": _("Thank you, study time is being credited again.")}


@router.post("/study/snapshot", response={204: None, 422: Refusal})
def snapshot(request, lesson: Form[int], image: File[UploadedFile]):
    person = _person(request)
    found = _lesson(lesson)
    if found is None:
        return _no_lesson()
    if image.size > study.SNAPSHOT_MAX_BYTES:
        # Refused before reading it into memory.
        return Status(422, {"detail": _("The picture is too large."), "code": "size"})
    try:
        study.snapshot_save(person=person, lesson=found, data=image.read())
    except study.StudyError as exc:
        return Status(422, {"detail": exc.message, "code": exc.code})
    return Status(204, None)
