"""The exam page's JSON endpoints: save answers, record events, submit, read the state.

Small and idempotent on purpose: the page posts each answer with a client sequence number
as it is given, and resends unsent ones after a network drop (ARCHITECTURE.md rule 1).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import APIKeyHeader, django_auth

from config.lane import session_free
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
from question_banks.services.exam_day import answer_save_quick, attempt_submit_quick
from question_banks.services.exam_pass import META_KEY, attempt_scope, pass_holder

router = Router(tags=["exams"])
JSON = "application/json; charset=utf-8"  # as Ninja's own answers
CLIENT_MAX = 64  # a tab's id, as the start form's


class AnswerIn(Schema):
    # Bounded like the columns they go into: an out-of-range number is a 422, not a 500.
    position: int = Field(..., ge=1, le=MAX_POSITION)
    answer: list[str] | dict[str, list[str]] | None = None
    seq: int = Field(..., ge=1, le=MAX_SEQ)
    flagged: bool | None = None


class AnswersIn(Schema):
    client: str = Field(..., max_length=CLIENT_MAX)
    answers: list[AnswerIn] = Field(..., max_length=500)


# The save's fast path (the session-free lane, question_banks/api.py's _save_with_pass):
# validating AnswersIn costs ~6 times the json.loads of the body, more than the save's
# UPDATE. What it takes without validation is the common body, one answer exactly in the
# schema's shape with nothing to convert; anything else goes to the operation, which
# validates with AnswersIn and explains. The bounds of the numbers are answer_save_quick's.
_ENTRY_KEYS = frozenset(AnswerIn.model_fields)


def single_answer(body: bytes) -> tuple[str, dict] | None:
    """(client, the answer) when the body is one answer exactly as AnswersIn takes it."""
    try:
        payload = json.loads(body)
    except ValueError:
        return None
    if not isinstance(payload, dict) or not payload.keys() <= AnswersIn.model_fields.keys():
        return None
    client, answers = payload.get("client"), payload.get("answers")
    if not isinstance(client, str) or len(client) > CLIENT_MAX:
        return None
    if not isinstance(answers, list) or len(answers) != 1 or not isinstance(answers[0], dict):
        return None
    entry = answers[0]
    if not entry.keys() <= _ENTRY_KEYS or not _answer_shape(entry.get("answer")):
        return None
    return client, entry


def _answer_shape(answer) -> bool:
    """list[str] | dict[str, list[str]] | None, as AnswerIn.answer."""
    if answer is None:
        return True
    if isinstance(answer, list):
        return all(isinstance(choice, str) for choice in answer)
    if isinstance(answer, dict):
        return all(
            isinstance(part, list) and all(isinstance(choice, str) for choice in part)
            for part in answer.values()
        )
    return False


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


# ---------------------------------------------------------------- the exam pass


@dataclass(frozen=True)
class PassHolder:
    """request.auth of a save authenticated by the exam page's pass."""

    person_id: int


_ATTEMPT_ID = re.compile(r"[1-9][0-9]{0,17}")


class ExamPass(APIKeyHeader):
    """The exam page's pass (services/exam_pass.py) in the X-Exam-Pass header, for the
    attempt in the path: it authenticates its holder's answer saves without the session
    (and stands in for the CSRF token, as a header another site cannot make a browser
    send). The session-free lane asks `holder` directly, before Ninja runs."""

    param_name = "X-Exam-Pass"

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.META.get(META_KEY)  # not request.headers, built from all of META

    def authenticate(self, request: HttpRequest, key: str | None) -> PassHolder | None:
        if not key or request.resolver_match is None:
            return None
        return self.holder(key, request.resolver_match.kwargs.get("attempt_id"), timezone.now())

    @staticmethod
    def holder(key: str, attempt_id, now: dt.datetime) -> PassHolder | None:
        if not _ATTEMPT_ID.fullmatch(str(attempt_id)):
            return None
        person = pass_holder(key, scope=attempt_scope(int(attempt_id)), now=now)
        return None if person is None else PassHolder(person)


def _person_id(request) -> int | None:
    """Whom the request's authentication names: the pass's holder or the signed-in person."""
    auth = getattr(request, "auth", None)
    if isinstance(auth, PassHolder):
        return auth.person_id
    user = request.user
    return user.person_id if user.is_authenticated else None


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
    finished = attempt.status in (Attempt.Status.SUBMITTED, Attempt.Status.EXPIRED)
    holder = None
    if client and attempt.status == Attempt.Status.IN_PROGRESS:
        holder = attempt.client_id in ("", client)
    return {
        "status": attempt.status,
        "holder": holder,
        "server_time": timezone.now().isoformat(),
        "deadline": attempt.deadline.isoformat() if attempt.deadline else None,
        "result_url": reverse("question_banks:result", args=[attempt.pk]) if finished else None,
    }


