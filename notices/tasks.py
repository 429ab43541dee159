"""Celery tasks of the notices app: thin and safe to run twice."""

from celery import shared_task

from config.celery import DATABASE_OUTAGE, OUTAGE_RETRY


@shared_task(acks_late=True, autoretry_for=DATABASE_OUTAGE, **OUTAGE_RETRY)
def notify_overdue_acknowledgements_task() -> int:
    """Every quarter of an hour: readers past a notice's acknowledgement deadline, and their
    enterprises' admins, are told once (each receipt is marked when told)."""
    from .services import notice_overdue_notify

    return notice_overdue_notify()


@shared_task(acks_late=True, autoretry_for=DATABASE_OUTAGE, **OUTAGE_RETRY)
def readers_sync_task(person_ids: list[int] | None = None) -> tuple[int, int]:
    """Open notices' receipts follow the rosters: for the people whose jobs just changed
    (roster.events.jobs_changed), or every open notice (nightly, person_ids None). Safe to
    run twice: a second run finds every row in step."""
    from .audience import notices_readers_sync

    return notices_readers_sync(person_ids=person_ids)
