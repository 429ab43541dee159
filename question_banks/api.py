"""The exam page's JSON endpoints: save answers, record events, submit, read the state.

Small and idempotent on purpose: the page posts each answer with a client sequence number
as it is given, and resends unsent ones after a network drop (ARCHITECTURE.md rule 1).
"""

from __future__ import annotations

from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from question_banks.models import Attempt
from question_banks.selectors import attempt_get_own, attempt_get_own_for_saving
from question_banks.services.attempts import (
    MAX_POSITION,
    MAX_SEQ,
    ExamError,
    answers_save,
    attempt_event,
    attempt_expire_if_overdue,
    attempt_overdue,
    attempt_submit,
)
from question_banks.services.exam_day import answer_save_quick

router = Router(tags=["exams"])


class AnswerIn(Schema):
    # Bounded like the columns they go into: an out-of-range number is a 422, not a 500.
    position: int = Field(..., ge=1, le=MAX_POSITION)
    answer: list[str] | dict[str, list[str]] | None = None
    seq: int = Field(..., ge=1, le=MAX_SEQ)
    flagged: bool | None = None


class AnswersIn(Schema):
    client: str = Field(..., max_length=64)
    answers: list[AnswerIn] = Field(..., max_length=500)


class SavedOut(Schema):
    position: int
    seq: int
    applied: bool


class AnswersOut(Schema):
    saved: list[SavedOut]
    server_time: str
    deadline: str


class EventIn(Schema):
    client: str = Field(..., max_length=64)
    kind: str = Field(..., max_length=30)
    data: dict = {}


class SubmitIn(Schema):
    client: str = Field(..., max_length=64)


class StateOut(Schema):
    status: str
    server_time: str
    deadline: str | None
    # Whether the client named in the request holds the attempt (None: no client named).
    holder: bool | None = None
    score: str | None = None
    passed: bool | None = None
    result_url: str | None = None


class Refusal(Schema):
    detail: str
    code: str


def _own(request, attempt_id: int, reader=attempt_get_own) -> Attempt:
    try:
        return reader(user=request.user, pk=attempt_id)
    except Attempt.DoesNotExist as exc:
        raise HttpError(404, "not found") from exc


def _refuse(exc: ExamError):
    if exc.code in {"other_client", "deadline", "finished", "not_started"}:
        status = 409
    elif exc.code == "too_large":
        status = 413
    else:
        status = 422
    return Status(status, {"detail": exc.message, "code": exc.code})


def _state(attempt: Attempt, client: str = "") -> dict:
    from django.urls import reverse

    finished = attempt.status in (Attempt.Status.SUBMITTED, Attempt.Status.EXPIRED)
    holder = None
    if client and attempt.status == Attempt.Status.IN_PROGRESS:
        holder = attempt.client_id in ("", client)
    return {
        "status": attempt.status,
        "holder": holder,
        "server_time": timezone.now().isoformat(),
        "deadline": attempt.deadline.isoformat() if attempt.deadline else None,
        "result_url": reverse("exams:result", args=[attempt.pk]) if finished else None,
    }


@router.post(
    "/attempts/{attempt_id}/answers",
    response={200: AnswersOut, 409: Refusal, 422: Refusal},
    summary="Save answers as they are given",
)
def save_answers(request, attempt_id: int, payload: AnswersIn):
    user = request.user
    if len(payload.answers) == 1 and user.is_authenticated and user.person_id:
        quick = answer_save_quick(
            person_id=user.person_id,
            attempt_id=attempt_id,
            client_id=payload.client,
            entry=payload.answers[0].dict(),
        )
        if quick is not None:
            saved, deadline = quick
            return {
                "saved": [saved.__dict__],
                "server_time": timezone.now().isoformat(),
                "deadline": deadline.isoformat(),
            }
    attempt = _own(request, attempt_id, reader=attempt_get_own_for_saving)
    try:
        saved = answers_save(
            attempt=attempt,
            client_id=payload.client,
            answers=[a.dict() for a in payload.answers],
            reread=False,  # read just now, with what saving checks
        )
    except ExamError as exc:
        return _refuse(exc)
    return {
        "saved": [s.__dict__ for s in saved],
        "server_time": timezone.now().isoformat(),
        "deadline": attempt.deadline.isoformat(),
    }


@router.post(
    "/attempts/{attempt_id}/events",
    response={204: None, 409: Refusal, 413: Refusal, 422: Refusal},
    summary="Record what happened on the exam page (focus lost, offline, …)",
)
def record_event(request, attempt_id: int, payload: EventIn):
    attempt = _own(request, attempt_id)
    try:
        attempt_event(
            attempt=attempt, kind=payload.kind, data={"client": payload.client, **payload.data}
        )
    except ExamError as exc:
        return _refuse(exc)
    return Status(204, None)


@router.post("/attempts/{attempt_id}/submit", response={200: StateOut, 409: Refusal, 422: Refusal})
def submit(request, attempt_id: int, payload: SubmitIn):
    attempt = _own(request, attempt_id)
    try:
        attempt = attempt_submit(attempt=attempt, client_id=payload.client)
    except ExamError as exc:
        return _refuse(exc)
    return _state(attempt)


@router.get("/attempts/{attempt_id}/state", response=StateOut)
def state(request, attempt_id: int, client: str = Query("", max_length=64)):
    """The attempt's status and deadline; with ``client``, whether that tab still holds it
    (the exam page asks when it comes back into view, so a device that was taken over says
    so before anything is answered on it).
    One read unless the time has run out: the lock and the grading only then."""
    attempt = _own(request, attempt_id)
    if attempt_overdue(attempt, timezone.now()) and attempt_expire_if_overdue(attempt=attempt):
        attempt.refresh_from_db()
    return _state(attempt, client)
