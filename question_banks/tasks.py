"""Celery tasks of the exam engine: thin, take ids, safe to run twice."""

from celery import shared_task

from config.celery import DATABASE_OUTAGE, OUTAGE_RETRY
from question_banks.models import ExamSession
from question_banks.services.attempts import (
    attempt_grade_pending,
    attempts_expire_overdue,
    attempts_grade_waiting,
    grade_task_started,
    session_predraw,
)


@shared_task(acks_late=True)
def expire_overdue_attempts_task() -> int:
    """Grades attempts whose time ran out, and submits whose grade went missing. Pages also
    do both lazily, so it is only a sweep."""
    return attempts_expire_overdue()


@shared_task(acks_late=True, autoretry_for=DATABASE_OUTAGE, **OUTAGE_RETRY)
def attempt_grade_task(attempt_id: int) -> bool:
    """Grades a submitted attempt (queued by attempt_submit on commit), then the others
    still waiting, which sent no task of their own while this one was queued (services/
    attempts/grading.py). Safe to run twice: an attempt graded already is left alone. True
    if this run graded it."""
    grade_task_started()
    graded = attempt_grade_pending(attempt_id=attempt_id) is not None
    attempts_grade_waiting()
    return graded


@shared_task(acks_late=True, autoretry_for=DATABASE_OUTAGE, **OUTAGE_RETRY)
def session_predraw_task(session_id: int) -> int:
    """Draws the papers of a published session; people already drawn are skipped."""
    session = ExamSession.objects.select_related("rule").get(pk=session_id)
    if not session.is_published:
        return 0
    return session_predraw(session=session)


@shared_task(acks_late=True, autoretry_for=DATABASE_OUTAGE, **OUTAGE_RETRY)
def question_import_check_task(job_id: int) -> str | None:
    """Checks an uploaded question file (a dry run); a job checked already is left alone."""
    from question_banks.services.import_jobs import question_import_job_check

    job = question_import_job_check(job_id)
    return job.status if job else None


@shared_task(acks_late=True, autoretry_for=DATABASE_OUTAGE, **OUTAGE_RETRY)
def question_import_run_task(job_id: int) -> str | None:
    """Imports the good questions of a checked upload; a job imported already is left alone."""
    from question_banks.services.import_jobs import question_import_job_run

    job = question_import_job_run(job_id)
    return job.status if job else None


@shared_task(acks_late=True)
def question_import_jobs_sweep_task() -> int:
    """Every few minutes: imports whose worker died go back to their owner. Safe to run twice:
    a job given back is no longer stuck."""
    from question_banks.services.import_jobs import question_import_jobs_sweep

    return question_import_jobs_sweep()
