"""Celery tasks of the notices app: thin and safe to run twice."""

from celery import shared_task

from config.celery import DATABASE_OUTAGE, OUTAGE_RETRY


@shared_task(acks_late=True, autoretry_for=DATABASE_OUTAGE, **OUTAGE_RETRY)
def notify_overdue_acknowledgements_task() -> int:
    """Every quarter of an hour: readers past a notice's acknowledgement deadline, and their
    enterprises' admins, are told once (each receipt is marked when told)."""
    from .services import notice_overdue_notify

    return notice_overdue_notify()
