"""Answering: each answer saved as it is given, idempotent with the client's sequence
number (ARCHITECTURE rule 1), refused after the deadline and grace (rule 2); what happened
on the exam page (focus lost, offline) recorded beside them."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Protocol, TypeGuard

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from question_banks.choices import QuestionType
from question_banks.models import Attempt, AttemptEvent, AttemptItem
from question_banks.services.attempts.grading import (
    FINISHED,
    answers_close_at,
    attempt_expire_if_overdue,
    require_holder,
)
from question_banks.services.errors import ExamError
from question_banks.services.paper_slots import paper_slots

# An answer as stored: the chosen option keys, or per part of a case question; None clears it.
StoredAnswer = list[str] | dict[str, list[str] | None] | None


class Answerable(Protocol):
    """What validate_answer reads of a question: a QuestionVersion, or a cached PaperSlot."""

    @property
    def options(self) -> Any: ...

    @property
    def sub_questions(self) -> Any: ...


def validate_answer(version: Answerable, qtype: str, answer: object) -> StoredAnswer:
    """The answer in its stored form, or ExamError naming what is wrong. None clears it."""
    if answer is None or answer == [] or answer == {}:
        return None
    if qtype == QuestionType.CASE:
        if not isinstance(answer, dict):
            raise ExamError(_("A case question is answered part by part."), "malformed")
        subs = version.sub_questions or []
        clean: dict[str, list[str] | None] = {}
        for key, value in answer.items():
            if not str(key).isdigit() or int(key) >= len(subs):
                raise ExamError(_("This case question has no such part."), "malformed")
            sub = subs[int(key)]
            clean[str(int(key))] = _choice_answer(sub["qtype"], sub["options"], value)
        return clean
    return _choice_answer(qtype, version.options, answer)


def _choice_answer(qtype: str, options: list[dict], value: object) -> list[str] | None:
    if value is None or value == []:
        return None
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ExamError(_("An answer is a list of option letters."), "malformed")
    keys = {o["key"] for o in options}
    if not set(value) <= keys:
        raise ExamError(_("That option is not part of this question."), "bad_option")
    if len(set(value)) != len(value):
        raise ExamError(_("An option was chosen twice."), "malformed")
    if qtype in (QuestionType.SINGLE, QuestionType.JUDGE) and len(value) > 1:
        raise ExamError(_("Choose only one option for this question."), "malformed")
    return sorted(value)


# The largest values AttemptItem.position and .answer_seq hold (PositiveSmallIntegerField,
# PositiveIntegerField); a client's counter will not reach them in any exam.
MAX_POSITION = 32767
MAX_SEQ = 2**31 - 1


def is_count(value: object, limit: int) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= limit


@dataclass(frozen=True)
class SaveResult:
    position: int
    seq: int
    applied: bool  # False: a newer answer was already saved (a late retry), nothing changed


def answers_save(
    *,
    attempt: Attempt,
    person_id: int | None,
    client_id: str,
    answers: list[dict],
    now: dt.datetime | None = None,
    reread: bool = True,
) -> list[SaveResult]:
    """Save answers as given: [{"position", "answer", "seq", "flagged"?}, …].

    Idempotent: each item keeps the answer with the highest client sequence number, so a
    retried or reordered post never overwrites a newer answer. All or nothing per call.
    ``reread=False``: the caller read `attempt` (with its session) in this same request, so
    it is not read again (the hot path of an exam day: one save every few seconds each).
    Only the attempt's own person (`person_id`) saves answers on it (require_holder).
    """
    now = now or timezone.now()
    if reread:
        attempt = Attempt.objects.select_related("session").get(pk=attempt.pk)
    require_holder(attempt, person_id)
    if attempt.status in FINISHED:
        raise ExamError(
            _("This exam has been submitted; answers can no longer change."), "finished"
        )
    if attempt.status != Attempt.Status.IN_PROGRESS:
        raise ExamError(_("This exam has not started."), "not_started")
    if now > answers_close_at(attempt):
        attempt_expire_if_overdue(attempt=attempt, now=now)
        raise ExamError(_("Time is up: answers after the deadline are not accepted."), "deadline")
    if attempt.client_id and attempt.client_id != client_id:
        AttemptEvent.objects.create(
            attempt=attempt, kind="other_client_refused", data={"client": client_id[:64]}
        )
        raise ExamError(
            _("This exam was taken over on another device or tab; answer there."), "other_client"
        )
    slots = paper_slots(attempt.pk)
    prepared = []
    for entry in answers:
        position = entry.get("position")
        if not is_count(position, MAX_POSITION) or (item := slots.get(position)) is None:
            raise ExamError(_("That question is not part of your paper."), "bad_question")
        seq = entry.get("seq")
        if not is_count(seq, MAX_SEQ):
            raise ExamError(_("Each answer needs a positive sequence number."), "malformed")
        answer = validate_answer(item, item.qtype, entry.get("answer"))
        flagged = entry.get("flagged")
        if flagged is not None and not isinstance(flagged, bool):
            raise ExamError(_("The review flag is true or false."), "malformed")
        prepared.append((position, item, answer, seq, flagged))
    results = []
    with transaction.atomic():
        for position, item, answer, seq, flagged in prepared:
            fields = {"answer": answer, "answer_seq": seq, "answered_at": now}
            if flagged is not None:
                fields["flagged"] = flagged
            applied = AttemptItem.objects.filter(pk=item.item_id, answer_seq__lt=seq).update(
                **fields
            )
            results.append(SaveResult(position, seq, bool(applied)))
    return results


# An event's details are a few small fields (the tab, how long it was away); anything
# larger is not an event of the exam page, and the table is read by invigilators.
EVENT_DATA_MAX_BYTES = 2048
EVENT_KINDS = frozenset({"focus_lost", "focus_back", "offline", "online", "resent"})


def attempt_event(
    *,
    attempt: Attempt,
    person_id: int | None,
    kind: str,
    data: dict | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Focus lost, reconnected, … recorded for the invigilator while the attempt is in
    progress; an unknown kind, details over EVENT_DATA_MAX_BYTES, someone else's attempt
    (`person_id` is who records it) or an attempt that is not in progress (submitted,
    expired, or past its deadline and grace) are refused and nothing is written."""
    require_holder(attempt, person_id)
    if kind not in EVENT_KINDS:
        raise ExamError(_("Unknown event."), "malformed")
    data = data or {}
    if len(json.dumps(data, ensure_ascii=False).encode()) > EVENT_DATA_MAX_BYTES:
        raise ExamError(
            _("The event's details are too long (at most %(n)d bytes).")
            % {"n": EVENT_DATA_MAX_BYTES},
            "too_large",
        )
    if attempt.status in FINISHED:
        raise ExamError(_("This exam has been submitted; nothing more is recorded."), "finished")
    if attempt.status != Attempt.Status.IN_PROGRESS:
        raise ExamError(_("This exam has not started."), "not_started")
    if (now or timezone.now()) > answers_close_at(attempt):
        raise ExamError(_("Time is up: answers after the deadline are not accepted."), "deadline")
    AttemptEvent.objects.create(attempt=attempt, kind=kind, data=data)


# ---------------------------------------------------------------- finishing and grading
