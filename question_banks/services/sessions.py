"""Setting up exam sessions: eligible people, overrides, publishing."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from question_banks.models import Candidate, ExamSession
from question_banks.services.rules import paper_rule_validate
from roster.models import Employment, Person, User
from roster.services.audit import audit_record


def session_add_candidates(
    *,
    session: ExamSession,
    actor: User | None,
    people: Iterable[Person] = (),
    enterprise_ids: Iterable[int] = (),
    categories: Iterable[str] = (),
) -> int:
    """Add people by list, or everyone now employed at enterprises (optionally by category)."""
    ids = {p.pk for p in people}
    enterprise_ids = list(enterprise_ids)
    if enterprise_ids:
        employments = Employment.objects.current().filter(enterprise_id__in=enterprise_ids)
        categories = list(categories)
        if categories:
            employments = employments.filter(category__in=categories)
        ids |= set(employments.values_list("person_id", flat=True))
    with transaction.atomic():
        existing = set(session.candidates.values_list("person_id", flat=True))
        new = [Candidate(session=session, person_id=pk) for pk in sorted(ids - existing)]
        Candidate.objects.bulk_create(new)
        if new:
            audit_record(actor=actor, action="exam.candidates_add", target=session, count=len(new))
    return len(new)


def candidate_grant(
    *,
    candidate: Candidate,
    actor: User,
    reason: str,
    extra_minutes: int | None = None,
    extra_attempts: int | None = None,
) -> Candidate:
    """Extra time (an accommodation) or an extra attempt, always with who and why."""
    if not reason.strip():
        raise ValidationError(_("Say why the extra time or attempt is granted."))
    with transaction.atomic():
        if extra_minutes is not None:
            candidate.extra_minutes = extra_minutes
        if extra_attempts is not None:
            candidate.extra_attempts = extra_attempts
        candidate.override_reason = reason.strip()[:200]
        candidate.override_by = actor
        candidate.save()
        audit_record(
            actor=actor,
            action="exam.candidate_grant",
            target=candidate.session,
            summary=reason[:200],
            person=candidate.person_id,
            extra_minutes=candidate.extra_minutes,
            extra_attempts=candidate.extra_attempts,
        )
    return candidate


def session_publish(
    *, session: ExamSession, actor: User | None, predraw: bool = True
) -> ExamSession:
    """Check the rule against the bank, open the session, and draw papers ahead on commit."""
    paper_rule_validate(rule=session.rule)
    if not session.candidates.exists():
        raise ValidationError(_("Add the people who take this exam before publishing it."))
    with transaction.atomic():
        session.is_published = True
        session.save(update_fields=["is_published"])
        audit_record(actor=actor, action="exam.session_publish", target=session)
        if predraw:
            from config.celery import send_or_skip
            from question_banks.tasks import session_predraw_task

            transaction.on_commit(lambda: send_or_skip(session_predraw_task, session.pk))
    return session
