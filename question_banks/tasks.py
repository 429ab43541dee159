"""Celery tasks of the exam engine: thin, take ids, safe to run twice."""

from celery import shared_task

from config.celery import DATABASE_OUTAGE, OUTAGE_RETRY
from question_banks.models import ExamSession
from question_banks.services.attempts import attempts_expire_overdue, session_predraw


@shared_task(acks_late=True)
def expire_overdue_attempts_task() -> int:
    """Grades attempts whose time ran out. Pages also do this lazily, so it is only a sweep."""
    return attempts_expire_overdue()


@shared_task(acks_late=True, autoretry_for=DATABASE_OUTAGE, **OUTAGE_RETRY)
def session_predraw_task(session_id: int) -> int:
    """Draws the papers of a published session; people already drawn are skipped."""
    session = ExamSession.objects.select_related("rule").get(pk=session_id)
    if not session.is_published:
        return 0
    return session_predraw(session=session)