def _save_quickly(
    *, person_id: int, attempt_id: int, client: str, entry: dict, now: dt.datetime
) -> dict | None:
    """The reply to a save of one answer done by answer_save_quick's one statement, or None
    when it needs the long way (answers_save), which says why."""
    quick = answer_save_quick(
        person_id=person_id, attempt_id=attempt_id, client_id=client, entry=entry, now=now
    )
    if quick is None:
        return None
    saved, deadline = quick
    return {
        "saved": [saved.__dict__],
        "server_time": now.isoformat(),
        "deadline": deadline.isoformat(),
    }


def _save_with_pass(request: HttpRequest, attempt_id: str) -> HttpResponse | None:
    """The session-free lane's (config/lane.py): a save of one answer with the exam page's
    pass, answered in one statement without the session, Ninja's validation or its
    serialisation (the reply is already in AnswersOut's shape: tests hold them together).
    None sends the request on to the operation below."""
    key = request.META.get(META_KEY)
    if not key or request.content_type != "application/json":
        return None
    now = timezone.now()
    holder = ExamPass.holder(key, attempt_id, now)
    if holder is None:
        return None
    single = single_answer(request.body)
    if single is None:
        return None
    client, entry = single
    reply = _save_quickly(
        person_id=holder.person_id, attempt_id=int(attempt_id), client=client, entry=entry, now=now
    )
    return None if reply is None else HttpResponse(json.dumps(reply), content_type=JSON)


@router.post(
    "/attempts/{attempt_id}/answers",
    auth=[ExamPass(), django_auth],
    response={200: AnswersOut, 409: Refusal, 422: Refusal},
    summary="Save answers as they are given",
)
@session_free(_save_with_pass)
def save_answers(request, attempt_id: int, payload: AnswersIn):
    person_id = _person_id(request)
    if len(payload.answers) == 1 and person_id:
        reply = _save_quickly(
            person_id=person_id,
            attempt_id=attempt_id,
            client=payload.client,
            entry=payload.answers[0].dict(),
            now=timezone.now(),
        )
        if reply is not None:
            return reply
    try:
        attempt = attempt_get_own_for_saving(person_id=person_id, pk=attempt_id)
    except Attempt.DoesNotExist as exc:
        raise HttpError(404, "not found") from exc
    try:
        saved = answers_save(
            attempt=attempt,
            person_id=person_id,
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
            attempt=attempt,
            person_id=request.user.person_id,
            kind=payload.kind,
            data={"client": payload.client, **payload.data},
        )
    except ExamError as exc:
        return _refuse(exc)
    return Status(204, None)


def _submit_client(body: bytes) -> str | None:
    """The tab's id when the body is exactly SubmitIn's `{"client": ...}`."""
    try:
        payload = json.loads(body)
    except ValueError:
        return None
    if not isinstance(payload, dict) or payload.keys() != {"client"}:
        return None
    client = payload["client"]
    return client if isinstance(client, str) and len(client) <= CLIENT_MAX else None


def _submitted(attempt_id: int, deadline: dt.datetime, now: dt.datetime) -> dict:
    """StateOut of an attempt just submitted by attempt_submit_quick."""
    return {
        "status": Attempt.Status.SUBMITTED,
        "server_time": now.isoformat(),
        "deadline": deadline.isoformat(),
        "holder": None,
        "score": None,  # graded by the task
        "passed": None,
        "result_url": reverse("question_banks:result", args=[attempt_id]),
    }


def _submit_with_pass(request: HttpRequest, attempt_id: str) -> HttpResponse | None:
    """The session-free lane's (config/lane.py): the exam page's submit with its pass,
    recorded in one statement and its grade queued, without the session or Ninja (issue
    27: a thousand at once). None sends the request on to the operation below, which
    reads the session and answers anything unusual (a second click, another tab, late)."""
    key = request.META.get(META_KEY)
    if not key or request.content_type != "application/json":
        return None
    now = timezone.now()
    holder = ExamPass.holder(key, attempt_id, now)
    if holder is None:
        return None
    client = _submit_client(request.body)
    if client is None:
        return None
    pk = int(attempt_id)
    deadline = attempt_submit_quick(
        person_id=holder.person_id, attempt_id=pk, client_id=client, now=now
    )
    if deadline is None:
        return None
    return HttpResponse(json.dumps(_submitted(pk, deadline, now)), content_type=JSON)


@router.post("/attempts/{attempt_id}/submit", response={200: StateOut, 409: Refusal, 422: Refusal})
@session_free(_submit_with_pass)
def submit(request, attempt_id: int, payload: SubmitIn):
    if request.user.is_authenticated and request.user.person_id:
        now = timezone.now()
        deadline = attempt_submit_quick(
            person_id=request.user.person_id,
            attempt_id=attempt_id,
            client_id=payload.client,
            now=now,
        )
        if deadline is not None:
            return _submitted(attempt_id, deadline, now)
    attempt = _own(request, attempt_id)
    try:
        # Answered once recorded; graded by a task right after (the result page waits).
        attempt = attempt_submit(
            attempt=attempt,
            person_id=request.user.person_id,
            client_id=payload.client,
            grade_later=True,
        )
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
