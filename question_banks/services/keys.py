"""When a person may see the answer keys of a question bank: never while they sit an exam on it.

Practice checks each answer at once and shows the right one; a mock exam's result shows the
score and every right answer. Both draw on the same bank as the official exam, so while a
person's official attempt on a bank is open, the keys they show are the keys of the paper
in front of them: an examinee could start a mock on the same bank, submit it blank and read
the answers. So while such an attempt is open (in progress, its deadline and grace not yet
passed), no practice or mock exam on that bank starts or answers, and no result shows that
bank's keys or a mock's score (which, one question at a time, gives the keys away too).

A session may also close practice on its bank for all its candidates during its window
(ExamSession.closes_practice; by default a proctored exam does, an open online one, whose
window may last weeks, does not): in an exam room, a neighbour still sitting the paper
must not be able to look the answers up on their phone.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from question_banks.models import Attempt, Candidate, ExamSession
from question_banks.services.errors import ExamError


class KeysClosed(ExamError):
    """Practice or a mock exam on this bank is closed to the person now; `message` says why."""

    def __init__(self, message: str):
        super().__init__(message, "keys_closed")


def _open_official_banks(person_id: int, now: dt.datetime) -> set[int]:
    attempts = Attempt.objects.filter(
        person_id=person_id,
        kind=Attempt.Kind.OFFICIAL,
        status=Attempt.Status.IN_PROGRESS,
        deadline__isnull=False,
    ).values_list("rule__bank_id", "deadline", "session__grace_seconds")
    return {
        bank_id
        for bank_id, deadline, grace in attempts
        if deadline is not None and now <= deadline + dt.timedelta(seconds=grace or 0)
    }


def _closing_sessions(person_id: int, now: dt.datetime) -> QuerySet[Candidate]:
    return Candidate.objects.filter(
        Q(session__closes_practice=True)
        | Q(session__closes_practice__isnull=True, session__mode=ExamSession.Mode.PROCTORED),
        person_id=person_id,
        session__is_published=True,
        session__opens_at__lte=now,
        session__closes_at__gt=now,
    )


def banks_closed_to_keys(*, person_id: int, now: dt.datetime | None = None) -> set[int]:
    """The banks whose keys this person may not see now (two small indexed reads)."""
    now = now or timezone.now()
    closed = _open_official_banks(person_id, now)
    closed |= set(
        _closing_sessions(person_id, now).values_list("session__rule__bank_id", flat=True)
    )
    return closed


def keys_closed_reason(
    *, person_id: int, bank_id: int, now: dt.datetime | None = None
) -> str | None:
    """Why this bank's keys are closed to the person now, or None when they are not."""
    now = now or timezone.now()
    if bank_id in _open_official_banks(person_id, now):
        return _(
            "You have an official exam in progress that uses this question bank: you cannot "
            "practise on it until that exam ends."
        )
    closing = (
        _closing_sessions(person_id, now)
        .filter(session__rule__bank_id=bank_id)
        .order_by("-session__closes_at")
        .values_list("session__closes_at", flat=True)
        .first()
    )
    if closing is not None:
        return _(
            "An exam session that uses this question bank is being held: practice on it is "
            "closed until %(time)s."
        ) % {"time": timezone.localtime(closing).strftime("%Y-%m-%d %H:%M")}
    return None


def require_keys_open(*, person_id: int, bank_id: int, now: dt.datetime | None = None) -> None:
    """Refuse (KeysClosed) practice or a mock exam on a bank whose keys are closed now."""
    reason = keys_closed_reason(person_id=person_id, bank_id=bank_id, now=now)
    if reason is not None:
        raise KeysClosed(reason)
