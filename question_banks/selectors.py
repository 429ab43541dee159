"""Reads of the exam engine, always for an acting user (a trainee sees only their own)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from question_banks.models import Attempt, AttemptItem, Candidate, ExamSession
from roster.models import User


def attempt_get_own(*, user: User, pk: int) -> Attempt:
    """The signed-in examinee's own attempt; DoesNotExist for anyone else's (no oracle)."""
    if not user.is_authenticated or not user.person_id:
        raise Attempt.DoesNotExist
    return Attempt.objects.select_related("session", "rule").get(pk=pk, person_id=user.person_id)


def attempt_items_for_display(attempt: Attempt) -> QuerySet[AttemptItem]:
    return attempt.items.select_related("version__question").order_by("position")


def sessions_for_person(*, user: User) -> QuerySet[Candidate]:
    """The exam sessions the signed-in person is on the list of, with their attempts."""
    if not user.is_authenticated or not user.person_id:
        return Candidate.objects.none()
    return (
        Candidate.objects.filter(person_id=user.person_id, session__is_published=True)
        .select_related("session__rule")
        .prefetch_related(
            Prefetch(
                "session__attempts",
                queryset=Attempt.objects.filter(person_id=user.person_id).order_by("number"),
                to_attr="my_attempts",
            )
        )
        .order_by("-session__opens_at")
    )


def session_get_for_candidate(*, user: User, code: str) -> tuple[ExamSession, Candidate]:
    if not user.is_authenticated or not user.person_id:
        raise ExamSession.DoesNotExist
    candidate = (
        Candidate.objects.select_related("session__rule")
        .filter(person_id=user.person_id, session__code=code, session__is_published=True)
        .first()
    )
    if candidate is None:
        raise ExamSession.DoesNotExist
    return candidate.session, candidate
