"""Periodic drill reminders (Celery beat, daily): thin, idempotent (drills.services)."""

from celery import shared_task

from .services import drill_reminders_send


@shared_task(acks_late=True)
def drill_reminders_task() -> int:
    return drill_reminders_send()
